"""scripts/compile_messages.py: .po to .mo without GNU gettext."""

import gettext
import importlib.util
from pathlib import Path

from django.conf import settings

spec = importlib.util.spec_from_file_location(
    "compile_messages", Path(settings.BASE_DIR) / "scripts" / "compile_messages.py"
)
compile_messages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compile_messages)

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def test_catalogue_compiles_and_reads_back(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(HEADER + 'msgid "exchange"\nmsgstr "交流项目"\n', "utf-8")
    mo = tmp_path / "django.mo"
    assert compile_messages.compile_catalogue(po, mo) == []
    with mo.open("rb") as mo_file:
        assert gettext.GNUTranslations(mo_file).gettext("exchange") == "交流项目"


def test_translation_with_wrong_placeholder_is_refused(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        HEADER + '#, python-format\nmsgid "%(size)s MB"\nmsgstr "%(taille)s Mo"\n',
        "utf-8",
    )
    mo = tmp_path / "django.mo"
    problems = compile_messages.compile_catalogue(po, mo)
    assert problems and "size" in problems[0]
    assert not mo.exists()


def test_broken_syntax_is_refused(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(HEADER + 'msgid "a"\nmsgstr "b"\ngarbage\n', "utf-8")
    assert compile_messages.compile_catalogue(po, tmp_path / "django.mo")
