"""What the record resources share: the results, and the base resource
(headers, natural keys, validation, saving in bulk)."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ValidationError,
)
from django.db.models.base import ModelState
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from import_export import resources, results
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader

from .. import languages
from ..models.base import derived_by_database
from ..models.import_mapping import ImportMapping
from .cells import (
    LANGUAGES,
    ColumnsMetaclass,
    cell_text,
    field_name,
    header_key,
    is_blank,
)
from .writing import insert_rows, merge_pending_entries, record_history, update_rows

# How many matched records are loaded at once when rows update them.
PREFETCH = 500


def is_empty(value) -> bool:
    """A field staff have not filled in (a yes/no is never empty)."""
    return value is None or value == ""


# Results ----------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A row whose identifier is that of a record with another name: the
    row is not imported (an import never turns a record into another
    institution), unless staff confirm in the admin's preview that it is
    the same institution (``RecordResource.confirmed_conflicts``): the row
    then updates the record, and its names become the record's aliases."""

    #: The file's line.
    line: int
    #: The identifiers that matched, as "Erasmus code “F  LYON121”".
    identifiers: str
    #: The name the row gives.
    file_name: str
    #: The record the identifiers belong to: its name and admin page.
    record_name: str
    record_url: str
    #: The record's id, and when it was last changed (ISO 8601): a decision
    #: taken in the preview holds only for the record as the preview saw it.
    record_id: int = 0
    record_version: str = ""

    @property
    def message(self) -> str:
        return _(
            "Line %(line)s was not imported: %(identifiers)s belongs to "
            "“%(record)s” in the registry, but the row names “%(name)s”. If "
            "they are the same institution, import the file in the admin and "
            "choose “Same institution” for this line; if not, correct the "
            "identifier in the file or in the record."
        ) % {
            "line": self.line,
            "identifiers": self.identifiers,
            "record": self.record_name,
            "name": self.file_name,
        }


class RowResult(results.RowResult):
    def __init__(self):
        super().__init__()
        #: Likely duplicates of an existing record: (label, admin URL) pairs.
        self.duplicates = []
        #: A blank line of the file: counted as skipped, never listed.
        self.blank = False
        #: A row not imported because it names another institution than
        #: the record its identifier belongs to (``Conflict``).
        self.conflict = None
        #: Such a row that staff confirmed is that record's institution:
        #: imported into it (``Conflict``).
        self.confirmed_conflict = None
        #: What the import did with the row's cells that staff should know
        #: (not errors): (column, message) pairs.
        self.notes = []


class Result(results.Result):
    #: The file's line of headers: row ``n`` of the import is line
    #: ``n + header_line`` of the file.
    header_line = 1
    #: How the file heads each column: export header -> the file's header.
    header_labels: dict[str, str] = {}
    #: Columns with a default option that no row fills (``RecordResource``).
    blank_columns: tuple[str, ...] = ()
    #: What each of the file's columns gave: its header -> the registry
    #: column ("" when ignored); the mapping a confirm repeats.
    column_mapping: dict[str, str] = {}
    #: The headers of the file's columns that the import ignored.
    ignored_columns: tuple[str, ...] = ()
    #: When the saved mapping that decided some columns was saved, if one did.
    mapping_saved_on = None
    #: Rows that staff confirmed as the same institution in the preview but
    #: that were left out all the same, as (line, why) (``RecordResource``).
    declined_conflicts: tuple[tuple[int, str], ...] = ()

    def append_row_result(self, row_result):
        if not row_result.blank:
            super().append_row_result(row_result)

    def line(self, number: int) -> int:
        return number + self.header_line

    def rows_with_duplicates(self) -> list:
        return [row for row in self.valid_rows() if getattr(row, "duplicates", None)]

    def conflicts(self) -> list[Conflict]:
        """The rows left out because their identifier is another
        institution's (counted among the skipped rows)."""
        return [
            row.conflict for row in self.valid_rows() if getattr(row, "conflict", None)
        ]

    def notes(self) -> list[tuple[int, str, str]]:
        """(line, column, message) of what the import did with cells of the
        imported rows that staff should know (the first of several web
        addresses kept...)."""
        return [
            (self.line(row.number), column, message)
            for row in self.valid_rows()
            for column, message in getattr(row, "notes", ())
        ]

    def unchanged(self) -> int:
        """How many rows change nothing (the skipped rows but conflicts)."""
        return self.totals[RowResult.IMPORT_TYPE_SKIP] - len(self.conflicts())


class FileError(Exception):
    """A problem with the file as a whole (its columns), not with a row."""

    def __init__(self, message: str, *, missing: tuple[str, ...] = ()):
        super().__init__(message)
        #: The required columns the file lacks, when that is the problem: the
        #: report says how to give each (``report.import_problems``).
        self.missing = tuple(missing)


class MappingError(FileError, ValueError):
    """A column mapping given to an import (``import_records --map``) that
    names a column the file lacks or a field the records lack."""


