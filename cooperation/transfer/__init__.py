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
* A mapping of the file's columns: when some headers are not recognised,
  the admin asks what each column gives before the preview (the mapping
  step), and ``import_records --map "Legal Name=name,Remarks=ignore"``
  takes the same; the mapping is remembered (``ImportMapping``) for the next
  file with the same headers, and applied in one place for both
  (``RecordResource.decide_columns``).
* Rows are matched to existing records by natural key, so importing a file
  twice updates the records instead of duplicating them (and skips rows that
  change nothing: an export imported again changes nothing). A row never
  turns a record into another institution: one whose identifier belongs to
  an institution of another name is left out (``Conflict``), unless staff
  say in the admin's preview that it is the same institution: it then
  updates the record, its names becoming the record's aliases.
* A row that updates a record fills its empty fields only, unless the
  import is asked to replace the records' values (the admin's import form,
  ``import_records --replace``); a legal name in capitals never replaces a
  record's name (it becomes its official name or an alias).
* Any error in any row (shown by row and column) means nothing is saved.

Imported records are never sample data; "Published" defaults to no.

The modules: ``institutions``, ``agreements``, ``exchanges`` and
``interests`` (one resource per record type, on ``base``); ``cells``
(reading a cell, the file formats), ``directory`` (finding records by
identifier or name), ``writing`` (saving in bulk with history), ``report``
(what an import says when it refuses a file) and ``admin`` (the admin's
import and export screens, mixed into the ModelAdmins of ``staff/``). It
imports the core only, never ``public/`` or ``staff/``.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import results

from ..caching import public_data_changed
from .admin import (
    RecordConfirmImportForm,
    RecordExportMixin,
    RecordImportExportMixin,
    RecordImportForm,
)
from .agreements import AgreementResource
from .base import (
    Conflict,
    MappingError,
    RecordResource,
    Result,
    RowResult,
)
from .cells import (
    CSV,
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    XLSX,
    cell_text,
    format_for,
    header_key,
    normalized,
    parse_country,
)
from .exchanges import ExchangeResource
from .institutions import InstitutionResource
from .interests import InterestResource
from .report import (
    Problem,
    ProblemGroup,
    UnreadableFile,
    group_problems,
    import_problems,
    problems_csv,
    unreadable_message,
)

# Running an import outside the admin ------------------------------------------

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
        headers = {lookup.get(header_key(cell_text(h))) for h in dataset.headers or []}
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
    replace: bool = False,
    mapping: dict[str, str] | None = None,
    progress=None,
    progress_every: int = 1000,
    leave_out_errors: bool = False,
) -> tuple[str, results.Result]:
    """Import a CSV or XLSX file's records in bulk, with their history, in
    one transaction that is rolled back on any error (or when ``dry_run``).
    Rows that update a record fill its empty fields only, unless
    ``replace``. ``mapping`` says what some columns give (a header -> a
    registry column by its header or attribute name, or "ignore"); the rest
    are as a mapping saved for files with these headers says, else as their
    headers are recognised. A mapping given is remembered for the next file
    with these headers, unless ``dry_run``. Returns which records
    (``model``, guessed from the headers when None) and the import's result;
    raises ``UnreadableFile`` for a file that is neither CSV nor XLSX, or
    empty, and ``MappingError`` for a mapping that names a column the file
    lacks or a field the records lack. With ``leave_out_errors``, the rows
    without errors are imported and those with errors left out (a file
    error still saves nothing)."""
    try:
        dataset = format_for(file_name, data).create_dataset(data)
    except Exception as error:
        raise UnreadableFile(unreadable_message(error, data)) from error
    if not dataset.headers:
        raise UnreadableFile(_("The file is empty: it has no header line."))
    model = model or guess_model(dataset)
    resource = RESOURCES[model](
        user=user,
        defaults=defaults,
        bulk=True,
        replace=replace,
        mapping=mapping,
        progress=progress,
        progress_every=progress_every,
    )
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=not leave_out_errors,
            file_name=file_name.rsplit("/", 1)[-1],
        )
        if not dry_run:  # written in bulk, without the records' save()
            public_data_changed()
    for error in result.base_errors:
        if isinstance(error.error, MappingError):
            raise error.error
    if mapping and not dry_run:
        resource.remember_mapping(result.column_mapping, user=user)
    return model, result


def result_errors(result) -> list[tuple[int | None, str, str]]:
    """Every error of an import as (line of the file, column, message), as
    the resources raised them (``import_problems`` is what staff are told)."""
    errors = [(None, "", str(error.error)) for error in result.base_errors]
    for number, row_errors in result.row_errors():
        errors += [(result.line(number), "", str(e.error)) for e in row_errors]
    for row in result.invalid_rows:
        for column_name, messages in row.error_dict.items():
            column_name = "" if column_name == NON_FIELD_ERRORS else column_name
            errors += [(result.line(row.number), column_name, m) for m in messages]
    return sorted(errors, key=lambda error: (error[0] or 0, error[1]))


__all__ = [
    "CSV",
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "RESOURCES",
    "XLSX",
    "AgreementResource",
    "Conflict",
    "Problem",
    "ProblemGroup",
    "UnreadableFile",
    "ExchangeResource",
    "InstitutionResource",
    "InterestResource",
    "MappingError",
    "RecordConfirmImportForm",
    "RecordExportMixin",
    "RecordImportExportMixin",
    "RecordImportForm",
    "RecordResource",
    "Result",
    "RowResult",
    "format_for",
    "group_problems",
    "guess_model",
    "import_problems",
    "normalized",
    "parse_country",
    "problems_csv",
    "records_import",
    "result_errors",
    "unreadable_message",
]
