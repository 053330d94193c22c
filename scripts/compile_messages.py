"""Compile the translation catalogues without GNU gettext.

Usage:

    .venv/bin/python scripts/compile_messages.py [--force]

Every ``cooperation/locale/<language>/LC_MESSAGES/django.po`` is compiled into
``django.mo`` next to it with the pure-Python ``polib`` package, so that no
``msgfmt`` needs to be installed (``manage.py compilemessages`` needs it). A
``.mo`` file newer than its ``.po`` file is left alone unless ``--force`` is
given. The ``.mo`` files are build products and are not kept in git.

Like ``msgfmt``, the compiled file holds only the translated entries: empty,
fuzzy and obsolete ones are left out, so Django shows the English text for
them. The script exits with status 1, naming the file and the problem, when a
``.po`` file cannot be parsed, has duplicate entries, has plural translations
that do not match its ``Plural-Forms`` header, or has a translation whose
``%`` placeholders Python could not fill.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

try:
    import polib
except ImportError:  # pragma: no cover - depends on the environment
    sys.stderr.write(
        "compile_messages: the polib package is missing; install the "
        "requirements (.venv/bin/pip install -r requirements.txt).\n"
    )
    sys.exit(1)

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "cooperation" / "locale"
CATALOGUE_GLOB = "*/LC_MESSAGES/django.po"

NPLURALS_RE = re.compile(r"nplurals\s*=\s*(\d+)")
# A printf-style conversion as Python's % operator reads it.
PLACEHOLDER_RE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)


# One line of a .po file outside comments: a keyword and a string, or a string
# continuing the previous one. The string takes the escapes msgfmt accepts.
STRING = r'"(?:[^"\\]|\\[\\"abfnrtv]|\\[0-7]{1,3}|\\x[0-9a-fA-F]+)*"'
LINE_RE = re.compile(
    rf"(?P<keyword>msgctxt|msgid_plural|msgid|msgstr(?:\[(?P<index>\d+)\])?)?"
    rf"\s*{STRING}\s*"
)
# The keyword each keyword may follow within an entry (None: an entry's start).
MAY_FOLLOW = {
    "msgctxt": {None},
    "msgid": {None, "msgctxt"},
    "msgid_plural": {"msgid"},
    "msgstr": {"msgid"},
    "msgstr[]": {"msgid_plural", "msgstr[]"},
}


class CatalogueError(Exception):
    """A .po file that cannot be compiled."""


def check_syntax(text: str) -> None:
    """Refuse what msgfmt refuses but polib would let through: unterminated
    strings, unknown escapes or keywords, and keywords out of order."""
    previous, index, line_number = None, -1, 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = LINE_RE.fullmatch(stripped)
        if match is None or (match["keyword"] is None and previous is None):
            shown = stripped if len(stripped) <= 60 else stripped[:57] + "..."
            raise CatalogueError(
                f"line {line_number}: not a valid PO line "
                "(unterminated string, unknown escape or unknown keyword?): "
                f"{shown}"
            )
        keyword = match["keyword"]
        if keyword is None:
            continue  # a string continuing the previous one
        if match["index"] is not None:
            wanted = index + 1 if previous == "msgstr[]" else 0
            if int(match["index"]) != wanted and previous in MAY_FOLLOW["msgstr[]"]:
                raise CatalogueError(f"line {line_number}: expected msgstr[{wanted}]")
            keyword, index = "msgstr[]", wanted
        if keyword in ("msgctxt", "msgid") and previous in ("msgstr", "msgstr[]"):
            previous = None  # the previous entry is complete
        if previous not in MAY_FOLLOW[keyword]:
            after = "msgstr" if previous == "msgstr[]" else previous
            raise CatalogueError(
                f"line {line_number}: {stripped.split(None, 1)[0]} cannot follow "
                f"{after or 'the start of the file'} "
                "(is a msgid, msgid_plural or msgstr missing?)"
            )
        previous = keyword
    if previous not in (None, "msgstr", "msgstr[]"):
        raise CatalogueError(f"line {line_number}: the last entry has no msgstr")


def placeholders(text: str) -> tuple[set[str], int]:
    """The named placeholders in ``text`` and the number of positional ones."""
    named, positional = set(), 0
    for match in PLACEHOLDER_RE.finditer(text):
        if match["type"] == "%":
            continue
        if match["name"] is None:
            positional += 1
        else:
            named.add(match["name"])
    return named, positional


def check_placeholders(entry: polib.POEntry) -> None:
    """Refuse a python-format translation that formatting would fail on."""
    if "python-format" not in entry.flags:
        return
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    known: set[str] = set()
    positional = 0
    for source in sources:
        names, count = placeholders(source)
        known |= names
        positional = max(positional, count)
    translations = (
        list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    )
    for translation in translations:
        if not translation:
            continue
        names, count = placeholders(translation)
        if names - known:
            unknown = ", ".join(sorted(names - known))
            raise CatalogueError(
                f"{entry.msgid!r}: the translation uses unknown placeholders "
                f"({unknown})"
            )
        if count != positional:
            raise CatalogueError(
                f"{entry.msgid!r}: the translation has {count} positional "
                f"placeholders instead of {positional}"
            )


def load(po_path: Path) -> polib.POFile:
    """Parse and check one .po file (raises CatalogueError)."""
    try:
        encoding = polib.detect_encoding(str(po_path))
        check_syntax(po_path.read_text(encoding=encoding))
        catalogue = polib.pofile(
            str(po_path), encoding=encoding, check_for_duplicates=True
        )
    except (OSError, ValueError, LookupError) as error:
        # polib reports syntax errors as OSError, duplicates and undecodable
        # text as ValueError (UnicodeDecodeError is one), an unknown charset
        # as LookupError.
        raise CatalogueError(str(error)) from error
    match = NPLURALS_RE.search(catalogue.metadata.get("Plural-Forms", ""))
    nplurals = int(match[1]) if match else None
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural and entry.translated():
            if nplurals is None:
                raise CatalogueError(
                    "plural translations but no valid Plural-Forms header"
                )
            if sorted(entry.msgstr_plural) != list(range(nplurals)):
                raise CatalogueError(
                    f"{entry.msgid!r}: {len(entry.msgstr_plural)} plural forms, "
                    f"but the Plural-Forms header says nplurals={nplurals}"
                )
        if not entry.fuzzy:
            check_placeholders(entry)
    return catalogue


def compile_catalogue(po_path: Path, mo_path: Path) -> int:
    """Write ``mo_path`` from ``po_path``; return the number of messages."""
    catalogue = load(po_path)
    # Written beside the target and renamed into place, so that a failure
    # never leaves a truncated .mo file for Django to read.
    handle, temporary = tempfile.mkstemp(
        dir=mo_path.parent, prefix=".django-", suffix=".mo"
    )
    os.close(handle)
    try:
        catalogue.save_as_mofile(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, mo_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(catalogue.translated_entries())


def is_up_to_date(po_path: Path, mo_path: Path) -> bool:
    try:
        return mo_path.stat().st_mtime_ns > po_path.stat().st_mtime_ns
    except FileNotFoundError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Compile cooperation/locale/*/LC_MESSAGES/django.po into "
        "django.mo with polib (no GNU gettext needed)."
    )
    parser.add_argument(
        "--force", action="store_true", help="recompile even up-to-date files"
    )
    args = parser.parse_args(argv)

    po_paths = sorted(LOCALE_DIR.glob(CATALOGUE_GLOB))
    if not po_paths:
        sys.stderr.write(f"compile_messages: no .po files under {LOCALE_DIR}\n")
        return 1

    failures = 0
    for po_path in po_paths:
        mo_path = po_path.with_suffix(".mo")
        shown = po_path.relative_to(BASE_DIR)
        if not args.force and is_up_to_date(po_path, mo_path):
            sys.stdout.write(f"{shown}: up to date\n")
            continue
        try:
            count = compile_catalogue(po_path, mo_path)
        except CatalogueError as error:
            sys.stderr.write(f"compile_messages: {shown} is malformed: {error}\n")
            failures += 1
            continue
        sys.stdout.write(f"{shown}: compiled {count} messages\n")
    if failures:
        sys.stderr.write(
            f"compile_messages: {failures} catalogue(s) could not be compiled\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
