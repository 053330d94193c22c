"""Import and export of institutions, agreements and exchanges.

Built on django-import-export. The admin's two-step import (a preview that
saves nothing, then "Confirm import") and ``manage.py import_records`` use the
same resources below; the admin export uses them for the changelist's
filtered rows.

What every import accepts:

* CSV (UTF-8 with or without BOM; comma, semicolon or tab, found by looking
  at the header line) and XLSX (the first sheet; date cells and Excel date
  serial numbers such as 46000 both work).
* Column headers in a friendly form, in any case and spacing: the headers the
  export writes ("Name", "Erasmus code"), the model's field names
  ("erasmus_code"), the field labels in English, Chinese, Dutch or French, and
  the aliases listed in each resource's docstring. A title line above the
  header line is skipped. Columns that mean nothing to the registry are
  ignored; blank lines are skipped; spaces around values are stripped.
* Rows are matched to existing records by natural key, so importing a file
  twice updates the records instead of duplicating them (and skips rows that
  change nothing).
* Any error in any row (shown by row and column) means nothing is saved.

Imported records are never sample data; "Published" defaults to no.
"""

import csv
import datetime
import io
import re
import unicodedata
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from functools import cache

import tablib
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ValidationError,
)
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from import_export import resources, results
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.instance_loaders import BaseInstanceLoader
from import_export.widgets import Widget
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import scoping
from .identifiers import normalize_erasmus_code
from .models import (
    Agreement,
    AgreementParty,
    Exchange,
    FieldOfEducation,
    Institution,
    Interest,
)
from .models.institution import IDENTIFIER_FIELDS, InstitutionQuerySet

LANGUAGES = ("en", "zh-hans", "nl", "fr")
# Suffix of modeltranslation's columns, with the language's name in English.
TRANSLATIONS = (("zh_hans", "Chinese"), ("nl", "Dutch"), ("fr", "French"))
# How many matched records are loaded at once when rows update them.
PREFETCH = 500
# Excel's day 0 (its 1900 date system, with the leap-year bug accounted for).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y%m%d")
LIST_SEPARATORS = re.compile(r"\s*(?:[;|\n]|；)\s*")


# Normalising text ------------------------------------------------------------


def normalized(value) -> str:
    """Text for comparing names, headers and labels: case, accents,
    punctuation and spacing removed ("Côte d'Ivoire" -> "cote d ivoire")."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def cell_text(value, *, multiline: bool = False) -> str:
    """A cell as text, stripped. Numbers lose a spurious ".0" (Excel stores
    4131010001 as 4131010001.0); single-line text has its inner runs of
    spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\u00a0", " ")
    if multiline:
        return "\n".join(line.strip() for line in text.strip().split("\n"))
    return " ".join(text.split())


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def split_list(value) -> list[str]:
    """A cell listing several things: separated by ";", "|" or new lines."""
    return LIST_SEPARATORS.split(cell_text(value, multiline=True))


@cache
def country_codes() -> dict[str, str]:
    """Normalised country names in the four languages, ISO alpha-2, alpha-3
    and numeric codes -> ISO alpha-2 code."""
    lookup = {}
    for language in LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                lookup[normalized(name)] = code
    for code, _name in countries:
        lookup[code.casefold()] = code
        lookup[countries.alpha3(code).casefold()] = code
        lookup[str(countries.numeric(code, padded=True))] = code
    aliases = {
        "CN": ("PR China", "People's Republic of China", "中华人民共和国", "中國"),
        "US": ("USA", "United States", "Etats-Unis"),
        "GB": ("UK", "Great Britain", "England", "Royaume Uni"),
        "NL": ("Holland", "The Netherlands", "Pays Bas"),
        "KR": ("South Korea", "Korea", "韩国"),
        "RU": ("Russia",),
        "VN": ("Vietnam",),
        "LA": ("Laos",),
        "CZ": ("Czech Republic",),
    }
    for code, names in aliases.items():
        for name in names:
            lookup.setdefault(normalized(name), code)
    return lookup


def parse_country(value) -> str:
    """An ISO code from a code or a name in any of the four languages;
    ValueError when unknown."""
    text = cell_text(value)
    if not text:
        return ""
    code = country_codes().get(normalized(text))
    if code is None:
        raise ValueError(
            _(
                "“%(value)s” is not a country the registry knows. Give its ISO "
                "code (BE, CN) or its name in English, Chinese, Dutch or French."
            )
            % {"value": text}
        )
    return code


# File formats ----------------------------------------------------------------


def _dataset(rows: list[list]) -> tablib.Dataset:
    """A dataset of ``rows``, the first being taken as the header line (the
    resource looks further when it is a title). Blank lines are kept (and
    skipped by the resource), so that row numbers stay those of the file."""
    dataset = tablib.Dataset()
    rows = [list(row) for row in rows]
    for row in rows:
        while row and is_blank(row[-1]):
            row.pop()
    width = max((len(row) for row in rows), default=0)
    if not width:
        return dataset
    dataset.headers = [cell_text(cell) for cell in rows[0]] + [""] * (
        width - len(rows[0])
    )
    for row in rows[1:]:
        dataset.append(row + [None] * (width - len(row)))
    return dataset


class CSV(base_formats.CSV):
    """CSV in UTF-8 (a BOM is fine) with comma, semicolon or tab separators."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        text = in_stream.removeprefix("\ufeff")
        header_line = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=header_line.count)
        return _dataset(list(csv.reader(io.StringIO(text), delimiter=delimiter)))


class XLSX(base_formats.XLSX):
    """The first sheet of an Excel workbook, with blank lines kept."""

    def create_dataset(self, in_stream):
        import openpyxl

        book = openpyxl.load_workbook(
            io.BytesIO(in_stream), read_only=True, data_only=True
        )
        try:
            rows = list(book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()
        return _dataset(rows)


IMPORT_FORMATS = [CSV, XLSX]
EXPORT_FORMATS = [base_formats.CSV, base_formats.XLSX]


def format_for(file_name: str, data: bytes):
    """The import format of a file, by content (a zip is XLSX) and name."""
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx"):
        return XLSX()
    return CSV(encoding="utf-8-sig")


# Widgets: cell <-> value -----------------------------------------------------


class Text(Widget):
    def __init__(self, *, multiline: bool = False):
        super().__init__()
        self.multiline = multiline

    def clean(self, value, row=None, **kwargs):
        return cell_text(value, multiline=self.multiline)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class Date(Widget):
    """Date cells, Excel serial numbers and written dates (2026-03-31,
    31/03/2026, 31.03.2026); never month first."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if re.fullmatch(r"\d{1,5}(\.\d+)?", text):
            serial = float(text)
            if 1 <= serial < 2958466:
                return EXCEL_EPOCH + datetime.timedelta(days=int(serial))
        text = re.sub(r"(\d+)年(\d+)月(\d+)日", r"\1-\2-\3", text)
        text = text.split("T")[0].split(" ")[0]
        for date_format in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, date_format).date()  # noqa: DTZ007
            except ValueError:
                continue
        raise ValueError(
            _(
                "“%(value)s” is not a date. Write it as 2026-03-31 or 31/03/2026, "
                "or use a date cell."
            )
            % {"value": cell_text(value)}
        )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


TRUE_WORDS = {"1", "yes", "y", "true", "t", "x", "ja", "j", "oui", "o", "是", "on"}
FALSE_WORDS = {"0", "no", "n", "false", "f", "nee", "non", "否", "off"}


