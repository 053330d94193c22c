"""What an import reports when it cannot save a file: each problem with its
line, column, the offending value and how to fix it; the problems grouped
by column and message, with a count and the first lines (the admin's
preview and ``manage.py import_records``); all of them as a CSV file.

A problem of the file as a whole (a column missing, a value that no row
gives) is said once, for the file, before the rows' problems."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..spreadsheets import defused
from .base import FileError
from .cells import cell_text

#: How many of a group's lines are named before "…".
GROUP_LINES = 10
#: How many characters of a value a message quotes.
VALUE_LENGTH = 80
#: How many of a column's other accepted headers a message names.
ALIASES_NAMED = 6


class UnreadableFile(Exception):
    """A file that is neither CSV nor an Excel workbook, or empty: its
    message says so and what to do."""


@dataclass(frozen=True)
class Problem:
    """One error of an import."""

    #: The file's line; None for the file as a whole.
    line: int | None
    #: The column as the file heads it; "" for a whole row or the file.
    column: str
    #: The cell's text, where known.
    value: str
    #: What is wrong, with the value, and how to fix it.
    message: str
    #: For a value that the whole file lacks: its key in the resource's
    #: ``default_headers`` (the admin shows the message at that choice).
    default: str = ""


@dataclass(frozen=True)
class ProblemGroup:
    """The problems of the same column and message: the rows they are on."""

    column: str
    message: str
    #: The file's lines, in order; none for a problem of the file.
    lines: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def first_lines(self) -> tuple[int, ...]:
        return self.lines[:GROUP_LINES]

    @property
    def more_lines(self) -> bool:
        return len(self.lines) > GROUP_LINES

    def __str__(self) -> str:
        """The group as the command line writes it: "line 12, column
        “Country”: …" for one row, "column “Country”: … — 308 rows: 12, 40,
        41, …" for several."""
        where = _("column “%(column)s”") % {"column": self.column}
        if not self.lines:
            return _("file: %(message)s") % {"message": self.message}
        if len(self.lines) == 1:
            line = _("line %(line)s") % {"line": self.lines[0]}
            where = f"{line}, {where}" if self.column else line
            return f"{where}: {self.message}"
        lines = ", ".join(str(line) for line in self.first_lines)
        if self.more_lines:
            lines += ", …"
        rows = ngettext(
            "%(count)s row: %(lines)s", "%(count)s rows: %(lines)s", self.count
        ) % {"count": f"{self.count:,}", "lines": lines}
        text = f"{where}: {self.message}" if self.column else self.message
        return f"{text} — {rows}"


#: How a surface (the admin's form, the command line) says to give a value
#: for the rows without one: (resource class, ``default_headers`` key) ->
#: "choose “Kind for rows without one” in the form".
DefaultHint = Callable[[type, str], str]


def import_problems(result, resource_class, *, default_hint: DefaultHint):
    """Every problem of an import's ``result`` (``Problem``): those of the
    file first, then the rows' by line and column. A value required of
    every row that no row gives (its column missing or blank throughout) is
    one problem of the file, which ``default_hint`` completes, instead of
    one per row."""
    defaults = {header: key for key, header in resource_class.default_headers.items()}
    labels = result.header_labels
    headers = {
        label: header
        for header, label in labels.items()
        if not header.startswith("(fallback) ")
    }
    model = resource_class._meta.model

    def lacking(header: str, template: str) -> Problem:
        key = defaults[header]
        return Problem(
            line=None,
            column=labels.get(header, header),
            value="",
            message=template
            % {
                "name": model._meta.get_field(key).verbose_name,
                "hint": default_hint(resource_class, key),
                "column": labels.get(header, header),
            },
            default=key,
        )

    file_problems = []
    for error in result.base_errors:
        missing = getattr(error.error, "missing", ())
        if not missing:
            file_problems.append(Problem(None, "", "", file_error_message(error.error)))
            continue
        for header in missing:
            if header in defaults:
                file_problems.append(
                    lacking(
                        header,
                        _(
                            "No row of the file gives a %(name)s: %(hint)s, or "
                            "add a column “%(column)s”."
                        ),
                    )
                )
            else:
                file_problems.append(missing_column(resource_class, header))
    file_problems.sort(key=lambda problem: not problem.default)

    rows = []
    seen = set()
    for error in _row_errors(result):
        line = result.line(error.number) if error.number else None
        message = str(error.error)
        if (line, message) not in seen:
            seen.add((line, message))
            rows.append(Problem(line, "", "", message))
    diff_headers = list(result.diff_headers)
    for row in result.invalid_rows:
        line = result.line(row.number)
        for column, messages in row.error_dict.items():
            column = "" if column == NON_FIELD_ERRORS else column
            header = headers.get(column, column)
            value = ""
            if header in diff_headers and (header in labels or header in defaults):
                value = cell_text(row.values[diff_headers.index(header)])
            for message in messages:
                if (line, column, message) in seen:
                    continue  # a name's error, once for name and name_en
                seen.add((line, column, message))
                message = with_value(message, value)
                if header in defaults and not value:
                    message = _("%(message)s Give one, or %(hint)s.") % {
                        "message": message,
                        "hint": default_hint(resource_class, defaults[header]),
                    }
                rows.append(Problem(line, column, value, message))

    # A value that no row gives: said once for the file, not for each row.
    for header in result.blank_columns:
        column = labels.get(header, header)
        if any(problem.column == column for problem in rows):
            rows = [problem for problem in rows if problem.column != column]
            file_problems.insert(
                0,
                lacking(
                    header,
                    _(
                        "No row of the file gives a %(name)s: %(hint)s, or fill "
                        "in the column “%(column)s”."
                    ),
                ),
            )
    rows.sort(key=lambda problem: (problem.line or 0, problem.column))
    return file_problems + rows