@dataclass(frozen=True)
class FileColumn:
    """A column of an imported file, as the mapping step shows it."""

    header: str
    #: The first few values of the column (empty cells left out).
    samples: tuple[str, ...]
    #: The registry column (its export header) it gives as first decided:
    #: by a known header or a saved mapping; "" when it is to be ignored.
    guess: str
    #: Whether the guess was decided (not "ignored" for want of a guess).
    recognised: bool


class MappingNeeded(FileError):
    """The file has columns the registry does not recognise, or two columns
    that give one field: staff decide what each column gives before the
    preview (the admin's mapping step; ``RecordResource.ask_mapping``)."""

    def __init__(self, columns: list[FileColumn], saved_on=None):
        super().__init__(_("Choose what each column of the file gives."))
        self.columns = columns
        #: When the saved mapping that pre-fills some columns was saved.
        self.saved_on = saved_on


#: When an import stops for staff to map the file's columns (``MappingNeeded``):
#: never (the command line), when a column is not recognised or two give one
#: field (the admin), or always (staff asked to check the mapping).
ASK_NEVER, ASK_UNRECOGNISED, ASK_ALWAYS = "never", "unrecognised", "always"


@dataclass(frozen=True)
class ColumnHelp:
    """A column of a resource as the import page describes it
    (``RecordResource.column_help``)."""

    header: str
    #: The other headers the column is read from.
    also: tuple[str, ...]
    #: The headers of the columns read where this one is blank.
    blank_from: tuple[str, ...]
    #: What a cell may hold.
    takes: str
    required: bool
    #: The import form gives a value for the rows without one.
    has_default: bool


class NoLoader(BaseInstanceLoader):
    """The resources find records by natural key themselves (``get_instance``)."""


# The resources ------------------------------------------------------------------


