"""Reading cells: normalising text, countries, the file formats, the widgets
that turn a cell into a value and back, and the column helpers."""

import csv
import datetime
import io
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache

import tablib
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_countries.data import COUNTRIES as ISO_COUNTRY_NAMES
from import_export.declarative import DeclarativeMetaclass
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.widgets import Widget

from .. import languages
from ..spreadsheets import FORMULA_START, defused

LANGUAGES = languages.CODES
# The name of each translated language in the files' headers ("Title
# (Chinese)"), by language code: part of the file format, as exports write
# it, so data rather than the language's (translated) name.
HEADER_NAMES = {"zh-hans": "Chinese", "nl": "Dutch", "fr": "French"}
# More words the import takes for a language in a header, besides its
# header name and its short code ("title cn" for "Title (Chinese)").
HEADER_WORDS = {"zh-hans": ("cn", "chinese simplified")}
if set(HEADER_NAMES) != set(languages.TRANSLATED) or not set(HEADER_WORDS) <= set(
    HEADER_NAMES
):
    raise ImproperlyConfigured(
        "cooperation/transfer/cells.py: HEADER_NAMES names the files' header "
        f"word of {sorted(HEADER_NAMES)}, but the translated languages of "
        f"settings.LANGUAGES are {sorted(languages.TRANSLATED)}."
    )
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


def header_key(value) -> str:
    """A header as the import compares it: ``normalized`` without spaces, so
    that "Website Url", "website_url", "WebsiteURL" and "website-url" are one
    header."""
    return normalized(value).replace(" ", "")


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
    if text[:1] == "'" and FORMULA_START.match(text[1:]):
        text = text[1:]  # an exported value defused (see ``defused``)
    if multiline:
        return "\n".join(line.strip() for line in text.strip().split("\n"))
    return " ".join(text.split())


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def split_list(value) -> list[str]:
    """A cell listing several things: separated by ";", "|" or new lines."""
    return LIST_SEPARATORS.split(cell_text(value, multiline=True))


def country_key(value) -> str:
    """A country name as the import compares it: ``normalized`` without the
    word "the", so that ISO's "Korea (the Republic of)" is also "Korea,
    Republic of" and "Tanzania, United Republic of"; "&" is "and" and "St."
    is "Saint" ("Trinidad & Tobago", "St. Lucia")."""
    words = normalized(str(value).replace("&", " and ")).split()
    return " ".join(
        "saint" if word == "st" else word for word in words if word != "the"
    )


#: Names and codes that are neither ISO 3166 names (short or official, in
#: the four languages) nor ISO codes, by ISO code. (Kosovo, XK, is a country
#: of the settings' ``COUNTRIES_OVERRIDE``.)
COUNTRY_ALIASES = {
    "CN": ("PR China", "People's Republic of China", "中华人民共和国", "中國"),
    "US": ("USA", "United States", "Etats-Unis"),
    # UK and EL: the European Union's codes for the United Kingdom and Greece.
    "GB": (
        "UK",
        "Great Britain",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "Royaume Uni",
    ),
    "GR": ("EL",),
    "NL": ("Holland", "The Netherlands", "Pays Bas"),
    # "Korea, South", "Burma", "Swaziland"…: the CIA World Factbook's names,
    # which lists of institutions use, and former names.
    "KR": ("South Korea", "Korea", "Korea, South", "韩国"),
    "KP": ("North Korea", "Korea, North"),
    "RU": ("Russia",),
    "VN": ("Vietnam",),
    "LA": ("Laos", "Lao PDR"),
    "CZ": ("Czech Republic",),
    "SK": ("Slovak Republic",),
    "KG": ("Kyrgyz Republic",),
    "VA": ("Vatican", "Vatican City State"),
    "TR": ("Turkey",),
    "MM": ("Burma",),
    "MK": ("Macedonia",),
    "CV": ("Cape Verde",),
    "SZ": ("Swaziland",),
    "CG": ("Congo, Republic of the", "Republic of the Congo", "Congo-Brazzaville"),
    "CD": ("DR Congo", "DRC", "Congo-Kinshasa", "Zaire"),
    "CI": ("Ivory Coast",),
    "TL": ("East Timor",),
    "FK": ("Falkland Islands",),
    "VI": ("Virgin Islands", "US Virgin Islands"),
    "VG": ("British Virgin Islands",),
}

