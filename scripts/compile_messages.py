"""Compile cooperation/locale/*/LC_MESSAGES/django.po into django.mo.

Uses Babel rather than GNU gettext's msgfmt, so that `make` needs no system
package. A catalogue whose .mo is newer than its .po is skipped; a malformed
catalogue (bad syntax, or a translation whose placeholders differ from the
original) stops the build with the file, line and problem.
"""

import argparse
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "cooperation" / "locale"


def compile_catalogue(po_path: Path, mo_path: Path) -> list[str]:
    """Write ``mo_path``; return the problems found (nothing written if any)."""
    with po_path.open("rb") as po_file:
        try:
            catalog = read_po(po_file, abort_invalid=True)
        except PoFileError as error:
            return [str(error)]
    problems = [
        f"line {message.lineno}: {message.id!r}: {error}"
        for message, errors in catalog.check()
        for error in errors
    ]
    if not problems:
        partial = mo_path.with_suffix(".mo.partial")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        partial.replace(mo_path)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="recompile everything")
    args = parser.parse_args()
    failed = False
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        mo_path = po_path.with_suffix(".mo")
        if (
            not args.force
            and mo_path.exists()
            and mo_path.stat().st_mtime >= po_path.stat().st_mtime
        ):
            continue
        for problem in compile_catalogue(po_path, mo_path):
            sys.stderr.write(f"{po_path}: {problem}\n")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
