"""Import institutions, agreements or exchanges from a CSV or XLSX file.

The same columns and rules as the admin's import (see cooperation/transfer/),
saved in bulk with their change history. With any error nothing is saved, and
the errors are listed grouped by column and message, with the lines they are
on (all of them, one a line, in a CSV file with ``--errors-csv``).
"""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from cooperation.transfer import (
    RESOURCES,
    MappingError,
    Problem,
    UnreadableFile,
    group_problems,
    import_problems,
    problems_csv,
    records_import,
)

# At most this many conflicts, likely duplicates and notes are listed; the
# summary counts them all.
MAX_LISTED_ERRORS = 200
# At most this many groups of errors (by column and message) are listed.
MAX_LISTED_GROUPS = 50


def parse_mapping(text: str) -> dict[str, str]:
    """``--map "Legal Name=name,Remarks=ignore"`` as {column: field}."""
    mapping = {}
    for pair in text.split(","):
        if not pair.strip():
            continue
        column, equals, field = pair.rpartition("=")
        if not equals or not column.strip():
            raise CommandError(
                _(
                    "--map takes “column=field” pairs separated by commas, e.g. "
                    "“Legal Name=name,Remarks=ignore”; “%(pair)s” is not one."
                )
                % {"pair": pair.strip()}
            )
        mapping[column.strip()] = field.strip()
    return mapping


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
            "--map",
            metavar="MAPPING",
            help=(
                'what some columns give, e.g. "Legal Name=name,Country '
                'Cd=country,Remarks=ignore": each a column header of the file '
                "and a field by its name or column header; remembered for the "
                "next file with the same columns (unless --dry-run)"
            ),
        )
        parser.add_argument(
            "--leave-out-errors",
            action="store_true",
            help=(
                "import the rows without errors and leave out those with "
                "errors (listed); by default an error saves nothing"
            ),
        )
        parser.add_argument(
            "--user", help="user name recorded as the author of the changes"
        )
        parser.add_argument(
            "--errors-csv",
            nargs="?",
            const="",
            metavar="PATH",
            help=(
                "write every error (line, column, value, message) to a CSV "
                "file: PATH, or <file>.errors.csv beside the file when PATH "
                "is left out (then give the option after the file)"
            ),
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
        mapping = parse_mapping(options["map"] or "")
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"{done:,} of {total:,} rows ({done / total:.0%}), {elapsed:.1f} s"
            )

        try:
            model, result = records_import(
                data=path.read_bytes(),
                file_name=path.name,
                model=options["model"],
                dry_run=options["dry_run"],
                user=user,
                defaults=defaults,
                replace=options["replace"],
                mapping=mapping,
                progress=progress,
                progress_every=max(1, options["progress_every"]),
                leave_out_errors=options["leave_out_errors"],
            )
        except MappingError as error:
            raise CommandError(str(error)) from None
        except UnreadableFile as error:
            problems = [Problem(None, "", "", str(error))]
            self.report_problems(problems, path, options["errors_csv"])
            raise CommandError(
                _("%(file)s: nothing imported — %(message)s")
                % {"file": path.name, "message": error}
            ) from None
        elapsed = time.monotonic() - started
        if result.mapping_saved_on:
            self.stdout.write(
                _("Using the column mapping saved on %(date)s.")
                % {"date": localdate(result.mapping_saved_on).isoformat()}
            )
        if result.ignored_columns:
            self.stdout.write(
                _("Ignored columns: %(columns)s")
                % {"columns": ", ".join(result.ignored_columns)}
            )
        problems = import_problems(
            result, RESOURCES[model], default_hint=self.default_hint
        )
        self.report_problems(problems, path, options["errors_csv"])
        # Rows whose identifier is another institution's: left out, the
        # others imported (see cooperation/transfer/base.py, Conflict).
        conflicts = result.conflicts()
        self.write_listed(
            [conflict.message for conflict in conflicts],
            lambda more: ngettext(
                "... and %(count)s more row not imported.",
                "... and %(count)s more rows not imported.",
                more,
            ),
        )
        # Rows that may add an institution the registry has: imported, as
        # from the preview, but staff should look (the preview's "Likely
        # duplicates" column).
        flagged = result.rows_with_duplicates()
        self.write_listed(
            [
                _("line %(line)s: “%(name)s” looks like %(records)s.")
                % {
                    "line": result.line(row.number),
                    "name": row.object_repr,
                    "records": "; ".join(
                        f"{label} ({url})" for label, url in row.duplicates
                    ),
                }
                for row in flagged
            ],
            lambda more: ngettext(
                "... and %(count)s more row like these.",
                "... and %(count)s more rows like these.",
                more,
            ),
        )
        # What the import did with some cells (the first of several web
        # addresses kept...): said, not an error.
        self.write_listed(
            [
                _("Line %(line)s, column “%(column)s”: %(message)s")
                % {"line": line, "column": column, "message": message}
                for line, column, message in result.notes()
            ],
            lambda more: ngettext(
                "... and %(count)s more note like these.",
                "... and %(count)s more notes like these.",
                more,
            ),
        )
        if result.base_errors:
            # The file as a whole could not be imported: no row was read.
            [first, *others] = [p for p in problems if p.line is None]
            summary = _("%(model)s: nothing imported — %(message)s") % {
                "model": model,
                "message": first.message,
            }
            if others:
                summary += " " + ngettext(
                    "(And %(count)s more error of the file, see above.)",
                    "(And %(count)s more errors of the file, see above.)",
                    len(others),
                ) % {"count": len(others)}
            raise CommandError(summary)
        totals = result.totals
        rows = result.total_rows
        summary = (
            f"{model}: {rows:,} rows in {elapsed:.1f} s "
            f"({rows / elapsed if elapsed else 0:,.0f} rows/s): "
            f"{totals['new']:,} created, {totals['update']:,} updated, "
            f"{result.unchanged():,} skipped (unchanged or blank), "
        ) + ngettext("%(count)s error.", "%(count)s errors.", len(problems)) % {
            "count": f"{len(problems):,}"
        }
        if conflicts:
            summary += " " + ngettext(
                "%(count)s row not imported: its identifier is another "
                "institution's (see above).",
                "%(count)s rows not imported: their identifiers are other "
                "institutions' (see above).",
                len(conflicts),
            ) % {"count": f"{len(conflicts):,}"}
        if flagged:
            summary += " " + ngettext(
                "%(count)s row looks like an institution already in the "
                "registry (see above).",
                "%(count)s rows look like institutions already in the "
                "registry (see above).",
                len(flagged),
            ) % {"count": f"{len(flagged):,}"}
        if problems and not options["leave_out_errors"]:
            raise CommandError(
                f"{summary} Nothing was saved. "
                + _(
                    "Correct the file, or import the other rows with "
                    "--leave-out-errors."
                )
            )
        if problems:
            left_out = len(result.invalid_rows) + len(result.row_errors())
            summary += " " + ngettext(
                "%(count)s row with errors left out (see above).",
                "%(count)s rows with errors left out (see above).",
                left_out,
            ) % {"count": f"{left_out:,}"}
        if options["dry_run"]:
            summary += " Dry run: nothing was saved."
        self.stdout.write(self.style.SUCCESS(summary))

    def write_listed(self, lines: list[str], more) -> None:
        """The first ``MAX_LISTED_ERRORS`` of ``lines``, then ``more(count)``
        (a translated "... and N more") for the others."""
        for line in lines[:MAX_LISTED_ERRORS]:
            self.stderr.write(line)
        if len(lines) > MAX_LISTED_ERRORS:
            count = len(lines) - MAX_LISTED_ERRORS
            self.stderr.write(more(count) % {"count": f"{count:,}"})

    def report_problems(self, problems, path: Path, errors_csv: str | None) -> None:
        """The problems grouped by column and message, and every one of them
        in a CSV file when asked (``--errors-csv``)."""
        groups = group_problems(problems)
        for group in groups[:MAX_LISTED_GROUPS]:
            self.stderr.write(str(group))
        if len(groups) > MAX_LISTED_GROUPS:
            more = sum(max(1, group.count) for group in groups[MAX_LISTED_GROUPS:])
            self.stderr.write(
                ngettext(
                    "... and %(count)s more error (--errors-csv lists them all).",
                    "... and %(count)s more errors (--errors-csv lists them all).",
                    more,
                )
                % {"count": f"{more:,}"}
            )
        if errors_csv is None:
            return
        target = (
            Path(errors_csv)
            if errors_csv
            else path.with_name(f"{path.name}.errors.csv")
        )
        target.write_bytes(problems_csv(problems))
        self.stderr.write(
            ngettext(
                "%(count)s error written to %(path)s.",
                "%(count)s errors written to %(path)s.",
                len(problems),
            )
            % {"count": f"{len(problems):,}", "path": target}
        )

    @staticmethod
    def default_hint(resource_class, key: str) -> str:
        """How to give a value for the rows without one: ``--kind school``
        (one of: …), ``--country BE`` (an ISO code)."""
        if key == "country":
            return _("use --country and the ISO code of the country, e.g. --country BE")
        choices = resource_class.fields[key].widget.choices
        return _("use --%(option)s %(example)s (one of: %(choices)s)") % {
            "option": key,
            "example": choices.values[0],
            "choices": ", ".join(choices.values),
        }