class RecordResource(resources.Resource, metaclass=ColumnsMetaclass):
    """What the record resources share: headers, natural keys, validation
    without a query per row, bulk saving with history, relations.

    ``bulk=True`` (the command line, and the admin for institutions)
    saves in batches of 1,000 rows (``writing.py``) and records their change
    history in one statement a batch, with the user given; a bulk
    ``preview`` (the admin's first step) writes nothing. Otherwise (the
    admin, for agreements and exchanges) rows are saved one by one with
    ``save()``, the history then recorded by simple-history as for any edit,
    with the signed-in user.

    A translated field is declared once, ``title = translated("title",
    "Title")``, and has a column for each of the site's languages
    (``cells.ColumnsMetaclass``)."""

    #: Headers that must be present (or given a default).
    required_headers: tuple[str, ...] = ()
    #: Headers for which the import form offers a default value.
    default_headers: dict[str, str] = {}
    #: How rows are matched to records, for the import page (translated).
    matching_help = ""

    class Meta:
        instance_loader_class = NoLoader
        use_transactions = True
        report_skipped = True  # unchanged rows are listed in the preview
        batch_size = 1000

    def __init__(
        self,
        *,
        user=None,
        defaults: dict[str, str] | None = None,
        bulk: bool = False,
        preview: bool = False,
        look_for_duplicates: bool = True,
        replace: bool = False,
        progress=None,
        progress_every: int = 1000,
        mapping: dict[str, str] | None = None,
        ask_mapping: str = ASK_NEVER,
        confirmed_conflicts: dict[int, tuple[int, str]] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.user = user if getattr(user, "pk", None) else None
        #: What some of the file's columns give, as staff said: a column's
        #: header -> a registry column by its header or attribute name, or
        #: "" (or "ignore") to ignore it (``decide_columns``).
        self.mapping = dict(mapping or {})
        self.ask_mapping = ask_mapping
        #: What each column gave (``Result.column_mapping``), the columns
        #: ignored, and the saved mapping that decided some, if one did.
        self.column_mapping: dict[str, str] = {}
        self.ignored_columns: list[str] = []
        self.saved_mapping = None
        #: Whether rows that update a record replace its values; by default
        #: they only fill its empty fields (what staff curated stays).
        self.replace = replace
        self.defaults = {key: value for key, value in (defaults or {}).items() if value}
        self.bulk = bulk
        self.progress = progress
        self.progress_every = progress_every
        self._meta = self._meta.__class__()
        for name, value in vars(type(self)._meta).items():
            setattr(self._meta, name, value)
        self._meta.use_bulk = bulk
        # A preview in bulk (the admin's first step) shows each row's
        # changes, which bulk imports otherwise skip, and writes nothing
        # (``save_instance``).
        self._meta.skip_diff = bulk and not preview
        self.preview = bulk and preview
        #: Whether rows that add a record are compared with the registry's
        #: for likely duplicates (not when confirming: the preview showed them).
        self.look_for_duplicates = look_for_duplicates
        #: Whether the bulk path wrote rows (``after_import`` then tidies the
        #: indexes: ``writing.merge_pending_entries``).
        self.wrote_rows = False
        self.header_labels: dict[str, str] = {}
        self.row_errors: dict[int, dict[str, list[str]]] = defaultdict(dict)
        self.row_duplicates: dict[int, list[tuple[str, str]]] = {}
        #: (column, message) notes by row number (``RowResult.notes``).
        self.row_notes: dict[int, list[tuple[str, str]]] = defaultdict(list)
        #: The file's fallback columns: header -> the column they stand in for.
        self.fallbacks: dict[str, str] = {}
        #: Rows not imported, by row number (see ``Conflict``).
        self.conflicts: dict[int, Conflict] = {}
        #: The conflicts staff decided in the admin's preview are the same
        #: institution: the file's line -> (the record's id, its version as
        #: the preview saw it: ``Conflict.record_id``, ``record_version``).
        self.confirmed_conflicts = dict(confirmed_conflicts or {})
        #: Such rows that update their record, by row number (``Conflict``),
        #: and those left out all the same: line -> why (``add_conflict``).
        self.confirmed: dict[int, Conflict] = {}
        self.declined: dict[int, str] = {}
        #: Rows that repeat an earlier row of the file, skipped: the note
        #: that says so, as (column, message), by row number.
        self.repeats: dict[int, tuple[str, str]] = {}
        self.matches: dict[int, int] = {}
        self.instances: dict[int, object] = {}
        self.header_line = 1
        self.headers: set[str] = set()
        self.broken = False
        self.blank_rows: set[int] = set()
        #: Columns with a default option (``default_headers``) that no row
        #: fills: the file lacks the value as a whole (said once, not per row).
        self.blank_columns: tuple[str, ...] = ()
        self.total = 0
        self.file_name = ""

    @classmethod
    def get_display_name(cls):
        return cls._meta.model._meta.verbose_name_plural.capitalize()

    @classmethod
    def get_result_class(cls):
        return Result

    @classmethod
    def get_row_result_class(cls):
        return RowResult

    def get_queryset(self):
        return self._meta.model.objects.all()

    def init_instance(self, row=None):
        if not self._meta.use_bulk:
            return self._meta.model()
        # A copy of a blank record: Model() with its defaults and
        # modeltranslation's hooks is the slowest step of a bulk row.
        if "_blank" not in self.__dict__:
            self._blank = self._meta.model()
        instance = self._meta.model.__new__(self._meta.model)
        instance.__dict__.update(self._blank.__dict__)
        instance._state = ModelState()
        return instance

    # Headers --------------------------------------------------------------

    @classmethod
    def header_lookup(cls) -> dict[str, str]:
        """``header_key`` of each accepted header -> the column's export
        header."""
        if "_header_lookup" not in cls.__dict__:
            lookup = {}
            model = cls._meta.model
            # Fallbacks first: a fallback is nothing else.
            fallbacks = {
                header_key(name): field.column_name
                for field in cls.fields.values()
                for name in getattr(field, "fallbacks", ())
            }
            lookup.update(fallbacks)
            cls._fallback_keys = frozenset(fallbacks)
            for field in cls.fields.values():
                names = [field.column_name, field.attribute or "", *field.aliases]
                model_field = None
                if field.attribute:
                    try:
                        model_field = model._meta.get_field(field_name(field))
                    except FieldDoesNotExist:
                        pass
                # The field's own name heads its source language's column
                # only ("Title", not "Title (Chinese)").
                translated = getattr(field, "language", languages.SOURCE) != (
                    languages.SOURCE
                )
                verbose_name = getattr(model_field, "verbose_name", None)
                if verbose_name and not translated:
                    for language in LANGUAGES:
                        with translation.override(language):
                            names.append(str(verbose_name))
                for name in names:
                    if name:
                        lookup.setdefault(header_key(name), field.column_name)
            cls._header_lookup = lookup
        return cls._header_lookup

    @classmethod
    def accepted_headers(cls) -> list[str]:
        return [field.column_name for field in cls.fields.values()]

    @classmethod
    def column_help(cls) -> list["ColumnHelp"]:
        """What the import page says of each column, generated from the
        columns' declarations (``cells.column``): the header, the other
        headers it is read from, what a cell takes (the widget's ``takes``,
        the column's ``help_text``), and whether it is required or given
        for the whole file by the import form."""
        defaults = set(cls.default_headers.values())
        return [
            ColumnHelp(
                header=field.column_name,
                also=tuple(getattr(field, "aliases", ())),
                blank_from=tuple(getattr(field, "fallbacks", ())),
                takes="; ".join(
                    str(text)
                    for text in (
                        getattr(field.widget, "takes", ""),
                        getattr(field, "help_text", ""),
                    )
                    if text
                ),
                required=field.column_name in cls.required_headers,
                has_default=field.column_name in defaults,
            )
            for field in cls.fields.values()
        ]

    def label(self, header: str) -> str:
        """How a column is called in messages: as in the file."""
        return self.header_labels.get(header, header)

    @classmethod
    def column_choices(cls) -> list[tuple[str, str]]:
        """The registry columns a file's column may give, as (export header,
        label in the active language): the mapping step's choices."""
        model = cls._meta.model
        choices = []
        for field in cls.fields.values():
            label = field.column_name
            language = getattr(field, "language", languages.SOURCE)
            # A translation's column is labelled by the translated field.
            name = getattr(field, "translates", field.attribute or "")
            try:
                verbose_name = getattr(
                    model._meta.get_field(name), "verbose_name", None
                )
            except FieldDoesNotExist:
                verbose_name = None
            if verbose_name:
                label = capfirst(verbose_name)
                if language != languages.SOURCE:
                    language_name = get_language_info(language)
                    label = f"{label} ({language_name['name_translated']})"
            choices.append((field.column_name, label))
        return choices

    @classmethod
    def column_for(cls, name: str) -> str:
        """The registry column (its export header) that ``name`` stands for,
        given as the header or the field's attribute name ("Country Cd" ->
        "country", "name_zh_hans"), in any case; "" for "ignore" or nothing.
        Raises ``MappingError`` for any other name."""
        key = header_key(name)
        if key in ("", "ignore"):
            return ""
        for field in cls.fields.values():
            attribute = field.attribute or ""
            names = (field.column_name, attribute, field_name(field))
            if key in {header_key(name) for name in names if name}:
                return field.column_name
        raise MappingError(
            _(
                "“%(field)s” is not a field of %(records)s. The fields are: "
                "%(fields)s; or “ignore” to leave the column out."
            )
            % {
                "field": name,
                "records": cls._meta.model._meta.verbose_name_plural,
                "fields": ", ".join(
                    f"{field.column_name} ({field_name(field)})"
                    for field in cls.fields.values()
                    if field.attribute
                ),
            }
        )

    @classmethod
    def is_fallback(cls, header: str, column: str) -> bool:
        """Whether the file's column ``header``, giving ``column``, is one
        read only where ``column`` is blank ("Country Cd" for "Country")."""
        key = header_key(header)
        lookup = cls.header_lookup()  # finds the fallbacks too
        return key in cls._fallback_keys and lookup.get(key) == column

    @classmethod
    def clashing_columns(cls, decisions) -> tuple[str, str, str] | None:
        """The first two of the file's columns, of (header, registry column)
        ``decisions``, that give the same registry column, as (first header,
        second header, registry column); None when no two do. A fallback
        column may stand beside the column it stands in for, not beside
        another fallback for it."""
        seen = {}
        for header, column in decisions:
            if not column:
                continue
            slot = (column, cls.is_fallback(header, column))
            if slot in seen:
                return seen[slot], header, column
            seen[slot] = header
        return None

    @staticmethod
    def headers_key(headers) -> str:
        """The key of a file's set of headers, as the saved mappings are
        found by: the same headers in any case, spacing or order give the
        same key."""
        keys = sorted({header_key(header) for header in headers} - {""})
        return hashlib.sha256("\n".join(keys).encode()).hexdigest()

    @classmethod
    def remember_mapping(cls, mapping: dict[str, str], *, user=None) -> ImportMapping:
        """Save ``mapping`` (each of a file's headers -> the registry column
        it gives, "" when ignored) for the next file of these records with
        the same headers (queries)."""
        mapping = {header: column for header, column in mapping.items() if header}
        saved, _created = ImportMapping.objects.update_or_create(
            model=cls._meta.model._meta.model_name,
            headers_key=cls.headers_key(mapping),
            defaults={
                "headers": list(mapping),
                "mapping": mapping,
                "saved_by": user if getattr(user, "pk", None) else None,
            },
        )
        return saved

    def decide_columns(self, headers: list[str], dataset) -> list[str]:
        """The registry column each of the file's columns gives ("" for
        none): as this import was told (``mapping``), else as the mapping
        saved for files with these headers says (one query), else as the
        header is recognised. Raises ``MappingNeeded`` for staff to decide
        (``ask_mapping``), ``MappingError`` for a mapping that names a column
        the file lacks, ``FileError`` when two columns give one field."""
        lookup = self.header_lookup()
        keys = [header_key(header) for header in headers]
        given = {}
        for header, name in self.mapping.items():
            if header_key(header) not in keys:
                raise MappingError(
                    _(
                        "The file has no column “%(column)s”. Its columns are: "
                        "%(columns)s."
                    )
                    % {"column": header, "columns": ", ".join(h for h in headers if h)}
                )
            given[header_key(header)] = self.column_for(name)
        saved = {}
        if any(key and key not in given for key in keys):
            found = ImportMapping.objects.for_headers(
                self._meta.model._meta.model_name, self.headers_key(headers)
            )
            columns = set(self.accepted_headers())
            if found is not None:
                saved = {
                    header_key(header): column
                    for header, column in found.mapping.items()
                    if column == "" or column in columns
                }
                if any(key in saved and key not in given for key in keys):
                    self.saved_mapping = found
        decisions, decided = [], []
        for key in keys:
            column = given.get(key, saved.get(key, lookup.get(key)))
            decisions.append(column or "")
            decided.append(column is not None or not key)
        clash = self.clashing_columns(list(zip(headers, decisions, strict=True)))
        if self.ask_mapping == ASK_ALWAYS or (
            self.ask_mapping == ASK_UNRECOGNISED and (clash or not all(decided))
        ):
            samples = self.column_samples(dataset)
            # No row is read before the mapping step: without them the
            # import stops at once instead of skipping each.
            del dataset[:]
            raise MappingNeeded(
                [
                    FileColumn(header, tuple(values), decision, known)
                    for header, values, decision, known in zip(
                        headers, samples, decisions, decided, strict=True
                    )
                    if header_key(header)
                ],
                saved_on=self.saved_mapping and self.saved_mapping.saved_on,
            )
        if clash:
            raise FileError(
                _(
                    "The columns “%(first)s” and “%(second)s” both give "
                    "“%(column)s”. Remove one of them."
                )
                % {"first": clash[0], "second": clash[1], "column": clash[2]}
            )
        return decisions

    @staticmethod
    def column_samples(dataset, count: int = 3) -> list[list[str]]:
        """The first ``count`` values of each column, empty cells left out,
        each of at most 100 characters (enough to tell what a column is)."""
        samples = [[] for _header in dataset.headers]
        wanting = len(samples)
        for values in dataset:
            for found, value in zip(samples, values, strict=False):
                if len(found) < count and not is_blank(value):
                    found.append(cell_text(value)[:100])
                    if len(found) == count:
                        wanting -= 1
            if not wanting:
                break
        return samples

    def _map_headers(self, dataset) -> None:
        lookup = self.header_lookup()
        given = {header_key(header) for header in self.mapping}
        best, best_known = 0, -1
        # A title line or two may sit above the headers.
        candidates = [dataset.headers or [], *list(dataset[:10])]
        for index, cells in enumerate(candidates):
            keys = [header_key(cell_text(cell)) for cell in cells if cell]
            known = sum(1 for key in keys if key in lookup or key in given)
            if known > best_known:
                best, best_known = index, known
            if known >= 2:
                break
        if best:
            headers = [cell_text(cell) for cell in candidates[best]]
            for _index in range(best):
                del dataset[0]
            dataset.headers = headers
            self.header_line = best + 1
        headers = [cell_text(header) for header in dataset.headers]
        decisions = self.decide_columns(headers, dataset)
        self.column_mapping = {
            header: column
            for header, column in zip(headers, decisions, strict=True)
            if header
        }
        mapped = []
        for text, canonical in zip(headers, decisions, strict=True):
            if not canonical:
                mapped.append(f"(ignored) {text}")
                if text:
                    self.ignored_columns.append(text)
                continue
            if self.is_fallback(text, canonical):
                fallback = f"(fallback) {canonical}"
                self.fallbacks[fallback] = canonical
                self.header_labels[fallback] = text
                mapped.append(fallback)
                continue
            self.header_labels[canonical] = text
            mapped.append(canonical)
        dataset.headers = mapped
        for fallback, header in self.fallbacks.items():
            if header not in dataset.headers:
                # The column the fallback stands in for, filled row by row
                # (``prepared``) and named as the file names it.
                dataset.append_col([None] * len(dataset), header=header)
                self.header_labels[header] = self.header_labels[fallback]
        for header in self.defaults:
            if header not in dataset.headers:
                dataset.append_col([None] * len(dataset), header=header)
        missing = [
            header
            for header in self.required_headers
            if header not in dataset.headers
            and not (header == "Name" and "Official name" in dataset.headers)
        ]
        if missing:
            raise FileError(
                _(
                    "The file has no column for: %(missing)s. The accepted "
                    "column headers are: %(accepted)s."
                )
                % {
                    "missing": ", ".join(missing),
                    "accepted": ", ".join(self.accepted_headers()),
                },
                missing=missing,
            )

    # The import ---------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self.file_name = kwargs.get("file_name") or ""
        try:
            self._map_headers(dataset)
            self.headers = set(dataset.headers)
        except FileError:
            self.broken = True
            raise
        self.total = len(dataset)
        rows = []
        for number, values in enumerate(dataset, 1):
            row = self.prepared(dict(zip(dataset.headers, values, strict=True)))
            if row is None:
                self.blank_rows.add(number)
            else:
                rows.append((number, row))
        self.blank_columns = tuple(
            header
            for header in self.default_headers.values()
            if rows and all(is_blank(row.get(header)) for _number, row in rows)
        )
        self.match_rows(rows)

    def prepared(self, row: dict) -> dict | None:
        """The row with defaults filled in; None for a blank line, or a line
        with nothing in the columns the registry knows (a heading such as
        "北京市（92所）" in a ministry's list)."""
        for fallback, header in self.fallbacks.items():
            if is_blank(row.get(header)):
                row[header] = row.get(fallback)
        known = self.fields_by_header()
        if all(is_blank(value) for header, value in row.items() if header in known):
            return None
        for header, value in self.defaults.items():
            if is_blank(row.get(header)):
                row[header] = value
        return row

    def match_rows(self, rows) -> None:
        """Find the record each row updates (``self.matches``) and the errors
        a row has against other rows or records (``self.row_errors``)."""
        raise NotImplementedError

    def line(self, number: int) -> int:
        """The file's line of row ``number`` of the import."""
        return number + self.header_line

    def add_error(self, number: int, header: str, message: str) -> None:
        self.row_errors[number].setdefault(header, []).append(message)

    def add_conflict(self, number: int, conflict: Conflict) -> None:
        """Leave row ``number`` out (``self.conflicts``), unless staff
        confirmed in the preview that it is the same institution as the
        record and the record is still as the preview showed it: the row
        then updates it (``self.confirmed``). Any other decision (for
        another record, a record changed since) leaves the row out."""
        decision = self.confirmed_conflicts.get(conflict.line)
        if decision is not None and tuple(decision) == (
            conflict.record_id,
            conflict.record_version,
        ):
            self.confirmed[number] = conflict
            return
        if decision is not None:
            self.declined[conflict.line] = _(
                "Line %(line)s was left out: “%(record)s” changed after the "
                "preview. Import the file again to decide for this line."
            ) % {"line": conflict.line, "record": conflict.record_name}
        self.conflicts[number] = conflict
        self.matches.pop(number, None)

    def import_row(self, row, instance_loader, **kwargs):
        number = kwargs["row_number"]
        if self.broken or number in self.blank_rows:
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            row_result.blank = True
            return row_result
        if number in self.conflicts:
            # Nothing of the row is read into the record, nothing saved.
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            row_result.number = number
            row_result.conflict = self.conflicts[number]
            return row_result
        if number in self.repeats:
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            row_result.number = number
            row_result.notes = [self.repeats[number]]
            return row_result
        self.prepared(row)
        self.number = number
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.number = number
        if number in self.confirmed:
            row_result = self.confirmed_row_result(number, row_result)
        row_result.duplicates = self.row_duplicates.get(number, [])
        row_result.notes = self.row_notes.get(number, [])
        return row_result

    def confirmed_row_result(self, number: int, row_result):
        """The result of a row that staff confirmed is the same institution
        (``self.confirmed``): imported, or left out as a conflict when it
        fails validation (then nothing of it was saved; the rest of the file
        is imported as the preview showed it)."""
        conflict = self.confirmed[number]
        if row_result.validation_error is None:
            row_result.confirmed_conflict = conflict
            return row_result
        error = row_result.validation_error
        errors = (
            "; ".join(
                f"{column}: {' '.join(messages)}"
                for column, messages in error.message_dict.items()
            )
            if hasattr(error, "error_dict")
            else " ".join(error.messages)
        )
        self.declined[conflict.line] = _(
            "Line %(line)s was left out: it cannot update “%(record)s” "
            "(%(errors)s). Correct the row and import it again."
        ) % {"line": conflict.line, "record": conflict.record_name, "errors": errors}
        left_out = self.get_row_result_class()()
        left_out.import_type = RowResult.IMPORT_TYPE_SKIP
        left_out.number = number
        left_out.conflict = conflict
        return left_out

    def get_instance(self, instance_loader, row):
        pk = self.matches.get(self.number)
        if pk is None:
            return None
        if pk not in self.instances:
            # Load the records of the next rows together, not one per row.
            upcoming = [
                self.matches[n]
                for n in range(self.number, self.number + PREFETCH * 4)
                if n in self.matches
            ][:PREFETCH]
            self.instances = self.get_queryset().in_bulk(upcoming)
        return self.instances.get(pk)

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._import_before = None if new else self.snapshot(instance)
        instance._import_relations = {}

    def snapshot(self, instance) -> tuple:
        """The values of the record's columns as they are stored on it
        (``stored_attributes``), to compare before and after a row."""
        return tuple(map(instance.__dict__.get, self.stored_attributes))

    def changed_columns(self, instance) -> frozenset[str]:
        """The columns of ``instance`` that the row changed."""
        changed = {
            name
            for name, after, before in zip(
                self.stored_attributes,
                self.snapshot(instance),
                instance._import_before,
                strict=True,
            )
            if after != before
        }
        translated = {
            original
            for original, parts in self.translations.items()
            if not changed.isdisjoint(parts)
        }
        return frozenset(changed | translated)

    # What every row needs, worked out once per import (the per-row cost is
    # what makes a file of 100,000 rows slow or fast).

    @cached_property
    def attnames(self) -> tuple[str, ...]:
        return tuple(
            field.attname
            for field in self._meta.model._meta.concrete_fields
            if not derived_by_database(field)
        )

    @cached_property
    def translations(self) -> dict[str, tuple[str, ...]]:
        """The model's translated fields (modeltranslation's originals, such
        as ``name``), each with the fields of its translations, which hold
        its value in every language."""
        translations = defaultdict(list)
        for field in self._meta.model._meta.concrete_fields:
            original = getattr(field, "translated_field", None)
            if original is not None:
                translations[original.attname].append(field.attname)
        return {name: tuple(fields) for name, fields in translations.items()}

    @cached_property
    def stored_attributes(self) -> tuple[str, ...]:
        """The attributes that hold the record's column values: a translated
        field's value is made of its translations' (read through its
        descriptor, it resolves the language each time), and a country's is
        its code (read through its descriptor, it makes a Country object)."""
        return tuple(name for name in self.attnames if name not in self.translations)

    @cached_property
    def model_columns(self) -> tuple:
        """(header, column, model field) of the columns that set a field;
        the others are relations, set by ``import_relations()``."""
        columns = []
        for field in self.fields.values():
            if field.readonly or not field.attribute:
                continue
            model_field = self._meta.model._meta.get_field(field.attribute)
            columns.append((field.column_name, field, model_field))
        return tuple(columns)

    def get_import_fields(self):
        if "_import_fields" not in self.__dict__:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    @cached_property
    def attribute_headers(self) -> dict[str, str]:
        return {
            field.attribute: field.column_name
            for field in self.fields.values()
            if field.attribute
        }

    def import_instance(self, instance, row, **kwargs):
        """Set the row's values on ``instance`` through the columns' widgets,
        then as the model fields will store them ("b antwerp01" ->
        "B  ANTWERP01"), so that an unchanged row is seen to be unchanged."""
        errors = {}
        updating = instance._import_before is not None
        filling = updating and not self.replace
        for column_name, field, model_field in self.model_columns:
            if column_name not in row:
                continue
            try:
                value = self.read_cell(field, model_field, row[column_name], row)
            except ValueError as error:
                errors[field.attribute] = [ValidationError(str(error))]
                continue
            if updating:
                current = getattr(instance, field.attribute)
                if self.reads_the_same(field, model_field, current, value):
                    # The record's own value, as this import reads cells: an
                    # export imported again changes nothing (a translation
                    # stored as "" stays "", not NULL; spacing stays as is).
                    continue
                if filling and not is_empty(current):
                    continue  # what staff curated stays unless asked
            if value == "" and model_field.null:
                value = None  # an empty translation is NULL
            setattr(instance, field.attribute, value)
            if hasattr(field.widget, "note") and (
                note := field.widget.note(row[column_name])
            ):
                self.row_notes[self.number].append((self.label(column_name), note))
        columns = self.fields_by_header()
        related_before = {name: getattr(instance, name) for name in self.foreign_keys}
        relation_errors = self.import_relations(instance, row)
        if filling:
            for name, value in related_before.items():
                if value is not None:
                    setattr(instance, name, value)
            for name in list(instance._import_relations):
                if self.relation_is_set(instance, name):
                    del instance._import_relations[name]
        for header, messages in relation_errors.items():
            # By attribute, so that full_clean() skips what is already wrong.
            key = columns[header].attribute if header in columns else header
            errors[key] = [ValidationError(message) for message in messages]
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def read_cell(field, model_field, cell, row=None):
        """A cell's value through its column's widget, then as the model
        field will store it; ValueError when the widget refuses it."""
        value = field.widget.clean(cell, row=row)
        try:
            return model_field.to_python(value)
        except ValidationError:
            return value  # full_clean() says what is wrong

    def reads_the_same(self, field, model_field, current, value) -> bool:
        """Whether a record's ``current`` value, written to a cell and read
        back by this import, is ``value``: empty text ("" or NULL) is empty
        text, and "Foo  Bar " reads as "Foo Bar"."""
        if current == value:
            return True
        if is_empty(current) and is_empty(value):
            return True
        if not isinstance(current, str):
            return False
        try:
            return self.read_cell(field, model_field, current) == value
        except ValueError:
            return False

    @cached_property
    def foreign_keys(self) -> tuple[str, ...]:
        """The ``<name>_id`` attributes of the model's foreign keys."""
        return tuple(
            field.attname
            for field in self._meta.model._meta.concrete_fields
            if field.many_to_one
        )

    def relation_is_set(self, instance, name: str) -> bool:
        """Whether the saved record has some of the relation ``name`` of
        ``instance._import_relations`` (parties, partners...): a row that
        fills empty fields only leaves it as it is (queries)."""
        return False

    def import_relations(self, instance, row) -> dict[str, list[str]]:
        """Set the relations given by name (host, parties, fields...) on
        ``instance``: foreign keys directly, the others in
        ``instance._import_relations``. Returns errors by header."""
        return {}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance._import_before is None:
            return False
        if self.snapshot(instance) != instance._import_before:
            return False
        return not self.relations_changed(instance)

    def relations_changed(self, instance) -> bool:
        return bool(instance._import_relations)

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        """The model's own checks, without the queries that unique and check
        constraints make per row: the natural keys settle uniqueness, the
        ``clean()`` methods repeat the check constraints, and the database
        enforces both. Errors are keyed by the file's column headers."""
        attribute_headers = self.attribute_headers
        errors = {}

        def add(key, messages):
            header = attribute_headers.get(key) or attribute_headers.get(
                languages.column(key, languages.SOURCE), key
            )
            if header == NON_FIELD_ERRORS:
                label = NON_FIELD_ERRORS
            elif header in self.fields_by_header():
                label = self.label(header)
            else:
                label = key
            errors.setdefault(label, []).extend(messages)

        for key, error_list in (import_validation_errors or {}).items():
            add(key, [m for e in error_list for m in e.messages])
        for header, messages in self.row_errors.get(self.number, {}).items():
            errors.setdefault(self.label(header), []).extend(messages)
        try:
            # Only the fields the file sets: the others are as they were (or
            # their defaults). The country widget checked the country already:
            # Django's check walks the 250 choices, the slowest of them all.
            # (The stored code: the field's descriptor makes a Country object.)
            checked = ["country"] if instance.__dict__.get("country") else []
            instance.full_clean(
                exclude=[
                    *(import_validation_errors or {}),
                    *self.fields_not_in_file,
                    "slug",
                    *checked,
                    # Checked as their translations (name as name_en, …).
                    *self.translations,
                ],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                add(key, messages)
        for header, messages in self.validate_relations(instance).items():
            errors.setdefault(self.label(header), []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def validate_relations(self, instance) -> dict[str, list[str]]:
        return {}

    @cached_property
    def fields_not_in_file(self) -> list[str]:
        """Model fields that no column of the file sets (after
        ``before_import``)."""
        given = set()
        for header, field, model_field in self.model_columns:
            if header in self.headers:
                given.add(model_field.name)
                # name_en is also the translated field "name".
                given.add(field_name(field))
        return [
            field.name
            for field in self._meta.model._meta.concrete_fields
            if field.name not in given and not derived_by_database(field)
        ]

    @classmethod
    def fields_by_header(cls) -> dict[str, Field]:
        if "_fields_by_header" not in cls.__dict__:
            cls._fields_by_header = {f.column_name: f for f in cls.fields.values()}
        return cls._fields_by_header

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self.preview:
            return super().save_instance(instance, is_create, row, **kwargs)
        # Validated, not written: a dry run's rows would be rolled back, and
        # rows rolled back stay in the table's indexes until it is vacuumed,
        # slowing the next likely-duplicates check (docs/benchmarks.md).
        self.before_save_instance(instance, row, **kwargs)
        if is_create:
            self.assign_slugs([instance])  # as the preview shows it

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            # Imported records are never sample data; a row that updates a
            # sample record leaves its mark (the demo data's clean-up finds
            # it by that mark).
            instance.is_sample = False
        if instance.pk is None and not self._meta.use_bulk:
            # Record.save() would look for a free slug with a query per try:
            # thousands of tries for a file of names without Latin letters.
            self.assign_slugs([instance])
        if self.file_name:
            instance._change_reason = self.change_reason()

    def save_m2m(self, instance, row, **kwargs):
        if not self._meta.use_bulk:
            self.save_relations([instance])

    def save_relations(self, instances) -> None:
        """Save ``instance._import_relations`` of saved instances."""

    def after_import_row(self, row, row_result, **kwargs):
        number = kwargs.get("row_number", 0)
        if self.progress and number and number % self.progress_every == 0:
            self.progress(number, self.total)

    def after_import(self, dataset, result, **kwargs):
        result.header_line = self.header_line
        result.header_labels = dict(self.header_labels)
        result.blank_columns = self.blank_columns
        result.column_mapping = dict(self.column_mapping)
        result.ignored_columns = tuple(self.ignored_columns)
        if self.saved_mapping is not None:
            result.mapping_saved_on = self.saved_mapping.saved_on
        result.declined_conflicts = tuple(sorted(self.declined.items()))
        if self.wrote_rows:
            merge_pending_entries(self._meta.model)

    # Bulk saving (command line, admin) --------------------------------------

    def assign_slugs(self, instances) -> None:
        """What ``Record.save()`` does for one record, for many at once."""
        model = self._meta.model
        if not hasattr(self, "_slugs"):
            self._slugs = set(model.objects.values_list("slug", flat=True))
        for instance in instances:
            if not instance.slug or instance.slug in self._slugs:
                instance.slug = next(
                    slug
                    for slug in instance.slug_candidates()
                    if slug not in self._slugs
                )
            self._slugs.add(instance.slug)

    def bulk_create(
        self, using_transactions, dry_run, raise_errors, batch_size=None, result=None
    ):
        if not self.create_instances:
            return
        try:
            model = self._meta.model
            self.assign_slugs(self.create_instances)
            now = timezone.now()
            for instance in self.create_instances:
                instance.created = instance.updated = now
            insert_rows(model, self.create_instances)
            self.wrote_rows = True
            record_history(
                model,
                [instance.pk for instance in self.create_instances],
                history_type="+",
                user=self.user,
                reason=self.change_reason(),
            )
            self.save_relations(self.create_instances)
        except Exception as error:  # noqa: BLE001 - reported as the import's error
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def bulk_update(
        self, using_transactions, dry_run, raise_errors, batch_size=None, result=None
    ):
        if not self.update_instances:
            return
        try:
            model = self._meta.model
            now = timezone.now()
            # Only the columns that changed.
            by_columns = defaultdict(list)
            for instance in self.update_instances:
                instance.updated = now
                by_columns[self.changed_columns(instance)].append(instance)
            for changed, instances in by_columns.items():
                update_rows(model, instances, changed)
                self.wrote_rows = True
            record_history(
                model,
                [instance.pk for instance in self.update_instances],
                history_type="~",
                user=self.user,
                reason=self.change_reason(),
            )
            self.save_relations(self.update_instances)
        except Exception as error:  # noqa: BLE001 - reported as the import's error
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()

    def change_reason(self) -> str:
        return (_("Imported from %s") % self.file_name)[:100] if self.file_name else ""

    # Export -----------------------------------------------------------------

    def iter_queryset(self, queryset):
        # iterator() keeps memory flat and, unlike the default pagination,
        # runs no COUNT and no OFFSET over a million rows; Django prefetches
        # per chunk.
        yield from queryset.iterator(chunk_size=2000)
