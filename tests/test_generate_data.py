"""The ``generate_data`` command: sizes, published and valid data in four
languages, every state, re-runs that replace, records it did not generate
left alone, the schema's indexes unchanged, and --database-url."""

import json
from io import StringIO

import dj_database_url
import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import F

from cooperation.models import (
    Agreement,
    AgreementParty,
    Exchange,
    FieldOfEducation,
    Institution,
)
from tests import factories

SIZES = {"exchanges": 300, "institutions": 60, "agreements": 40}
# Enough for the tests that need no statistics (each run has a fixed cost).
SMALL = {"exchanges": 20, "institutions": 6, "agreements": 3}
ISCED = settings.BASE_DIR / "cooperation" / "data" / "isced_f_2013.json"


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_data", **{**SIZES, **options}, stdout=out, stderr=StringIO())
    return out.getvalue()


def generated(model):
    return model.objects.filter(is_sample=True, slug__startswith="gen-")


def counts() -> dict[str, int]:
    return {
        "institutions": generated(Institution).count(),
        "agreements": generated(Agreement).count(),
        "exchanges": generated(Exchange).count(),
        "parties": AgreementParty.objects.filter(
            agreement__slug__startswith="gen-"
        ).count(),
        "partners": Exchange.partners.through.objects.filter(
            exchange__slug__startswith="gen-"
        ).count(),
        "fields": Exchange.fields.through.objects.filter(
            exchange__slug__startswith="gen-"
        ).count(),
    }


def schema() -> set[tuple[str, str]]:
    """Every index and constraint of the schema, with its definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() "
            "UNION ALL "
            "SELECT conrelid::regclass || '.' || conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"
        )
        return set(cursor.fetchall())


@pytest.fixture(scope="class")
def load(django_db_setup, django_db_blocker):
    """One run, shared by the tests of a class, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate()
        transaction.set_rollback(True)


@pytest.fixture
def loaded(load, db):
    return load


@pytest.mark.usefixtures("loaded")
class TestOneRun:
    def test_sizes_are_as_asked(self, loaded):
        found = counts()

        assert {name: found[name] for name in SIZES} == SIZES
        assert (
            f"Generated 60 institutions, 40 agreements ({found['parties']} parties), "
            f"300 exchanges ({found['partners']} partner links, {found['fields']} "
            "fields)" in loaded
        )

    def test_institutions_and_exchanges_are_all_public(self):
        assert generated(Institution).public().count() == 60
        assert generated(Exchange).public().count() == 300

    def test_agreements_are_public_unless_draft_or_in_negotiation(self):
        agreements = generated(Agreement)
        hidden = agreements.exclude(pk__in=agreements.public())

        assert agreements.public().count() >= 30
        assert set(hidden.values_list("status", flat=True)) <= {"draft", "negotiation"}
        assert not hidden.filter(published=True).exists()

    def test_names_and_titles_are_in_four_languages(self):
        for model, field in ((Institution, "name"), (Exchange, "title")):
            records = generated(model)
            assert not records.filter(**{f"{field}_en": ""}).exists()
            assert not records.filter(**{f"{field}_zh_hans__isnull": True}).exists()
            for language in ("nl", "fr"):
                assert records.filter(**{f"{field}_{language}__isnull": False})
        assert generated(Agreement).filter(title_nl__isnull=False).exists()
        assert generated(Agreement).filter(title_fr__isnull=False).exists()

    def test_every_derived_state_occurs(self):
        states = set(generated(Exchange).with_state().values_list("state", flat=True))

        assert states == set(Exchange.State.values)

    def test_agreement_states_are_mostly_signed(self):
        states = list(generated(Agreement).with_state().values_list("state", flat=True))

        assert {"active", "expired"} <= set(states)
        signed = sum(state in ("upcoming", "active", "expired") for state in states)
        assert signed > len(states) / 2

    def test_agreements_have_two_parties_or_more(self):
        agreements = generated(Agreement)
        parties = AgreementParty.objects.filter(agreement__in=agreements)

        assert {
            parties.filter(agreement=agreement).count() >= 2 for agreement in agreements
        } == {True}
        assert parties.filter(institution__in=generated(Institution)).count() == (
            parties.count()
        )

    def test_partners_exist_and_are_never_the_host(self):
        links = Exchange.partners.through.objects.filter(
            exchange__in=generated(Exchange)
        )

        assert links.count() > 100
        assert not links.filter(institution=F("exchange__host")).exists()

    def test_fields_are_real_detailed_isced_codes(self):
        codes = {
            entry["code"]
            for entry in json.loads(ISCED.read_text())
            if entry["level"] == "detailed"
        }
        used = FieldOfEducation.objects.filter(
            exchanges__in=generated(Exchange)
        ).values_list("code", flat=True)

        assert set(used)
        assert set(used) <= codes
        assert not generated(Exchange).filter(fields=None).exists()

    def test_records_pass_model_validation(self):
        for model in (Institution, Agreement, Exchange):
            for record in generated(model).order_by("pk")[:8]:
                record.full_clean()

    def test_no_change_history_is_written(self):
        for model in (Institution, Agreement, Exchange):
            assert not model.history.filter(slug__startswith="gen-").exists()

    def test_slugs_are_unique_and_marked(self):
        slugs = list(generated(Exchange).values_list("slug", flat=True))

        assert len(set(slugs)) == 300
        assert all(slug.startswith("gen-") for slug in slugs)


# --- re-runs ---------------------------------------------------------------------