#: Countries that no longer exist, as lists may still name them: when each
#: ended and the ISO codes of the countries that followed.
FORMER_COUNTRIES = {
    "Netherlands Antilles": (2010, ("CW", "SX", "BQ")),
    "Serbia and Montenegro": (2006, ("RS", "ME")),
    "Yugoslavia": (1992, ("RS", "ME", "HR", "SI", "BA", "MK", "XK")),
    "Czechoslovakia": (1993, ("CZ", "SK")),
    "Soviet Union": (1991, ("RU", "UA", "BY", "KZ", "…")),
    "USSR": (1991, ("RU", "UA", "BY", "KZ", "…")),
}


@cache
def country_codes() -> dict[str, str]:
    """``country_key`` of country names in the four languages (the names
    the registry shows and ISO 3166's official names), ISO alpha-2, alpha-3
    and numeric codes, and ``COUNTRY_ALIASES`` -> ISO alpha-2 code."""
    lookup = {}
    # ISO's names ("Russian Federation") first, so that the names the
    # registry shows ("Russia") win where a translation of one is another
    # country's name (django-countries' Chinese for "Korea (the Republic
    # of)" is North Korea's).
    for names in (ISO_COUNTRY_NAMES.items(), countries):
        for language in LANGUAGES:
            with translation.override(language):
                for code, name in names:
                    if code in countries:
                        lookup[country_key(name)] = code
    for code, _name in countries:
        lookup[code.casefold()] = code
        if alpha3 := countries.alpha3(code):
            lookup[alpha3.casefold()] = code
        if numeric := countries.numeric(code, padded=True):
            lookup[numeric] = code
    for code, names in COUNTRY_ALIASES.items():
        if code in countries:
            for name in names:
                lookup.setdefault(country_key(name), code)
    return lookup


def parse_country(value) -> str:
    """An ISO code from a code or a name in any of the four languages;
    ValueError when unknown."""
    text = cell_text(value)
    if not text:
        return ""
    key = country_key(text)
    code = country_codes().get(key)
    if code is not None:
        return code
    for name, (year, codes) in FORMER_COUNTRIES.items():
        if country_key(name) == key:
            raise ValueError(
                _(
                    "“%(value)s” no longer exists (since %(year)s): give the "
                    "country the institution is in now (%(codes)s)."
                )
                % {"value": text, "year": year, "codes": ", ".join(codes)}
            )
    raise ValueError(
        _(
            "“%(value)s” is not a country the registry knows. Give its ISO "
            "code (BE, CN) or its name in English, Chinese, Dutch or French."
        )
        % {"value": text}
    )


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


class ExportCSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        return super().export_data(defused(dataset), **kwargs)


class ExportXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        return super().export_data(defused(dataset), **kwargs)


IMPORT_FORMATS = [CSV, XLSX]
EXPORT_FORMATS = [ExportCSV, ExportXLSX]


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

    @property
    def takes(self) -> str:
        """What a cell of the column may hold, as the import page says it."""
        return _("text, on several lines") if self.multiline else _("text")

    def clean(self, value, row=None, **kwargs):
        return cell_text(value, multiline=self.multiline)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class Date(Widget):
    """Date cells, Excel serial numbers and written dates (2026-03-31,
    31/03/2026, 31.03.2026); never month first."""

    takes = gettext_lazy(
        "a date: 2026-03-31, 31/03/2026, 31.03.2026, 2026年3月31日 or a date cell"
    )

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

    takes = gettext_lazy(
        "yes or no (also 1 and 0, true and false, oui and non, ja and nee, 是 and 否)"
    )

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
        raise ValueError(
            _(
                "“%(value)s” is not yes or no. Write yes or no (or 1 and 0, "
                "true and false, oui and non, ja and nee, 是 and 否)."
            )
            % {"value": cell_text(value)}
        )

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

    @property
    def takes(self) -> str:
        return _("one of: %(allowed)s (or its name in another language)") % {
            "allowed": ", ".join(str(label) for label in self.choices.labels)
        }

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
    takes = gettext_lazy(
        "a country: its ISO code (BE), an EU code (EL, UK), XK for Kosovo, or "
        "its short or official name in English, Chinese, Dutch or French"
    )

    def clean(self, value, row=None, **kwargs):
        return parse_country(value)

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