class Boolean(Widget):
    """Yes/no in the four languages, 1/0, true/false, Excel's TRUE/FALSE;
    a blank cell is ``default``."""

    def __init__(self, *, default: bool = False):
        super().__init__()
        self.default = default

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = normalized(cell_text(value))
        if not text:
            return self.default
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError(_("“%(value)s” is not yes or no.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return bool(value)
        return _("yes") if value else _("no")


class Choice(Widget):
    """A choice given by its value or its label in any of the four languages
    (or an extra alias); exported as the label in the current language."""

    def __init__(self, choices, *, aliases: dict[str, str] | None = None):
        super().__init__()
        self.choices = choices
        self.aliases = aliases or {}

    @property
    def lookup(self) -> dict[str, str]:
        if not hasattr(self, "_lookup"):
            lookup = {normalized(alias): value for alias, value in self.aliases.items()}
            for language in LANGUAGES:
                with translation.override(language):
                    for value, label in self.choices.choices:
                        lookup[normalized(label)] = value
            for value in self.choices.values:
                lookup[normalized(value)] = value
            self._lookup = lookup
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        try:
            return self.lookup[normalized(text)]
        except KeyError:
            allowed = ", ".join(str(label) for label in self.choices.labels)
            raise ValueError(
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": text, "allowed": allowed}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class Country(Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_country(value)

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class Integer(Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace(" ", "")
        if not text:
            return None
        try:
            return int(Decimal(text))
        except (InvalidOperation, ValueError):
            raise ValueError(
                _("“%(value)s” is not a whole number.") % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class Coordinate(Widget):
    """Decimal degrees, rounded to the six places the database keeps; a
    decimal comma is fine."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace(" ", "")
        if not text:
            return None
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            return Decimal(text).quantize(Decimal("0.000001"))
        except InvalidOperation:
            raise ValueError(
                _("“%(value)s” is not a number of degrees.") % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return float(value) if kwargs.get("force_native_type") else str(value)


class Related(Widget):
    """Renders a related record or a related manager's records by name. The
    resource resolves imported names itself (see ``import_relations``)."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if hasattr(value, "all"):
            return "; ".join(str(item) for item in value.all())
        if isinstance(value, list | tuple):
            return "; ".join(str(item) for item in value)
        return str(value)


# Columns ----------------------------------------------------------------------


def column(attribute, header, widget=None, *, aliases=(), readonly=False) -> Field:
    """A column: the model attribute, the header the export writes, and
    more headers the import accepts (besides the field's labels)."""
    field = Field(
        attribute=attribute,
        column_name=header,
        widget=widget or Text(),
        readonly=readonly,
    )
    field.aliases = aliases
    return field


def translation_aliases(header: str, suffix: str, language: str) -> tuple[str, ...]:
    """Headers for a translated column: "Name (Chinese)", "Chinese name",
    "name_zh_hans", "name zh", "中文名称"..."""
    base = header.lower()
    short = suffix.split("_")[0]
    names = [f"{language} {base}", f"{base} {short}", f"{base} {language}"]
    if short == "zh":
        names += [f"{base} cn", f"{base} chinese simplified"]
    return tuple(names)


# Results ----------------------------------------------------------------------


class RowResult(results.RowResult):
    def __init__(self):
        super().__init__()
        #: Likely duplicates of an existing record: (label, admin URL) pairs.
        self.duplicates = []
        #: A blank line of the file: counted as skipped, never listed.
        self.blank = False


class Result(results.Result):
    #: The file's line of headers: row ``n`` of the import is line
    #: ``n + header_line`` of the file.
    header_line = 1

    def append_row_result(self, row_result):
        if not row_result.blank:
            super().append_row_result(row_result)

    def line(self, number: int) -> int:
        return number + self.header_line

    def rows_with_duplicates(self) -> list:
        return [row for row in self.valid_rows() if getattr(row, "duplicates", None)]


class FileError(Exception):
    """A problem with the file as a whole (its columns), not with a row."""


class NoLoader(BaseInstanceLoader):
    """The resources find records by natural key themselves (``get_instance``)."""


# The resources ------------------------------------------------------------------


class RecordResource(resources.Resource):
    """What the record resources share: headers, natural keys, validation
    without a query per row, bulk saving with history, relations.

    ``bulk=True`` (the command line) saves in batches with
    ``bulk_create_with_history``/``bulk_update_with_history``, so that the
    change history is kept; the admin saves row by row, which records the
    signed-in user in the history."""

    #: Headers that must be present (or given a default).
    required_headers: tuple[str, ...] = ()
    #: Headers for which the import form offers a default value.
    default_headers: dict[str, str] = {}

    class Meta:
        instance_loader_class = NoLoader
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        batch_size = 1000

    def __init__(
        self,
        *,
        user=None,
        defaults: dict[str, str] | None = None,
        bulk: bool = False,
        progress=None,
        progress_every: int = 1000,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.user = user if getattr(user, "pk", None) else None
        self.defaults = {key: value for key, value in (defaults or {}).items() if value}
        self.bulk = bulk
        self.progress = progress
        self.progress_every = progress_every
        self._meta = self._meta.__class__()
        for name, value in vars(type(self)._meta).items():
            setattr(self._meta, name, value)
        self._meta.use_bulk = bulk
        self._meta.skip_diff = bulk
        self.header_labels: dict[str, str] = {}
        self.row_errors: dict[int, dict[str, list[str]]] = defaultdict(dict)
        self.row_duplicates: dict[int, list[tuple[str, str]]] = {}
        self.matches: dict[int, int] = {}
        self.instances: dict[int, object] = {}
        self.header_line = 1
        self.broken = False
        self.blank_rows: set[int] = set()
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
        return self._meta.model()

    # Headers --------------------------------------------------------------

    @classmethod
    def header_lookup(cls) -> dict[str, str]:
        """Normalised accepted header -> the column's export header."""
        if "_header_lookup" not in cls.__dict__:
            lookup = {}
            model = cls._meta.model
            for field in cls.fields.values():
                names = [field.column_name, field.attribute or "", *field.aliases]
                model_field = None
                if field.attribute:
                    for name in (field.attribute.removesuffix("_en"), field.attribute):
                        try:
                            model_field = model._meta.get_field(name)
                            break
                        except FieldDoesNotExist:
                            continue
                translated = any(
                    field.attribute and field.attribute.endswith(f"_{suffix}")
                    for suffix, _language in TRANSLATIONS
                )
                verbose_name = getattr(model_field, "verbose_name", None)
                if verbose_name and not translated:
                    for language in LANGUAGES:
                        with translation.override(language):
                            names.append(str(verbose_name))
                for name in names:
                    if name:
                        lookup.setdefault(normalized(name), field.column_name)
            cls._header_lookup = lookup
        return cls._header_lookup

    @classmethod
    def accepted_headers(cls) -> list[str]:
        return [field.column_name for field in cls.fields.values()]

    def label(self, header: str) -> str:
        """How a column is called in messages: as in the file."""
        return self.header_labels.get(header, header)

    def _map_headers(self, dataset) -> None:
        lookup = self.header_lookup()
        best, best_known = 0, -1
        # A title line or two may sit above the headers.
        candidates = [dataset.headers or [], *list(dataset[:10])]
        for index, cells in enumerate(candidates):
            known = sum(
                1 for cell in cells if cell and normalized(cell_text(cell)) in lookup
            )
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
        mapped, seen = [], {}
        for header in dataset.headers:
            text = cell_text(header)
            canonical = lookup.get(normalized(text)) if text else None
            if canonical is None:
                mapped.append(f"(ignored) {text}")
                continue
            if canonical in seen:
                raise FileError(
                    _(
                        "The columns “%(first)s” and “%(second)s” both give "
                        "“%(column)s”. Remove one of them."
                    )
                    % {"first": seen[canonical], "second": text, "column": canonical}
                )
            seen[canonical] = text
            self.header_labels[canonical] = text
            mapped.append(canonical)
        dataset.headers = mapped
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
                }
            )

    # The import ---------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self.file_name = kwargs.get("file_name") or ""
        try:
            self._map_headers(dataset)
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
        self.match_rows(rows)

    def prepared(self, row: dict) -> dict | None:
        """The row with defaults filled in; None for a blank line, or a line
        with nothing in the columns the registry knows (a heading such as
        "北京市（92所）" in a ministry's list)."""
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

    def import_row(self, row, instance_loader, **kwargs):
        number = kwargs["row_number"]
        if self.broken or number in self.blank_rows:
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            row_result.blank = True
            return row_result
        self.prepared(row)
        self.number = number
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.number = number
        row_result.duplicates = self.row_duplicates.get(number, [])
        return row_result

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

    def snapshot(self, instance) -> dict:
        return {
            field.attname: getattr(instance, field.attname)
            for field in instance._meta.concrete_fields
            if not field.generated
        }

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.error_dict
        for field in self.fields.values():
            if field.readonly or field.column_name not in row:
                continue
            # As full_clean() will store it ("b antwerp01" -> "B  ANTWERP01"),
            # so that an unchanged row is seen to be unchanged.
            try:
                model_field = instance._meta.get_field(field.attribute)
                value = model_field.to_python(getattr(instance, model_field.attname))
                if value == "" and model_field.null:
                    value = None  # an empty translation is NULL
                setattr(instance, model_field.attname, value)
            except (FieldDoesNotExist, ValidationError):
                continue
        columns = self.fields_by_header()
        for header, messages in self.import_relations(instance, row).items():
            # By attribute, so that full_clean() skips what is already wrong.
            key = columns[header].attribute if header in columns else header
            errors[key] = [ValidationError(message) for message in messages]
        if errors:
            raise ValidationError(errors)

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
        attribute_headers = {
            field.attribute: field.column_name
            for field in self.fields.values()
            if field.attribute
        }
        errors = {}

        def add(key, messages):
            header = attribute_headers.get(key) or attribute_headers.get(
                f"{key}_en", key
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
            instance.full_clean(
                exclude=[*(import_validation_errors or {}), "slug"],
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

    @classmethod
    def fields_by_header(cls) -> dict[str, Field]:
        return {field.column_name: field for field in cls.fields.values()}

    def before_save_instance(self, instance, row, **kwargs):
        instance.is_sample = False
        if instance.pk is None and not self._meta.use_bulk:
            # Record.save() would look for a free slug with a query per try:
            # thousands of tries for a file of names without Latin letters.
            self.assign_slugs([instance])
        if self.file_name:
            instance._change_reason = (_("Imported from %s") % self.file_name)[:100]

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

    # Bulk saving (command line) ---------------------------------------------

    def assign_slugs(self, instances) -> None:
        """What ``Record.save()`` does for one record, for many at once."""
        model = self._meta.model
        if not hasattr(self, "_slugs"):
            self._slugs = set(model.objects.values_list("slug", flat=True))
        max_length = model._meta.get_field("slug").max_length
        for instance in instances:
            if instance.slug and instance.slug not in self._slugs:
                self._slugs.add(instance.slug)
                continue
            base = (
                slugify(instance.slug_source())[: max_length - 8].strip("-")
                or model._meta.model_name
            )
            slug, number = base, 2
            while slug in self._slugs:
                slug, number = f"{base}-{number}", number + 1
            instance.slug = slug
            self._slugs.add(slug)

    def bulk_create(
        self, using_transactions, dry_run, raise_errors, batch_size=None, result=None
    ):
        if not self.create_instances:
            return
        try:
            self.assign_slugs(self.create_instances)
            now = timezone.now()
            for instance in self.create_instances:
                instance.created = instance.updated = now
            bulk_create_with_history(
                self.create_instances,
                self._meta.model,
                batch_size=batch_size,
                default_user=self.user,
                default_change_reason=self.change_reason(),
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
            now = timezone.now()
            for instance in self.update_instances:
                instance.updated = now
            fields = [
                field.name
                for field in self._meta.model._meta.concrete_fields
                if not field.generated and not field.primary_key
                if field.name not in ("created", "slug")
            ]
            bulk_update_with_history(
                self.update_instances,
                self._meta.model,
                fields,
                batch_size=batch_size,
                default_user=self.user,
                default_change_reason=self.change_reason(),
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


# Institutions -------------------------------------------------------------------


class InstitutionDirectory:
    """Every institution's identifiers and names, loaded in one query, to
    find records by identifier or name without a query per row."""

    def __init__(self):
        self.by_identifier = {field: {} for field in IDENTIFIER_FIELDS}
        self.by_name_country = defaultdict(list)
        self.by_any_name = defaultdict(set)
        self.names = {}
        rows = Institution.objects.values_list(
            "pk",
            "name_en",
            "country",
            *IDENTIFIER_FIELDS,
            "name_zh_hans",
            "name_nl",
            "name_fr",
            "official_name",
            "acronym",
        )
        for pk, name, country, *identifiers_and_names in rows.iterator(10_000):
            identifiers = identifiers_and_names[: len(IDENTIFIER_FIELDS)]
            others = identifiers_and_names[len(IDENTIFIER_FIELDS) :]
            self.names[pk] = name
            for field, value in zip(IDENTIFIER_FIELDS, identifiers, strict=True):
                if value:
                    self.by_identifier[field][value] = pk
            self.by_name_country[(normalized(name or ""), country)].append(pk)
            for text in (name, *others):
                if text:
                    self.by_any_name[normalized(text)].add(pk)

    @staticmethod
    def identifiers(values: dict) -> dict[str, str]:
        """Identifier cells as stored: Erasmus codes re-padded, SCHAC codes
        in lower case, PICs without spaces."""
        cleaned = {}
        for field in IDENTIFIER_FIELDS:
            value = cell_text(values.get(field))
            if field == "erasmus_code":
                value = normalize_erasmus_code(value) if value else value
            elif field == "schac_code":
                value = value.lower().rstrip(".")
            elif field == "pic":
                value = re.sub(r"\s+", "", value)
            if value:
                cleaned[field] = value
        return cleaned

    def find(self, text: str) -> tuple[int | None, str]:
        """The institution that ``text`` (an identifier or a name) names,
        or None and why not."""
        text = cell_text(text)
        candidates = {
            "erasmus_code": normalize_erasmus_code(text),
            "schac_code": text.lower().rstrip("."),
            "pic": re.sub(r"\s+", "", text),
            "other_identifier": text,
        }
        for field, value in candidates.items():
            if value in self.by_identifier[field]:
                return self.by_identifier[field][value], ""
        found = sorted(self.by_any_name.get(normalized(text), ()))
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _(
                "“%(text)s” names several institutions (%(names)s): give an "
                "identifier instead."
            ) % {"text": text, "names": "; ".join(self.names[pk] for pk in found[:5])}
        return None, _("No institution has the identifier or name “%(text)s”.") % {
            "text": text
        }


def admin_link(model, pk) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


class InstitutionResource(RecordResource):
    """Institutions.

    Columns (the export's headers; each also accepted under the field name,
    e.g. ``erasmus_code``, and the field's label in the four languages):
    Name (also: institution, English name), Name (Chinese), Name (Dutch),
    Name (French), Official name (also: 学校名称, local name), Acronym (简称),
    Aliases, Kind (a kind's code or label, e.g. school, conservatory),
    Level (e.g. higher vocational; also 专科, 本科, 中职), Country (ISO code
    or name in English, Chinese, Dutch or French; 国家), Region (province,
    省份), City (所在地), Address, Latitude, Longitude, Website, E-mail,
    Erasmus code, SCHAC code, PIC, Other identifier (e.g. the Ministry of
    Education's school code: 学校标识码, MoE code), Parent (an institution's
    identifier or name), Successor (likewise), Year founded, Description
    (and its Chinese, Dutch, French columns), Published (yes/no), Slug
    (exported only).

    Required: Name or Official name (the official name then serves as
    name), Country and Kind, unless the import form gives defaults for them.

    A row updates the institution with one of its identifiers (Erasmus code,
    SCHAC code, PIC, other identifier), else the one with the same name in
    the same country. Rows that would add an institution whose name is very
    similar to one in the same country are flagged as likely duplicates in
    the preview (a warning; they can still be imported).
    """

    required_headers = ("Name", "Country", "Kind")
    default_headers = {"country": "Country", "kind": "Kind"}

    name_en = column(
        "name_en",
        "Name",
        aliases=("institution", "institution name", "english name", "name en"),
    )
    name_zh_hans = column(
        "name_zh_hans",
        "Name (Chinese)",
        aliases=(*translation_aliases("Name", "zh_hans", "chinese"), "中文名称"),
    )
    name_nl = column(
        "name_nl", "Name (Dutch)", aliases=translation_aliases("Name", "nl", "dutch")
    )
    name_fr = column(
        "name_fr",
        "Name (French)",
        aliases=translation_aliases("Name", "fr", "french"),
    )
    official_name = column(
        "official_name",
        "Official name",
        aliases=("学校名称", "院校名称", "机构名称", "local name", "native name"),
    )
    acronym = column("acronym", "Acronym", aliases=("abbreviation", "简称"))
    aliases = column("aliases", "Aliases", Text(multiline=True), aliases=("alias",))
    kind = column(
        "kind",
        "Kind",
        Choice(Institution.Kind),
        aliases=("type", "institution type", "类型", "机构类型"),
    )
    level = column(
        "level",
        "Level",
        Choice(
            Institution.Level,
            aliases={
                "专科": "higher",
                "高职": "higher",
                "高职专科": "higher",
                "专科高职": "higher",
                "职业本科": "undergraduate",
                "本科": "undergraduate",
                "中职": "secondary",
                "中专": "secondary",
            },
        ),
        aliases=("办学层次", "层次"),
    )
    country = column(
        "country", "Country", Country(), aliases=("国家 地区", "country code")
    )
    region = column(
        "region", "Region", aliases=("province", "state", "省份", "省", "所在省份")
    )
    city = column("city", "City", aliases=("town", "所在地", "所在城市", "城市"))
    address = column("address", "Address", Text(multiline=True))
    latitude = column("latitude", "Latitude", Coordinate(), aliases=("lat",))
    longitude = column(
        "longitude", "Longitude", Coordinate(), aliases=("lon", "lng", "long")
    )
    website = column("website", "Website", aliases=("url", "web", "网址", "homepage"))
    email = column("email", "E-mail", aliases=("contact email", "mail", "邮箱"))
    erasmus_code = column("erasmus_code", "Erasmus code", aliases=("erasmus",))
    schac_code = column("schac_code", "SCHAC code", aliases=("schac",))
    pic = column("pic", "PIC", aliases=("pic code", "participant identification code"))
    other_identifier = column(
        "other_identifier",
        "Other identifier",
        aliases=("学校标识码", "标识码", "school code", "moe code", "identifier"),
    )
    parent = column("parent", "Parent", Related(), readonly=True)
    successor = column("successor", "Successor", Related(), readonly=True)
    year_founded = column(
        "year_founded", "Year founded", Integer(), aliases=("founded", "建校年份")
    )
    description_en = column(
        "description_en", "Description", Text(multiline=True), aliases=("简介",)
    )
    description_zh_hans = column(
        "description_zh_hans",
        "Description (Chinese)",
        Text(multiline=True),
        aliases=translation_aliases("Description", "zh_hans", "chinese"),
    )
    description_nl = column(
        "description_nl",
        "Description (Dutch)",
        Text(multiline=True),
        aliases=translation_aliases("Description", "nl", "dutch"),
    )
    description_fr = column(
        "description_fr",
        "Description (French)",
        Text(multiline=True),
        aliases=translation_aliases("Description", "fr", "french"),
    )
    published = column("published", "Published", Boolean())
    slug = column("slug", "Slug", readonly=True)

    class Meta(RecordResource.Meta):
        model = Institution

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("parent", "successor")

    def prepared(self, row):
        row = super().prepared(row)
        if row is not None and is_blank(row.get("Name")):
            # A ministry's list has the official name only: it serves as name.
            row["Name"] = row.get("Official name")
        return row

    def match_rows(self, rows):
        self.directory = directory = InstitutionDirectory()
        seen_identifiers, seen_names = {}, {}
        new_rows = []
        for number, row in rows:
            identifiers = directory.identifiers(
                {
                    field.attribute: row.get(field.column_name)
                    for field in self.fields.values()
                    if field.attribute in IDENTIFIER_FIELDS
                }
            )
            try:
                country = parse_country(row.get("Country"))
            except ValueError:
                country = ""
            name = normalized(cell_text(row.get("Name")))
            for field, value in identifiers.items():
                header = self.fields[field].column_name
                if (field, value) in seen_identifiers:
                    self.add_error(
                        number,
                        header,
                        _("Row %(row)s of this file has the same %(column)s.")
                        % {
                            "row": seen_identifiers[field, value],
                            "column": self.label(header),
                        },
                    )
                seen_identifiers.setdefault((field, value), self.line(number))
            matched = {
                field: directory.by_identifier[field][value]
                for field, value in identifiers.items()
                if value in directory.by_identifier[field]
            }
            pks = set(matched.values())
            if len(pks) > 1:
                for field, pk in matched.items():
                    header = self.fields[field].column_name
                    self.add_error(
                        number,
                        header,
                        _(
                            "This identifies “%(name)s”, but another identifier "
                            "of this row identifies another institution."
                        )
                        % {"name": directory.names[pk]},
                    )
                continue
            if pks:
                self.matches[number] = pks.pop()
                continue
            if name and country:
                key = (name, country)
                if key in seen_names and not (identifiers and seen_names[key][1]):
                    self.add_error(
                        number,
                        "Name",
                        _(
                            "Row %(row)s of this file has the same name and "
                            "country. Give each an identifier if they are "
                            "different institutions."
                        )
                        % {"row": seen_names[key][0]},
                    )
                seen_names.setdefault(key, (self.line(number), bool(identifiers)))
                same_name = directory.by_name_country.get(key, [])
                if len(same_name) == 1:
                    self.matches[number] = same_name[0]
                    continue
                if same_name:
                    self.add_error(
                        number,
                        "Name",
                        _(
                            "Several institutions in this country have this name: "
                            "add an identifier to say which one this row updates."
                        ),
                    )
                    continue
                new_rows.append((number, country, row))
        self.flag_duplicates(new_rows)

    def flag_duplicates(self, new_rows) -> None:
        """Rows that add an institution with a name very similar to one of an
        institution of the same country: one query for the whole file. There
        is no trigram index on the institutions' names, so the file's names
        are indexed instead (a temporary table, dropped at the end of the
        import's transaction) and each institution of the countries concerned
        probes that index once."""
        names = [
            (number, country, cell_text(row.get(header)))
            for number, country, row in new_rows
            for header in ("Name", "Official name")
            if cell_text(row.get(header))
        ]
        if not names or not connection.in_atomic_block:
            return
        threshold = InstitutionQuerySet.duplicate_name_similarity
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS import_names")
            cursor.execute(
                "CREATE TEMPORARY TABLE import_names "
                "(number integer, country varchar(2), name text) ON COMMIT DROP"
            )
            cursor.execute(
                "INSERT INTO import_names SELECT * FROM "
                "unnest(%s::integer[], %s::varchar[], %s::text[])",
                [list(column) for column in zip(*names, strict=True)],
            )
            cursor.execute("CREATE INDEX ON import_names USING gin (name gin_trgm_ops)")
            cursor.execute("ANALYZE import_names")
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                [str(threshold)],
            )
            cursor.execute(
                """
                SELECT DISTINCT n.number, i.id, i.name_en, i.city, i.country
                FROM cooperation_institution AS i
                CROSS JOIN LATERAL (
                    SELECT number FROM import_names
                    WHERE country = i.country
                      AND (name %% i.name_en OR name %% i.official_name)
                ) AS n
                WHERE i.country = ANY(%s)
                ORDER BY n.number, i.name_en
                """,
                [sorted({country for _number, country, _name in names})],
            )
            found = cursor.fetchall()
            cursor.execute("DROP TABLE import_names")
        for number, pk, name, city, country in found:
            label = ", ".join(part for part in (name, city, country) if part)
            self.row_duplicates.setdefault(number, []).append(
                (label, admin_link(Institution, pk))
            )

    def import_relations(self, instance, row):
        errors = {}
        for attribute in ("parent", "successor"):
            header = self.fields[attribute].column_name
            if header not in row:
                continue
            text = cell_text(row[header])
            pk, problem = self.directory.find(text) if text else (None, "")
            if problem:
                errors[header] = [problem]
            setattr(instance, f"{attribute}_id", pk)
        return errors

    def relations_changed(self, instance):
        return False


# Agreements -----------------------------------------------------------------------


class ResolverMixin:
    """Finding institutions, fields of education and agreements by name."""

    @property
    def directory(self) -> InstitutionDirectory:
        if not hasattr(self, "_directory"):
            self._directory = InstitutionDirectory()
        return self._directory

    def find_institutions(self, value) -> tuple[list[int], list[str]]:
        pks, errors = [], []
        for text in split_list(value):
            if not text:
                continue
            pk, problem = self.directory.find(text)
            if problem:
                errors.append(problem)
            elif pk not in pks:
                pks.append(pk)
        return pks, errors

    def find_fields(self, value) -> tuple[list[int], list[str]]:
        if not hasattr(self, "_field_codes"):
            self._field_codes = dict(FieldOfEducation.objects.values_list("code", "pk"))
        pks, errors = [], []
        for text in split_list(value):
            if not text:
                continue
            code = text.split()[0]
            # Excel drops the leading zero of 041 or 0413.
            if code.isdigit() and len(code) in (1, 3) and code not in self._field_codes:
                code = "0" + code
            if code in self._field_codes:
                pks.append(self._field_codes[code])
            else:
                errors.append(
                    _(
                        "“%(text)s” is not an ISCED-F 2013 code (e.g. 0215 for "
                        "music and performing arts)."
                    )
                    % {"text": text}
                )
        return pks, errors

    def find_agreement(self, text: str) -> tuple[int | None, str]:
        if not hasattr(self, "_agreements"):
            self._agreements = {}
            self._agreement_titles = defaultdict(list)
            for pk, reference, title in Agreement.objects.values_list(
                "pk", "reference", "title_en"
            ):
                if reference:
                    self._agreements[reference.casefold()] = pk
                self._agreement_titles[normalized(title or "")].append(pk)
        text = cell_text(text)
        if text.casefold() in self._agreements:
            return self._agreements[text.casefold()], ""
        found = self._agreement_titles.get(normalized(text), [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _(
                "Several agreements have the title “%(text)s”: give the "
                "reference number."
            ) % {"text": text}
        return None, _("No agreement has the reference number or title “%(text)s”.") % {
            "text": text
        }


class ManyRelated(Related):
    pass


class AgreementResource(ResolverMixin, RecordResource):
    """Agreements.

    Columns (the export's headers; each also accepted under the field name
    and the field's label in the four languages): Title, Title (Chinese),
    Title (Dutch), Title (French), Reference (reference number), Kind (e.g.
    memorandum of understanding, letter of intent, mou), Summary (and its
    Chinese, Dutch, French columns), Internal notes, Responsible (a staff
    member's user name or e-mail), Status (draft, in negotiation, signed,
    terminated; default draft), Signed on, Signed at, Signed how (in person,
    online, hybrid), Valid from, Expires on, Renews automatically (yes/no),
    Notice period (days), Fields of education (ISCED-F codes, e.g. "0215;
    0413"), Parties (the signatories: institutions by identifier or name,
    separated by ";", "|" or new lines), Witnesses (likewise), Earlier
    agreement (reference number or title), Relation to earlier (renews,
    amends, supersedes), Published (yes/no), Slug (exported only).

    Required: Title and Kind. A signed agreement needs two parties.

    A row updates the agreement with its reference number, else the one with
    the same title (and no other reference number). Parties and witnesses
    given in a row replace those of the agreement; a column left out leaves
    them as they are.
    """

    required_headers = ("Title", "Kind")
    default_headers = {"kind": "Kind"}

    title_en = column("title_en", "Title", aliases=("agreement", "english title"))
    title_zh_hans = column(
        "title_zh_hans",
        "Title (Chinese)",
        aliases=(*translation_aliases("Title", "zh_hans", "chinese"), "中文标题"),
    )
    title_nl = column(
        "title_nl", "Title (Dutch)", aliases=translation_aliases("Title", "nl", "dutch")
    )
    title_fr = column(
        "title_fr",
        "Title (French)",
        aliases=translation_aliases("Title", "fr", "french"),
    )
    reference = column(
        "reference", "Reference", aliases=("reference number", "ref", "编号")
    )
    kind = column("kind", "Kind", Choice(Agreement.Kind), aliases=("type", "类型"))
    summary_en = column("summary_en", "Summary", Text(multiline=True))
    summary_zh_hans = column(
        "summary_zh_hans",
        "Summary (Chinese)",
        Text(multiline=True),
        aliases=translation_aliases("Summary", "zh_hans", "chinese"),
    )
    summary_nl = column(
        "summary_nl",
        "Summary (Dutch)",
        Text(multiline=True),
        aliases=translation_aliases("Summary", "nl", "dutch"),
    )
    summary_fr = column(
        "summary_fr",
        "Summary (French)",
        Text(multiline=True),
        aliases=translation_aliases("Summary", "fr", "french"),
    )
    internal_notes = column(
        "internal_notes", "Internal notes", Text(multiline=True), aliases=("notes",)
    )
    responsible = column(
        "responsible", "Responsible", Related(), readonly=True, aliases=("contact",)
    )
    status = column("status", "Status", Choice(Agreement.Status), aliases=("状态",))
    signed_on = column(
        "signed_on", "Signed on", Date(), aliases=("signed", "date signed", "签署日期")
    )
    signed_at = column("signed_at", "Signed at", aliases=("place of signature",))
    signing_mode = column(
        "signing_mode",
        "Signed how",
        Choice(Agreement.SigningMode),
        aliases=("signing mode", "mode"),
    )
    valid_from = column(
        "valid_from", "Valid from", Date(), aliases=("start", "starts on", "生效日期")
    )
    expires_on = column(
        "expires_on",
        "Expires on",
        Date(),
        aliases=("expiry", "expiry date", "end", "ends on", "到期日期"),
    )
    renews_automatically = column(
        "renews_automatically", "Renews automatically", Boolean()
    )
    notice_period_days = column(
        "notice_period_days", "Notice period (days)", Integer(), aliases=("notice",)
    )
    fields = column(
        "fields",
        "Fields of education",
        ManyRelated(),
        readonly=True,
        aliases=("fields", "isced", "isced codes"),
    )
    parties = column(
        "parties",
        "Parties",
        ManyRelated(),
        readonly=True,
        aliases=("signatories", "institutions", "partners", "签署方"),
    )
    witnesses = column("witnesses", "Witnesses", ManyRelated(), readonly=True)
    predecessor = column(
        "predecessor",
        "Earlier agreement",
        Related(),
        readonly=True,
        aliases=("previous agreement",),
    )
    lineage = column(
        "lineage",
        "Relation to earlier",
        Choice(Agreement.Lineage),
        aliases=("lineage",),
    )
    published = column("published", "Published", Boolean())
    slug = column("slug", "Slug", readonly=True)

    class Meta(RecordResource.Meta):
        model = Agreement

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("responsible", "predecessor").prefetch_related(
            "fields", "parties__institution"
        )

    def dehydrate_fields(self, agreement):
        return "; ".join(field.code for field in agreement.fields.all())

    def dehydrate_parties(self, agreement):
        return self._party_names(agreement, witness=False)

    def dehydrate_witnesses(self, agreement):
        return self._party_names(agreement, witness=True)

    def _party_names(self, agreement, *, witness: bool) -> str:
        return "; ".join(
            party.institution.name_en or party.institution.name
            for party in agreement.parties.all()
            if (party.role == AgreementParty.Role.WITNESS) == witness
        )

    def dehydrate_responsible(self, agreement):
        return agreement.responsible.get_username() if agreement.responsible else ""

    def dehydrate_predecessor(self, agreement):
        predecessor = agreement.predecessor
        if predecessor is None:
            return ""
        return predecessor.reference or predecessor.title_en or predecessor.title

    def match_rows(self, rows):
        references, titles = {}, defaultdict(list)
        for pk, reference, title in Agreement.objects.values_list(
            "pk", "reference", "title_en"
        ):
            if reference:
                references[reference] = pk
            titles[normalized(title or "")].append((pk, reference))
        seen = {}
        for number, row in rows:
            reference = cell_text(row.get("Reference"))
            title = normalized(cell_text(row.get("Title")))
            key = ("reference", reference) if reference else ("title", title)
            if key in seen:
                header = "Reference" if reference else "Title"
                self.add_error(
                    number,
                    header,
                    _("Row %(row)s of this file has the same %(column)s.")
                    % {"row": seen[key], "column": self.label(header)},
                )
            seen.setdefault(key, self.line(number))
            if reference in references:
                self.matches[number] = references[reference]
                continue
            candidates = [
                pk for pk, other in titles.get(title, []) if not reference or not other
            ]
            if len(candidates) == 1:
                self.matches[number] = candidates[0]
            elif candidates:
                self.add_error(
                    number,
                    "Title",
                    _(
                        "Several agreements have this title: give the reference "
                        "number to say which one this row updates."
                    ),
                )

    def import_relations(self, instance, row):
        errors = {}
        relations = instance._import_relations
        if "Responsible" in row:
            text = cell_text(row["Responsible"])
            instance.responsible_id = None
            if text:
                users = get_user_model().objects.filter(is_staff=True)
                user = (
                    users.filter(username__iexact=text).first()
                    or users.filter(email__iexact=text).first()
                )
                if user is None:
                    errors["Responsible"] = [
                        _("No staff member has the user name or e-mail “%(text)s”.")
                        % {"text": text}
                    ]
                else:
                    instance.responsible_id = user.pk
        if "Earlier agreement" in row:
            text = cell_text(row["Earlier agreement"])
            instance.predecessor_id = None
            if text:
                pk, problem = self.find_agreement(text)
                if problem:
                    errors["Earlier agreement"] = [problem]
                instance.predecessor_id = pk
        for header, role in (
            ("Parties", AgreementParty.Role.SIGNATORY),
            ("Witnesses", AgreementParty.Role.WITNESS),
        ):
            if header in row:
                pks, problems = self.find_institutions(row[header])
                if problems:
                    errors[header] = problems
                relations[role] = pks
        if "Fields of education" in row:
            pks, problems = self.find_fields(row["Fields of education"])
            if problems:
                errors["Fields of education"] = problems
            relations["fields"] = pks
        return errors

    def current_parties(self, instances) -> dict[int, dict[int, AgreementParty]]:
        """Each agreement's parties by institution (one query)."""
        parties = defaultdict(dict)
        pks = [instance.pk for instance in instances if instance.pk]
        for party in AgreementParty.objects.filter(agreement__in=pks):
            parties[party.agreement_id][party.institution_id] = party
        return parties

    def validate_relations(self, instance):
        errors = {}
        relations = instance._import_relations
        signatories = relations.get(AgreementParty.Role.SIGNATORY)
        witnesses = relations.get(AgreementParty.Role.WITNESS)
        if signatories and witnesses and set(signatories) & set(witnesses):
            errors["Witnesses"] = [
                _("An institution cannot be both a party and a witness.")
            ]
        if instance.status in (Agreement.Status.SIGNED, Agreement.Status.TERMINATED):
            if signatories is None:
                count = (
                    AgreementParty.objects.filter(agreement=instance.pk)
                    .exclude(role=AgreementParty.Role.WITNESS)
                    .count()
                    if instance.pk
                    else 0
                )
            else:
                count = len(signatories)
            if count < 2:
                errors["Parties"] = [
                    _("A signed agreement needs at least two parties.")
                ]
        return errors

    def relations_changed(self, instance):
        relations = instance._import_relations
        if not relations:
            return False
        current = self.current_parties([instance]).get(instance.pk, {})
        for role in (AgreementParty.Role.SIGNATORY, AgreementParty.Role.WITNESS):
            if role in relations:
                existing = [
                    pk
                    for pk, party in current.items()
                    if (party.role == AgreementParty.Role.WITNESS)
                    == (role == AgreementParty.Role.WITNESS)
                ]
                if sorted(existing) != sorted(relations[role]):
                    return True
        if "fields" in relations:
            existing = instance.fields.values_list("pk", flat=True)
            if sorted(existing) != sorted(relations["fields"]):
                return True
        return False

    def save_relations(self, instances):
        current = self.current_parties(instances)
        new_parties, changed, removed = [], [], []
        through = Agreement.fields.through
        field_links, field_unlinks = [], []
        for instance in instances:
            relations = instance._import_relations
            existing = current.get(instance.pk, {})
            for role in (AgreementParty.Role.SIGNATORY, AgreementParty.Role.WITNESS):
                if role not in relations:
                    continue
                is_witness = role == AgreementParty.Role.WITNESS
                wanted = relations[role]
                for pk, party in existing.items():
                    if (party.role == AgreementParty.Role.WITNESS) == is_witness:
                        if pk not in wanted:
                            removed.append(party.pk)
                for position, pk in enumerate(wanted):
                    party = existing.get(pk)
                    if party is None:
                        new_parties.append(
                            AgreementParty(
                                agreement_id=instance.pk,
                                institution_id=pk,
                                role=role,
                                position=position,
                            )
                        )
                    elif (party.role == AgreementParty.Role.WITNESS) != is_witness:
                        party.role = role
                        changed.append(party)
            if "fields" in relations:
                field_unlinks.append(instance.pk)
                field_links += [
                    through(agreement_id=instance.pk, fieldofeducation_id=pk)
                    for pk in relations["fields"]
                ]
        if removed:
            for party in AgreementParty.objects.filter(pk__in=removed):
                party.delete()
        if changed:
            bulk_update_with_history(
                changed, AgreementParty, ["role"], default_user=self.user
            )
        if new_parties:
            bulk_create_with_history(
                new_parties, AgreementParty, default_user=self.user
            )
        if field_unlinks:
            through.objects.filter(agreement_id__in=field_unlinks).delete()
            through.objects.bulk_create(field_links)


# Exchanges -------------------------------------------------------------------------


class ExchangeResource(ResolverMixin, RecordResource):
    """Exchanges.

    Columns (the export's headers; each also accepted under the field name
    and the field's label in the four languages): Title, Title (Chinese),
    Title (Dutch), Title (French), Kind (e.g. student exchange, internship,
    performance), Summary, Description, Eligibility, How to apply, Outcomes
    (each also in Chinese, Dutch and French columns, e.g. "Summary
    (Chinese)"), Contact e-mail, External link, Agreement (its reference
    number or title), Host (an institution's identifier or name), Partners
    (institutions separated by ";", "|" or new lines), Fields of education
    (ISCED-F codes), Starts on, Ends on, Application deadline, Mode (on site,
    online, hybrid; default on site), City, Country, Places, Participants,
    Cancelled (yes/no), Published (yes/no), Slug.

    Required: Title, Kind, Host and Starts on.

    A row updates the exchange with its slug, else the one with the same
    title, host and start date.
    """

    required_headers = ("Title", "Kind", "Host", "Starts on")
    default_headers = {"kind": "Kind"}

    title_en = column("title_en", "Title", aliases=("exchange", "english title"))
    title_zh_hans = column(
        "title_zh_hans",
        "Title (Chinese)",
        aliases=(*translation_aliases("Title", "zh_hans", "chinese"), "中文标题"),
    )
    title_nl = column(
        "title_nl", "Title (Dutch)", aliases=translation_aliases("Title", "nl", "dutch")
    )
    title_fr = column(
        "title_fr",
        "Title (French)",
        aliases=translation_aliases("Title", "fr", "french"),
    )
    kind = column("kind", "Kind", Choice(Exchange.Kind), aliases=("type", "类型"))
    summary_en = column("summary_en", "Summary", Text(multiline=True))
    summary_zh_hans = column(
        "summary_zh_hans",
        "Summary (Chinese)",
        Text(multiline=True),
        aliases=translation_aliases("Summary", "zh_hans", "chinese"),
    )
    summary_nl = column(
        "summary_nl",
        "Summary (Dutch)",
        Text(multiline=True),
        aliases=translation_aliases("Summary", "nl", "dutch"),
    )
    summary_fr = column(
        "summary_fr",
        "Summary (French)",
        Text(multiline=True),
        aliases=translation_aliases("Summary", "fr", "french"),
    )
    description_en = column("description_en", "Description", Text(multiline=True))
    description_zh_hans = column(
        "description_zh_hans",
        "Description (Chinese)",
        Text(multiline=True),
        aliases=translation_aliases("Description", "zh_hans", "chinese"),
    )
    description_nl = column(
        "description_nl",
        "Description (Dutch)",
        Text(multiline=True),
        aliases=translation_aliases("Description", "nl", "dutch"),
    )
    description_fr = column(
        "description_fr",
        "Description (French)",
        Text(multiline=True),
        aliases=translation_aliases("Description", "fr", "french"),
    )
    eligibility_en = column("eligibility_en", "Eligibility", Text(multiline=True))
    eligibility_zh_hans = column(
        "eligibility_zh_hans",
        "Eligibility (Chinese)",
        Text(multiline=True),
        aliases=translation_aliases("Eligibility", "zh_hans", "chinese"),
    )
    eligibility_nl = column(
        "eligibility_nl",
        "Eligibility (Dutch)",
        Text(multiline=True),
        aliases=translation_aliases("Eligibility", "nl", "dutch"),
    )
    eligibility_fr = column(
        "eligibility_fr",
        "Eligibility (French)",
        Text(multiline=True),
        aliases=translation_aliases("Eligibility", "fr", "french"),
    )
    how_to_apply_en = column("how_to_apply_en", "How to apply", Text(multiline=True))
    how_to_apply_zh_hans = column(
        "how_to_apply_zh_hans",
        "How to apply (Chinese)",
        Text(multiline=True),
        aliases=translation_aliases("How to apply", "zh_hans", "chinese"),
    )
    how_to_apply_nl = column(
        "how_to_apply_nl",
        "How to apply (Dutch)",
        Text(multiline=True),
        aliases=translation_aliases("How to apply", "nl", "dutch"),
    )
    how_to_apply_fr = column(
        "how_to_apply_fr",
        "How to apply (French)",
        Text(multiline=True),
        aliases=translation_aliases("How to apply", "fr", "french"),
    )
    contact_email = column(
        "contact_email", "Contact e-mail", aliases=("email", "e-mail", "contact")
    )
    external_url = column(
        "external_url", "External link", aliases=("url", "link", "website")
    )
    agreement = column(
        "agreement", "Agreement", Related(), readonly=True, aliases=("agreement ref",)
    )
    host = column(
        "host",
        "Host",
        Related(),
        readonly=True,
        aliases=("host institution", "organiser", "承办单位"),
    )
    partners = column(
        "partners",
        "Partners",
        ManyRelated(),
        readonly=True,
        aliases=("partner institutions", "sending institutions"),
    )
    fields = column(
        "fields",
        "Fields of education",
        ManyRelated(),
        readonly=True,
        aliases=("fields", "isced", "isced codes"),
    )
    starts_on = column(
        "starts_on", "Starts on", Date(), aliases=("start", "start date", "开始日期")
    )
    ends_on = column(
        "ends_on", "Ends on", Date(), aliases=("end", "end date", "结束日期")
    )
    application_deadline = column(
        "application_deadline",
        "Application deadline",
        Date(),
        aliases=("deadline", "报名截止日期"),
    )
    mode = column("mode", "Mode", Choice(Exchange.Mode))
    city = column("city", "City", aliases=("town", "城市"))
    country = column("country", "Country", Country(), aliases=("国家 地区",))
    places = column("places", "Places", Integer(), aliases=("places offered",))
    participants = column("participants", "Participants", Integer())
    outcomes_en = column("outcomes_en", "Outcomes", Text(multiline=True))
    outcomes_zh_hans = column(
        "outcomes_zh_hans",
        "Outcomes (Chinese)",
        Text(multiline=True),
        aliases=translation_aliases("Outcomes", "zh_hans", "chinese"),
    )
    outcomes_nl = column(
        "outcomes_nl",
        "Outcomes (Dutch)",
        Text(multiline=True),
        aliases=translation_aliases("Outcomes", "nl", "dutch"),
    )
    outcomes_fr = column(
        "outcomes_fr",
        "Outcomes (French)",
        Text(multiline=True),
        aliases=translation_aliases("Outcomes", "fr", "french"),
    )
    cancelled = column("cancelled", "Cancelled", Boolean())
    published = column("published", "Published", Boolean())
    slug = column("slug", "Slug")

    class Meta(RecordResource.Meta):
        model = Exchange

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("host", "agreement").prefetch_related(
            "partners", "fields"
        )

    def dehydrate_host(self, exchange):
        return exchange.host.name_en or exchange.host.name

    def dehydrate_partners(self, exchange):
        return "; ".join(p.name_en or p.name for p in exchange.partners.all())

    def dehydrate_fields(self, exchange):
        return "; ".join(field.code for field in exchange.fields.all())

    def dehydrate_agreement(self, exchange):
        agreement = exchange.agreement
        if agreement is None:
            return ""
        return agreement.reference or agreement.title_en or agreement.title

    def match_rows(self, rows):
        slugs, keys = {}, {}
        for pk, slug, title, host, starts_on in Exchange.objects.values_list(
            "pk", "slug", "title_en", "host_id", "starts_on"
        ).iterator(10_000):
            slugs[slug] = pk
            keys[(normalized(title or ""), host, starts_on)] = pk
        seen = {}
        date = Date()
        for number, row in rows:
            slug = cell_text(row.get("Slug"))
            host, _problem = self.directory.find(cell_text(row.get("Host")))
            try:
                starts_on = date.clean(row.get("Starts on"))
            except ValueError:
                starts_on = None
            key = (normalized(cell_text(row.get("Title"))), host, starts_on)
            for seen_key, header in ((("slug", slug), "Slug"), (key, "Title")):
                if seen_key[1] and seen_key in seen:
                    self.add_error(
                        number,
                        header,
                        _(
                            "Row %(row)s of this file is the same exchange (same "
                            "%(what)s)."
                        )
                        % {
                            "row": seen[seen_key],
                            "what": _("slug")
                            if header == "Slug"
                            else _("title, host and start date"),
                        },
                    )
                seen.setdefault(seen_key, self.line(number))
            if slug in slugs:
                self.matches[number] = slugs[slug]
            elif key in keys:
                self.matches[number] = keys[key]

    def import_relations(self, instance, row):
        errors = {}
        relations = instance._import_relations
        if "Host" in row:
            text = cell_text(row["Host"])
            pk, problem = self.directory.find(text) if text else (None, "")
            if not text:
                problem = _("Give the host institution's identifier or name.")
            if problem:
                errors["Host"] = [problem]
            instance.host_id = pk
        if "Agreement" in row:
            text = cell_text(row["Agreement"])
            instance.agreement_id = None
            if text:
                pk, problem = self.find_agreement(text)
                if problem:
                    errors["Agreement"] = [problem]
                instance.agreement_id = pk
        if "Partners" in row:
            pks, problems = self.find_institutions(row["Partners"])
            if problems:
                errors["Partners"] = problems
            relations["partners"] = pks
        if "Fields of education" in row:
            pks, problems = self.find_fields(row["Fields of education"])
            if problems:
                errors["Fields of education"] = problems
            relations["fields"] = pks
        return errors

    def validate_relations(self, instance):
        partners = instance._import_relations.get("partners") or []
        if instance.host_id and instance.host_id in partners:
            return {
                "Partners": [
                    _("The host institution cannot also be a partner of its exchange.")
                ]
            }
        return {}

    def relations_changed(self, instance):
        relations = instance._import_relations
        for name in ("partners", "fields"):
            if name in relations:
                existing = getattr(instance, name).values_list("pk", flat=True)
                if sorted(existing) != sorted(relations[name]):
                    return True
        return False

    def save_relations(self, instances):
        for name, column_name in (
            ("partners", "institution_id"),
            ("fields", "fieldofeducation_id"),
        ):
            through = getattr(Exchange, name).through
            given = [i for i in instances if name in i._import_relations]
            if not given:
                continue
            through.objects.filter(exchange_id__in=[i.pk for i in given]).delete()
            through.objects.bulk_create(
                [
                    through(exchange_id=instance.pk, **{column_name: pk})
                    for instance in given
                    for pk in instance._import_relations[name]
                ]
            )


# Interest registrations (export only) ----------------------------------------


class InterestResource(resources.Resource):
    """Interest registrations, for export only (they are never imported)."""

    created = column("created", "Received", readonly=True)
    exchange = column("exchange", "Exchange", Related(), readonly=True)
    name = column("name", "Name", readonly=True)
    email = column("email", "E-mail", readonly=True)
    organisation = column("organisation", "Organisation", readonly=True)
    message = column("message", "Message", Text(multiline=True), readonly=True)
    consent = column("consent", "Consent", Boolean(), readonly=True)
    status = column("status", "Status", Choice(Interest.Status), readonly=True)

    class Meta:
        model = Interest

    @classmethod
    def get_display_name(cls):
        return Interest._meta.verbose_name_plural.capitalize()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("exchange")

    def dehydrate_created(self, interest):
        return timezone.localtime(interest.created).strftime("%Y-%m-%d %H:%M")

    def iter_queryset(self, queryset):
        yield from queryset.iterator(chunk_size=2000)


# Running an import outside the admin -----------------------------------------------

RESOURCES = {
    "institutions": InstitutionResource,
    "agreements": AgreementResource,
    "exchanges": ExchangeResource,
}


def guess_model(dataset) -> str:
    """Which records a file holds, from its headers."""
    scores = {}
    for name, resource_class in RESOURCES.items():
        lookup = resource_class.header_lookup()
        headers = {lookup.get(normalized(cell_text(h))) for h in dataset.headers or []}
        headers.discard(None)
        required = set(resource_class.required_headers)
        scores[name] = (len(required & headers), len(headers))
    return max(scores, key=scores.get)


def records_import(
    *,
    data: bytes,
    file_name: str,
    model: str | None = None,
    dry_run: bool = False,
    user=None,
    defaults: dict[str, str] | None = None,
    progress=None,
    progress_every: int = 1000,
) -> tuple[str, results.Result]:
    """Import a CSV or XLSX file's records in bulk, with their history, in
    one transaction that is rolled back on any error (or when ``dry_run``).
    Returns which records (``model``, guessed from the headers when None) and
    the import's result."""
    dataset = format_for(file_name, data).create_dataset(data)
    model = model or guess_model(dataset)
    resource = RESOURCES[model](
        user=user,
        defaults=defaults,
        bulk=True,
        progress=progress,
        progress_every=progress_every,
    )
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            file_name=file_name.rsplit("/", 1)[-1],
        )
    return model, result


def result_errors(result) -> list[tuple[int | None, str, str]]:
    """Every error of an import as (line of the file, column, message)."""
    errors = [(None, "", str(error.error)) for error in result.base_errors]
    for number, row_errors in result.row_errors():
        errors += [(result.line(number), "", str(e.error)) for e in row_errors]
    for row in result.invalid_rows:
        for column_name, messages in row.error_dict.items():
            column_name = "" if column_name == NON_FIELD_ERRORS else column_name
            errors += [(result.line(row.number), column_name, m) for m in messages]
    return sorted(errors, key=lambda error: (error[0] or 0, error[1]))


# The admin ----------------------------------------------------------------------------


def _default_fields(resource_class) -> dict[str, forms.Field]:
    """The import form's fields for values of rows that leave them out."""
    fields = {}
    for key, header in resource_class.default_headers.items():
        if key == "country":
            choices = [("", "---------"), *countries]
        else:
            choices = [
                ("", "---------"),
                *resource_class.fields[key].widget.choices.choices,
            ]
        fields[f"default_{key}"] = forms.ChoiceField(
            label=gettext_lazy("%(column)s for rows without one") % {"column": header},
            choices=choices,
            required=False,
        )
    return fields


class RecordImportForm(ImportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields.update(_default_fields(resources[0]))


class RecordConfirmImportForm(ConfirmImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in ("country", "kind"):
            self.fields[f"default_{key}"] = forms.CharField(
                widget=forms.HiddenInput, required=False
            )


class RecordExportMixin(ExportMixin):
    """The admin export of a changelist's filtered rows to CSV or XLSX, for
    anyone who may view the records."""

    to_encoding = "utf-8-sig"  # so that Excel reads Chinese names right

    def get_export_formats(self):
        return EXPORT_FORMATS

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class RecordImportExportMixin(ImportExportMixin, RecordExportMixin):
    """The admin import (a preview, then "Confirm import") and export. Only
    editors who may add and change every record may import: an editor tied to
    some institutions cannot (an import may touch any record)."""

    import_form_class = RecordImportForm
    confirm_form_class = RecordConfirmImportForm
    import_template_name = "admin/import_export/registry_import.html"
    import_error_display = ("message",)

    def get_import_formats(self):
        return IMPORT_FORMATS

    def has_import_permission(self, request):
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and not scoping.is_scoped(request.user)
        )

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        defaults = {}
        if form is not None and hasattr(form, "cleaned_data"):
            resource_class = self.get_import_resource_classes(request)[0]
            for key, header in resource_class.default_headers.items():
                defaults[header] = form.cleaned_data.get(f"default_{key}", "")
        return {"user": request.user, "defaults": defaults}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            for key in ("country", "kind"):
                initial[f"default_{key}"] = import_form.cleaned_data.get(
                    f"default_{key}", ""
                )
        return initial

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # A row that fails when confirming (the data changed since the
        # preview) rolls the whole file back too.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        resource_class = self.get_import_resource_classes(None)[0]
        context["resource_help"] = resource_class.__doc__
        return context

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnicodeDecodeError):
            form.add_error(
                "import_file",
                _(
                    "This file is not UTF-8 text. In Excel, save it as “CSV UTF-8” "
                    "or as an Excel workbook (.xlsx)."
                ),
            )
        else:
            super().add_data_read_fail_error_to_form(form, e)