def _row_errors(result):
    """The errors that stopped rows (not validation errors): a write that
    failed."""
    for _number, errors in result.row_errors():
        yield from errors


def with_value(message: str, value: str) -> str:
    """``message`` with the cell's value in front where it does not quote it
    (Django's own messages: "Enter a valid URL.")."""
    if not value or f"“{value}”" in message:
        return message
    if len(value) > VALUE_LENGTH:
        value = value[: VALUE_LENGTH - 1] + "…"
    return _("“%(value)s”: %(message)s") % {"value": value, "message": message}


def missing_column(resource_class, header: str) -> Problem:
    """The file has no column for ``header``, which every row needs."""
    field = resource_class.fields_by_header()[header]
    aliases = list(field.aliases[:ALIASES_NAMED])
    message = _(
        "The file has no column “%(column)s”: add one, or head the column that "
        "gives it “%(column)s”."
    ) % {"column": header}
    if aliases:
        message += " " + _("Also accepted: %(aliases)s.") % {
            "aliases": ", ".join(f"“{alias}”" for alias in aliases)
        }
    return Problem(None, header, "", message)


def file_error_message(error: Exception) -> str:
    """What the admin and the command line say of an error that stopped the
    whole import."""
    if isinstance(error, FileError):
        return str(error)
    return _(
        "The import stopped: %(error)s. Nothing was saved; if the file looks "
        "right, tell an administrator."
    ) % {"error": str(error).strip() or type(error).__name__}


def unreadable_message(error: Exception, data: bytes = b"") -> str:
    """Why a file could not be read at all, and what to do."""
    if isinstance(error, UnicodeDecodeError):
        if bytes(error.object[:4]) == b"PK\x03\x04" or data[:4] == b"PK\x03\x04":
            return _(
                "This file is an Excel workbook: choose the format “xlsx” for "
                "it, or save it as “CSV UTF-8”."
            )
        return _(
            "This file is not UTF-8 text. In Excel, save it as “CSV UTF-8” "
            "or as an Excel workbook (.xlsx)."
        )
    return _(
        "This file cannot be read as CSV or as an Excel workbook (%(error)s). "
        "Save it from Excel as “CSV UTF-8” or as an Excel workbook (.xlsx), "
        "and check the format chosen for it."
    ) % {"error": str(error).strip() or type(error).__name__}


def group_problems(problems: list[Problem]) -> list[ProblemGroup]:
    """The problems grouped by column and message (a message that quotes a
    value is a group of its own for each value): the file's first, then the
    others by how many rows they are on, most first."""
    groups = []
    by_message = defaultdict(list)
    for problem in problems:
        if problem.line is None:
            groups.append(ProblemGroup(problem.column, problem.message, ()))
        else:
            by_message[problem.column, problem.message].append(problem.line)
    rows = [
        ProblemGroup(column, message, tuple(sorted(set(lines))))
        for (column, message), lines in by_message.items()
    ]
    rows.sort(key=lambda group: (-group.count, group.lines[0], group.column))
    return groups + rows


def problems_csv(problems: list[Problem]) -> bytes:
    """Every problem as CSV, a line each (line, column, value, message), in
    UTF-8 with a BOM so that Excel reads it right; a value that a
    spreadsheet would run as a formula is defused, as in exports."""
    dataset = tablib.Dataset(headers=[_("Line"), _("Column"), _("Value"), _("Error")])
    for problem in problems:
        dataset.append(
            [problem.line or "", problem.column, problem.value, problem.message]
        )
    return defused(dataset).export("csv").encode("utf-8-sig")