#: What separates the addresses of a cell that gives several.
ADDRESS_SEPARATORS = re.compile(r"[\s;,]+")
#: The admin's rule for a web address without a scheme (https is assumed:
#: ``formfield_overrides`` of cooperation/staff/admin.py, Django 6's default).
WEB_ADDRESS = forms.URLField(assume_scheme="https", required=False)


def web_addresses(value) -> list[str]:
    """The addresses a cell gives: one, or several separated by ";", "," or
    spaces, or a JSON-style list (``["http://a.edu/", "http://b.edu/"]``)."""
    text = cell_text(value, multiline=True)
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    parts = (part.strip("\"'<>") for part in ADDRESS_SEPARATORS.split(text))
    return [part for part in parts if part]


class Website(Widget):
    """A web address: one without a scheme (www.ph-noe.ac.at) is taken as
    https, as in the admin's forms; of several, the first (``note`` says so:
    the joined addresses are never stored)."""

    takes = gettext_lazy(
        "a web address (https is assumed without a scheme); of several, the "
        "first is kept"
    )

    def clean(self, value, row=None, **kwargs):
        addresses = web_addresses(value)
        if not addresses:
            return ""
        try:
            return WEB_ADDRESS.to_python(addresses[0])
        except ValidationError:
            return addresses[0]  # the model's validation says what is wrong

    def note(self, value) -> str:
        """What a row's preview says about the cell, or ""."""
        addresses = web_addresses(value)
        if len(addresses) < 2:
            return ""
        return _(
            "The cell gives several web addresses (%(addresses)s): the first, "
            "%(address)s, is kept as the website."
        ) % {"addresses": ", ".join(addresses), "address": self.clean(value)}

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class Integer(Widget):
    takes = gettext_lazy("a whole number")

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace(" ", "")
        if not text:
            return None
        try:
            return int(Decimal(text))
        except (InvalidOperation, ValueError):
            raise ValueError(
                _("“%(value)s” is not a whole number. Write it in digits, e.g. 1998.")
                % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class Coordinate(Widget):
    """Decimal degrees, rounded to the six places the database keeps; a
    decimal comma is fine."""

    takes = gettext_lazy("decimal degrees, e.g. 51.2194 or -4.4025")

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
                _(
                    "“%(value)s” is not a number of degrees. Write decimal "
                    "degrees, e.g. 51.2194 or -4.4025."
                )
                % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return float(value) if kwargs.get("force_native_type") else str(value)


class Related(Widget):
    """Renders a related record or a related manager's records by name. The
    resource resolves imported names itself (see ``import_relations``);
    ``takes`` says how a cell names them (``INSTITUTION``...)."""

    def __init__(self, takes=""):
        super().__init__()
        self.takes = takes

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if hasattr(value, "all"):
            try:
                return "; ".join(str(item) for item in value.all())
            except ValueError:
                return ""  # a record not saved yet has no related records
        if isinstance(value, list | tuple):
            return "; ".join(str(item) for item in value)
        return str(value)


# Columns ----------------------------------------------------------------------


#: How a cell names related records (``Related``), as the import page says it.
INSTITUTION = gettext_lazy("an institution's identifier (Erasmus code, PIC...) or name")
INSTITUTIONS = gettext_lazy(
    "institutions by identifier or name, separated by “;”, “|” or new lines"
)
FIELDS_OF_EDUCATION = gettext_lazy("ISCED-F codes, e.g. “0215; 0413”")
AGREEMENT = gettext_lazy("an agreement's reference number or title")
#: The help of a column the import does not read.
EXPORTED_ONLY = gettext_lazy("exported only: the import does not read it")


def column(
    attribute,
    header,
    widget=None,
    *,
    aliases=(),
    fallbacks=(),
    readonly=False,
    help_text="",
) -> Field:
    """A column: the model attribute, the header the export writes, more
    headers the import accepts (besides the field's labels), and
    ``fallbacks``: headers of a column read instead where this one is blank
    or missing (a list's "domains" when it gives no website, "alpha_two_code"
    beside "country"). The import page's help on the column is generated
    from these, the widget's ``takes`` and ``help_text`` (``column_help``)."""
    field = Field(
        attribute=attribute,
        column_name=header,
        widget=widget or Text(),
        readonly=readonly,
    )
    field.aliases = aliases
    field.fallbacks = fallbacks
    field.help_text = help_text
    return field


def translated_header(header: str, code: str) -> str:
    """The header of a translated field's column in language ``code``:
    "Title" in the source language, else "Title (Chinese)"."""
    if code == languages.SOURCE:
        return header
    return f"{header} ({HEADER_NAMES[code]})"


class Translated:
    """The columns of a translated field, one per language (``translated``),
    by attribute: what a resource declares as the field
    (``title = translated("title", ...)``) and ``ColumnsMetaclass`` declares
    as its columns."""

    def __init__(self, field: str, columns: dict[str, Field]):
        self.field = field
        self.columns = columns


def translated(
    field, header, *, multiline=False, aliases=(), language_aliases=None
) -> Translated:
    """The columns of translated field ``field``, one for each of the site's
    languages (``languages.CODES``): "Title" (``title_en``, also under
    ``aliases``), "Title (Chinese)" (``title_zh_hans``, also "Chinese title",
    "title zh", "title chinese", the language's ``HEADER_WORDS`` — "title
    cn" — and its ``language_aliases``), "Title (Dutch)", "Title (French)".
    ``language_aliases``: more headers of a translated language's column,
    by language code."""
    language_aliases = language_aliases or {}
    if unknown := set(language_aliases) - set(languages.TRANSLATED):
        raise ImproperlyConfigured(
            f"translated({field!r}): {sorted(unknown)} are not translated "
            f"languages of the site ({', '.join(languages.TRANSLATED)})."
        )
    base = header.lower()
    columns = {}
    for code in languages.CODES:
        if code == languages.SOURCE:
            names = tuple(aliases)
        else:
            language = HEADER_NAMES[code]
            short = languages.suffix(code).split("_")[0]
            names = (
                f"{language} {base}",
                f"{base} {short}",
                f"{base} {language}",
                *(f"{base} {word}" for word in HEADER_WORDS.get(code, ())),
                *language_aliases.get(code, ()),
            )
        attribute = languages.column(field, code)
        columns[attribute] = column(
            attribute,
            translated_header(header, code),
            Text(multiline=multiline),
            aliases=names,
        )
        # What the column holds, for the resources (``field_name``...).
        columns[attribute].translates = field
        columns[attribute].language = code
    return Translated(field, columns)


def source_text(instance, field: str) -> str:
    """``instance``'s translated ``field`` in the source language (as the
    files' "Name" or "Title" column has it), else as modeltranslation
    resolves it."""
    return getattr(instance, languages.column(field, languages.SOURCE)) or getattr(
        instance, field
    )


def translated_headers(header: str) -> tuple[str, ...]:
    """The headers of a translated field's columns, in every language:
    "Name", "Name (Chinese)", "Name (Dutch)", "Name (French)"."""
    return tuple(translated_header(header, code) for code in languages.CODES)


def field_name(field: Field) -> str:
    """The name a column goes by as a model field: its attribute, but the
    translated field for the source language's column of one (``name`` for
    ``name_en``: the field as the admin's forms and messages name it)."""
    if getattr(field, "language", None) == languages.SOURCE:
        return field.translates
    return field.attribute or ""


class ColumnsMetaclass(DeclarativeMetaclass):
    """import-export's resource metaclass, with each ``translated``
    declaration replaced, in its place, by its columns (``title`` by
    ``title_en``, ``title_zh_hans``...) before import-export collects the
    declared fields: the order of the declarations is that of the columns
    in the files."""

    def __new__(cls, name, bases, attrs):
        declared = {}
        for key, value in attrs.items():
            if not isinstance(value, Translated):
                declared[key] = value
                continue
            if key != value.field:
                raise TypeError(
                    f"{name}.{key} declares the columns of {value.field!r}: "
                    f"name it {value.field}."
                )
            for attribute, column_field in value.columns.items():
                if attribute in attrs:
                    raise TypeError(f"{name}.{attribute} is declared twice.")
                declared[attribute] = column_field
        return super().__new__(cls, name, bases, declared)
