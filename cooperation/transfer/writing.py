"""Writing many rows at once, with their change history: what Django's
bulk_create() and bulk_update() and simple-history's bulk helpers do, with
less work per value (a large part of the time of a 100,000-row import)."""

import io

from django.contrib.postgres.indexes import GinIndex
from django.db import ProgrammingError, connection, models, transaction
from django.utils import timezone
from modeltranslation.fields import TranslationFieldDescriptor
from psycopg2.extras import execute_values

from ..models.base import derived_by_database


def _columns(model, attnames=None) -> list:
    """The model fields to write (all but the id and those the database
    computes)."""
    return [
        field
        for field in model._meta.concrete_fields
        if not derived_by_database(field)
        and not field.primary_key
        and (attnames is None or field.attname in attnames)
    ]


def _db_values(fields, instances) -> list[list]:
    """The values to write, as Django would convert them: the stored value
    itself where that is what Django would send (text, numbers, dates and
    booleans, which psycopg2 adapts), Django's conversion for the others (a
    translated field's current-language value, a timestamp, a file...)."""
    as_stored = (
        models.CharField,
        models.TextField,
        models.BooleanField,
        models.IntegerField,
        models.DecimalField,
        models.DateField,
    )
    getters = []
    for field in fields:
        plain = isinstance(field, as_stored) and not isinstance(
            field, models.DateTimeField
        )
        descriptor = getattr(field.model, field.attname, None)
        if plain and not isinstance(descriptor, TranslationFieldDescriptor):
            getters.append(lambda obj, name=field.attname: obj.__dict__[name])
        else:
            getters.append(
                lambda obj, field=field: field.get_db_prep_save(
                    field.pre_save(obj, obj.pk is None), connection
                )
            )
    return [[get(obj) for get in getters] for obj in instances]


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).translate(COPY_ESCAPES)


def insert_rows(model, instances) -> None:
    """Add ``instances`` with their ids: ids taken from the table's sequence,
    then the rows sent with COPY (a multi-row INSERT spends twice as long
    having the database parse its values)."""
    fields = [model._meta.pk, *_columns(model)]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
            "FROM generate_series(1, %s)",
            [table, model._meta.pk.column, len(instances)],
        )
        for obj, (pk,) in zip(instances, cursor.fetchall(), strict=True):
            obj.pk = pk
        data = io.StringIO()
        for row in _db_values(fields, instances):
            data.write("\t".join(map(_copy_text, row)) + "\n")
        data.seek(0)
        cursor.cursor.copy_expert(
            f"COPY {quote(table)} ({', '.join(quote(f.column) for f in fields)}) "
            "FROM STDIN",
            data,
        )
    for obj in instances:
        obj._state.adding, obj._state.db = False, connection.alias


def update_rows(model, instances, attnames) -> None:
    """UPDATE the columns ``attnames`` of ``instances`` (1,000 a statement)."""
    fields = _columns(model, attnames)
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    names = ", ".join(["pk", *(quote(f.column) for f in fields)])
    assignments = ", ".join(
        f"{quote(f.column)} = v.{quote(f.column)}::{f.db_type(connection)}"
        for f in fields
    )
    values = _db_values(fields, instances)
    rows = [[obj.pk, *row] for obj, row in zip(instances, values, strict=True)]
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "
            f"FROM (VALUES %s) AS v ({names}) WHERE t.{pk} = v.pk::bigint",
            rows,
            page_size=1000,
        )


def merge_pending_entries(model) -> None:
    """Merge the new entries of ``model``'s GIN indexes, which wait in each
    index's unsorted pending list until a vacuum, into the indexes: after an
    import, a search or a likely-duplicate probe would otherwise scan up to
    4 MB of them. Writing each entry into the index at once
    (``fastupdate`` off) cost a fifth of a large import. Left to the next
    vacuum where the database user does not own the table."""
    quote = connection.ops.quote_name
    for index in model._meta.indexes:
        if not isinstance(index, GinIndex):
            continue
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT gin_clean_pending_list(%s::regclass)", [quote(index.name)]
                )
        except ProgrammingError as error:
            if getattr(error.__cause__, "pgcode", None) != "42501":
                raise  # only "must be owner of index" is expected


def record_history(model, pks, *, history_type: str, user, reason: str) -> None:
    """The change history that saving the records ``pks`` one by one would
    have recorded (simple-history's tracked fields as saved, the user, the
    reason), copied by the database from the saved rows in one statement.
    simple-history's bulk_create_with_history() does the same, but builds a
    Python object per record: half the time of a large import."""
    if not pks:
        return
    history_model = model.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(field.column)
        for field in history_model.tracked_fields
        if not derived_by_database(field)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history_model._meta.db_table)} ({columns}, "
            "history_date, history_change_reason, history_type, history_user_id) "
            f"SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} = ANY(%s) "
            f"ORDER BY {quote(model._meta.pk.column)}",
            [
                timezone.now(),
                reason or None,
                history_type,
                getattr(user, "pk", None),
                list(pks),
            ],
        )
