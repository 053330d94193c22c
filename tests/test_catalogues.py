"""The translation catalogues are exactly what ``manage.py makemessages``
extracts from the app and the templates (see its command in
cooperation/management/commands/makemessages.py): a text marked for
translation and missing from them, or one left over after its text changed,
fails here with the entries that differ."""

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from cooperation.management.commands.makemessages import catalogue_locales

BASE_DIR = Path(settings.BASE_DIR)


def entries(path: Path) -> list[str]:
    """The catalogue's lines but the one that records when it was made."""
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith('"POT-Creation-Date:')
    ]


def test_makemessages_leaves_every_catalogue_unchanged(tmp_path):
    tree = tmp_path / "tree"
    for name in ("cooperation", "templates"):
        shutil.copytree(
            BASE_DIR / name,
            tree / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
        )
    shutil.copy(BASE_DIR / "manage.py", tree)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--verbosity=0"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        check=True,
        timeout=120,
    )
    changes = {}
    for locale in catalogue_locales():
        relative = Path("cooperation/locale") / locale / "LC_MESSAGES" / "django.po"
        before, after = entries(BASE_DIR / relative), entries(tree / relative)
        if before != after:
            changes[locale] = "\n".join(
                difflib.unified_diff(before, after, lineterm="", n=1)
            )[:3000]
    assert not changes, (
        "Run `manage.py makemessages` and translate the new entries:\n"
        + "\n".join(changes.values())
    )