def test_second_run_replaces_rather_than_adds(db):
    generate()
    first = counts()
    titles = sorted(generated(Exchange).values_list("slug", "title_en"))

    generate()

    assert counts() == first
    assert sorted(generated(Exchange).values_list("slug", "title_en")) == titles


def test_smaller_run_leaves_only_the_new_size(db):
    generate(exchanges=40, institutions=8, agreements=5)

    generate(**SMALL)

    assert {name: counts()[name] for name in SIZES} == SMALL


def test_another_seed_makes_other_data(db):
    generate(**SMALL, seed=1)
    first = sorted(generated(Exchange).values_list("title_en", flat=True))

    generate(**SMALL, seed=2)

    assert sorted(generated(Exchange).values_list("title_en", flat=True)) != first


def test_records_not_generated_survive(db):
    host = factories.make_institution(name="AP Hogeschool")
    partner = factories.make_institution(name="Shanghai Conservatory")
    exchange = factories.make_exchange(host=host, partners=[partner])
    agreement = factories.make_agreement(parties=[host, partner])
    stamps = {
        obj: type(obj).objects.values_list("updated", flat=True).get(pk=obj.pk)
        for obj in (host, partner, exchange, agreement)
    }

    generate(**SMALL)
    generate(exchanges=0, institutions=0, agreements=0)

    for obj, updated in stamps.items():
        assert type(obj).objects.values_list("updated", flat=True).get(pk=obj.pk) == (
            updated
        )
    assert list(exchange.partners.all()) == [partner]
    assert agreement.parties.count() == 2
    assert counts() == dict.fromkeys(counts(), 0)


def test_refuses_to_delete_what_other_records_refer_to(db):
    generate(**SMALL)
    generated_host = generated(Institution).first()
    mine = factories.make_exchange(host=generated_host)

    with pytest.raises(CommandError, match="refer to generated ones"):
        generate(**SMALL)

    assert Exchange.objects.filter(pk=mine.pk).exists()
    assert generated(Exchange).count() == SMALL["exchanges"]


def test_indexes_and_constraints_are_the_same_after_a_run(db):
    before = schema()

    generate(**SMALL)

    assert schema() == before


def test_what_an_interrupted_run_left_dropped_is_restored(db):
    before = schema()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX exchange_search_vector_gin")
        cursor.execute(
            "ALTER TABLE cooperation_exchange_partners "
            "DROP CONSTRAINT cooperation_exchange_institution_id_1d2714b2_fk_cooperati"
        )

    generate(**SMALL)

    assert schema() == before


def test_sizes_are_checked(db):
    with pytest.raises(CommandError, match="at least 2 institutions"):
        generate(institutions=1)


def test_quiet_with_verbosity_zero(db):
    out, err = StringIO(), StringIO()

    call_command("generate_data", **SMALL, verbosity=0, stdout=out, stderr=err)

    assert out.getvalue() == err.getvalue() == ""


def test_progress_bar_on_stderr(db):
    err = StringIO()

    call_command("generate_data", **SMALL, stdout=StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == [
        "clear",
        "institutions",
        "agreements",
        "exchanges",
        "indexes",
        "constraints",
        "analyze",
    ]
    assert all("#" * 30 in line for line in lines)


# --- another database, several connections ---------------------------------------


@pytest.fixture
def own_url(db):
    """The test database's URL. What the command commits there through it
    (the test's own transaction sees it) is deleted after the test, the
    same way; the test must not touch the tables through Django's
    connection meanwhile (its locks would stop the command)."""
    params = connection.settings_dict
    url = (
        f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST']}"
        f":{params['PORT'] or 5432}/{params['NAME']}"
    )
    yield url
    generate(database_url=url, exchanges=0, institutions=0, agreements=0)


def committed_counts(url: str) -> dict[str, int]:
    """Generated rows and published ones, through a connection of its own."""
    params = dj_database_url.parse(url)
    with (
        psycopg2.connect(
            dbname=params["NAME"],
            user=params["USER"],
            password=params["PASSWORD"],
            host=params["HOST"],
            port=params["PORT"],
        ) as own,
        own.cursor() as cursor,
    ):
        found = {}
        for name, table in [
            ("institutions", "cooperation_institution"),
            ("agreements", "cooperation_agreement"),
            ("exchanges", "cooperation_exchange"),
        ]:
            cursor.execute(
                f"SELECT count(*), count(*) FILTER (WHERE published) FROM {table} "
                "WHERE is_sample AND slug LIKE 'gen-%%'"
            )
            found[name], found[f"published {name}"] = cursor.fetchone()
        own.rollback()
    return found


def test_database_url_and_parallel_connections(own_url):
    before = schema()

    generate(**SMALL, database_url=own_url, jobs=2)
    generate(**SMALL, database_url=own_url, jobs=2)

    found = committed_counts(own_url)
    assert {name: found[name] for name in SMALL} == SMALL
    assert found["published exchanges"] == SMALL["exchanges"]
    assert found["published institutions"] == SMALL["institutions"]
    assert schema() == before


def test_columns_kept_by_triggers_are_what_the_triggers_make(db):
    """The load computes them itself and skips the triggers: touching the
    host makes the triggers compute them again, and nothing changes."""
    generate(**SMALL)
    exchanges = generated(Exchange).order_by("pk")
    columns = [field.attname for field in Exchange._meta.concrete_fields]
    before = list(exchanges.values_list(*columns))
    assert all(row[columns.index("field_codes")] for row in before)
    # Wrong values the triggers must put right (they run on a host change).
    exchanges.update(countries=[], institutions=[], field_codes=[])

    exchanges.update(host_id=F("host_id"))

    assert list(exchanges.values_list(*columns)) == before
