"""How an import writes (cooperation/transfer/writing.py, issue 8 §5):
what a row changes reaches every column that holds it, the GIN indexes are
left without pending entries, and likely duplicates are looked for where
they can be."""

import pytest
from django.db import connection, transaction

from cooperation.models import Institution
from cooperation.models.institution import Probe
from cooperation.transfer import records_import
from cooperation.transfer.writing import merge_pending_entries
from tests.factories import make_institution

pytestmark = pytest.mark.django_db


def stored(pk: int, column: str):
    """A column as the database holds it (modeltranslation reads a
    translated field in the active language)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM cooperation_institution WHERE id = %s", [pk]
        )
        return cursor.fetchone()[0]


def test_a_changed_translation_updates_the_translated_fields_column():
    record = make_institution(
        name="Hogeschool Gent",
        erasmus_code="B  GENT25",
        description="Old text.",
        country="BE",
    )
    assert stored(record.pk, "description") == "Old text."
    content = (
        b"Erasmus code,Name,Country,Kind,Description\n"
        b"B  GENT25,Hogeschool Gent,BE,university,New text.\n"
    )

    _model, result = records_import(data=content, file_name="list.csv", replace=True)

    assert result.totals["update"] == 1
    assert stored(record.pk, "description_en") == "New text."
    assert stored(record.pk, "description") == "New text."
    # Read back, the row is unchanged now.
    _model, again = records_import(data=content, file_name="list.csv", replace=True)
    assert (again.totals["update"], again.unchanged()) == (0, 1)


def pending_entries(index: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        cursor.execute("SELECT pending_tuples FROM pgstatginindex(%s)", [index])
        return cursor.fetchone()[0]


def test_an_import_leaves_no_pending_entries_in_the_name_indexes():
    rows = b"".join(
        f"Hogeschool {number},BE,university,Gent\n".encode() for number in range(300)
    )

    _model, result = records_import(
        data=b"Name,Country,Kind,City\n" + rows, file_name="list.csv"
    )

    assert result.totals["new"] == 300
    for index in ("institution_names_trgm", "institution_name_keys"):
        assert pending_entries(index) == 0
    # A record saved one by one waits in the pending list (fastupdate).
    make_institution(name="Hogeschool Brugge")
    assert pending_entries("institution_names_trgm") > 0


def test_merging_is_left_to_vacuum_when_the_user_does_not_own_the_table():
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN CREATE ROLE coop_reader; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        cursor.execute("GRANT SELECT ON cooperation_institution TO coop_reader")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL ROLE coop_reader")
        merge_pending_entries(Institution)  # no error
        transaction.set_rollback(True)


def test_a_website_is_a_duplicate_in_a_country_without_institutions():
    ghent = make_institution(
        name="Universiteit Gent", country="BE", website="https://www.ugent.be/"
    )

    found = Institution.objects.duplicates_of(
        [
            Probe(names=["Ghent University"], country="NL", website="ugent.be"),
            Probe(names=["Universiteit Gent"], country="NL"),
            Probe(names=["Universiteit Gent"], country="BE"),
        ]
    )

    assert found == {0: {ghent.pk: 1.0}, 2: {ghent.pk: 1.0}}
