"""Import institutions, agreements or exchanges from a CSV or XLSX file.

The same columns and rules as the admin's import (see cooperation/resources/),
saved in bulk with their change history. With any error nothing is saved, and
the errors are listed by line and column.
"""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext
from django_countries import countries

from cooperation.resources import RESOURCES, records_import, result_errors

# At most this many errors are listed; the summary counts them all.
MAX_LISTED_ERRORS = 200


class Command(BaseCommand):
    help = (
        "Import institutions, agreements or exchanges from a CSV (UTF-8, comma "
        "or semicolon) or XLSX file. Rows update the records they match by "
        "natural key, filling their empty fields (all of them with --replace); "
        "with any error nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument(
            "--model",
            choices=sorted(RESOURCES),
            help="what the file holds (default: guessed from its column headers)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the whole file and report, but save nothing",
        )
        parser.add_argument(
            "--country",
            help="ISO code of the country of rows that give none (institutions)",
        )
        parser.add_argument(
            "--kind", help="kind of the rows that give none (its code, e.g. school)"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=(
                "rows that update a record replace its values (by default they "
                "fill its empty fields only)"
            ),
        )
        parser.add_argument(
            "--user", help="user name recorded as the author of the changes"
        )
        parser.add_argument(
            "--progress-every",
            type=int,
            default=5000,
            metavar="N",
            help="print a progress line every N rows (default 5000)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']}.")
        country = (options["country"] or "").upper()
        if country and country not in countries:
            raise CommandError(f"Unknown country code: {options['country']}")
        defaults = {"Country": country, "Kind": options["kind"] or ""}
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"{done:,} of {total:,} rows ({done / total:.0%}), {elapsed:.1f} s"
            )

        model, result = records_import(
            data=path.read_bytes(),
            file_name=path.name,
            model=options["model"],
            dry_run=options["dry_run"],
            user=user,
            defaults=defaults,
            replace=options["replace"],
            progress=progress,
            progress_every=max(1, options["progress_every"]),
        )
        elapsed = time.monotonic() - started
        errors = result_errors(result)
        for line, column, message in errors[:MAX_LISTED_ERRORS]:
            where = f"line {line}" if line else "file"
            if column:
                where += f", column “{column}”"
            self.stderr.write(f"{where}: {message}")
        if len(errors) > MAX_LISTED_ERRORS:
            self.stderr.write(f"... and {len(errors) - MAX_LISTED_ERRORS} more errors.")
        # Rows whose identifier is another institution's: left out, the
        # others imported (see cooperation/resources/base.py, Conflict).
        conflicts = result.conflicts()
        for conflict in conflicts[:MAX_LISTED_ERRORS]:
            self.stderr.write(conflict.message)
        if len(conflicts) > MAX_LISTED_ERRORS:
            more = len(conflicts) - MAX_LISTED_ERRORS
            self.stderr.write(
                ngettext(
                    "... and %(count)s more row not imported.",
                    "... and %(count)s more rows not imported.",
                    more,
                )
                % {"count": f"{more:,}"}
            )
        # What the import did with some cells (the first of several web
        # addresses kept...): said, not an error.
        notes = result.notes()
        for line, column, message in notes[:MAX_LISTED_ERRORS]:
            self.stderr.write(f"line {line}, column “{column}”: {message}")
        if len(notes) > MAX_LISTED_ERRORS:
            self.stderr.write(f"... and {len(notes) - MAX_LISTED_ERRORS} more notes.")
        totals = result.totals
        rows = result.total_rows
        summary = (
            f"{model}: {rows:,} rows in {elapsed:.1f} s "
            f"({rows / elapsed if elapsed else 0:,.0f} rows/s): "
            f"{totals['new']:,} created, {totals['update']:,} updated, "
            f"{result.unchanged():,} skipped (unchanged or blank), "
            f"{len(errors):,} errors."
        )
        if conflicts:
            summary += " " + ngettext(
                "%(count)s row not imported: its identifier is another "
                "institution's (see above).",
                "%(count)s rows not imported: their identifiers are other "
                "institutions' (see above).",
                len(conflicts),
            ) % {"count": f"{len(conflicts):,}"}
        if errors:
            raise CommandError(f"{summary} Nothing was saved.")
        if options["dry_run"]:
            summary += " Dry run: nothing was saved."
        self.stdout.write(self.style.SUCCESS(summary))
