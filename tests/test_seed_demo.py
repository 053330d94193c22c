"""The ``seed_demo`` command: the story, idempotence and valid sample data."""

import copy
import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F
from django.utils import translation

from cooperation.data import DEMO_FILE, demo_records
from cooperation.management.commands import seed_demo
from cooperation.models import (
    Agreement,
    AgreementExchangeKind,
    AgreementParty,
    Exchange,
    Institution,
    Interest,
)
from cooperation.models.institution import IDENTIFIER_FIELDS

TODAY = datetime.date(2025, 6, 16)
RECORD_TYPES = (Institution, Agreement, Exchange)
ALL_MODELS = (*RECORD_TYPES, AgreementParty, AgreementExchangeKind, Interest)


def frozen_on(day: datetime.date):
    moment = datetime.datetime.combine(day, datetime.time(10), ZoneInfo("UTC"))
    return time_machine.travel(moment, tick=False)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def today():
    with frozen_on(TODAY):
        yield TODAY


@pytest.fixture(scope="class")
def demo_data(django_db_setup, django_db_blocker):
    """The command's output, loaded once per test class (a load takes seconds)
    inside a transaction rolled back after the class; each test still runs
    in its own savepoint."""
    with django_db_blocker.unblock(), frozen_on(TODAY), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo_data, db, today):
    """The shared load, for tests in a class."""
    return demo_data


@pytest.fixture
def loaded(db, today):
    """A load of its own, for tests that change the data."""
    return seed()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def history_counts() -> dict[str, int]:
    return {
        model.__name__: model.history.count()
        for model in (*RECORD_TYPES, AgreementParty, AgreementExchangeKind)
    }


# --- idempotence and --if-empty --------------------------------------------------


def test_second_run_creates_and_changes_nothing(loaded):
    before = counts(), history_counts()
    updated = {
        model.__name__: sorted(model.objects.values_list("slug", "updated"))
        for model in RECORD_TYPES
    }

    output = seed()

    assert (counts(), history_counts()) == before
    assert {
        model.__name__: sorted(model.objects.values_list("slug", "updated"))
        for model in RECORD_TYPES
    } == updated
    assert "(0 records created, 0 changed)" in output


def test_run_on_a_later_day_moves_dates_without_duplicating(loaded):
    before = counts()
    conference = Exchange.objects.get(
        slug="world-vocational-technical-education-conference-tianjin"
    )

    with frozen_on(TODAY + datetime.timedelta(days=30)):
        seed()

    assert counts() == before
    conference.refresh_from_db()
    assert conference.starts_on == TODAY + datetime.timedelta(days=30 + 130)


def test_summary_is_one_line_with_the_counts(loaded):
    lines = loaded.strip().splitlines()

    assert len(lines) == 1
    assert f"{Institution.objects.count()} institutions" in lines[0]
    assert f"{Agreement.objects.count()} agreements" in lines[0]
    assert f"{Exchange.objects.count()} exchanges" in lines[0]


@pytest.mark.django_db
def test_untranslated_columns_hold_english_whatever_language_is_active(today):
    with translation.override("fr"):
        seed()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, name_fr FROM cooperation_institution WHERE slug = %s",
            ["shanghai-conservatory-of-music"],
        )
        row = cursor.fetchone()
    assert row == (
        "Shanghai Conservatory of Music",
        "Conservatoire de musique de Shanghai",
    )


@pytest.mark.django_db
def test_if_empty_loads_into_an_empty_database(today):
    seed("--if-empty")

    assert Institution.objects.count() >= 20


@pytest.mark.django_db
def test_if_empty_skips_when_an_institution_exists(today):
    Institution.objects.create(name="Existing", kind="school", country="BE")

    output = seed("--if-empty")

    assert Institution.objects.count() == 1
    assert not Agreement.objects.exists()
    assert not Exchange.objects.exists()
    assert len(output.strip().splitlines()) == 1


@pytest.mark.django_db
def test_an_exchange_breaking_the_institution_rules_stops_the_load(monkeypatch):
    records = copy.deepcopy(demo_records())
    exchange = next(e for e in records["exchanges"] if e.get("agreement"))
    exchange["partners"] = [*exchange["partners"], exchange["host"]]
    monkeypatch.setattr(seed_demo, "demo_records", lambda: records)

    with pytest.raises(CommandError) as refused:
        seed()

    assert exchange["slug"] in str(refused.value)
    assert "cannot also be a partner" in str(refused.value)
    assert not Exchange.objects.exists()


# --- identifiers -----------------------------------------------------------------

# Erasmus codes that earlier demo data gave to VIVES, HEPL and Institut Paul
# Bocuse: in the Commission's list they are other institutions' codes.
OTHER_INSTITUTIONS_CODES = ("B  KORTRIJ03", "B  LIEGE42", "F  LYON121")


def test_demo_data_carries_no_identifier_and_none_of_the_wrong_codes():
    text = DEMO_FILE.read_text(encoding="utf-8")
    for code in OTHER_INSTITUTIONS_CODES:
        assert code not in text
        assert " ".join(code.split()) not in text
    for entry in demo_records()["institutions"]:
        assert not set(IDENTIFIER_FIELDS) & set(entry), entry["slug"]


@pytest.mark.django_db
def test_a_run_clears_the_codes_an_earlier_load_gave(today):
    seed()
    Institution.objects.filter(slug="institut-paul-bocuse").update(
        erasmus_code="F  LYON121"
    )
    Institution.objects.filter(slug="ap-university-antwerp").update(schac_code="ap.be")

    seed()

    for field in IDENTIFIER_FIELDS:
        assert not Institution.objects.exclude(**{field: ""}).exists(), field


class TestDemoData:
    """Read-only checks of the loaded data; they share one load (see
    ``demo_data``)."""

    # --- the story ------------------------------------------------------------

    def test_story_mou_is_signed_online_with_the_ambassador_as_witness(self, seeded):
        mou = Agreement.objects.get(slug="shcm-ap-mou-musical-talent")

        assert mou.kind == Agreement.Kind.MOU
        assert mou.status == Agreement.Status.SIGNED
        assert mou.signing_mode == Agreement.SigningMode.ONLINE
        roles = {party.institution.slug: party.role for party in mou.parties.all()}
        assert roles == {
            "ap-university-antwerp": "signatory",
            "shanghai-conservatory-of-music": "signatory",
            "embassy-of-china-in-belgium": "witness",
        }
        witness = mou.parties.get(role=AgreementParty.Role.WITNESS)
        assert witness.signatory_title == "Ambassador to Belgium"
        assert witness.institution.kind == Institution.Kind.GOVERNMENT

    def test_story_letter_of_intent_is_signed_online_on_the_same_day(self, seeded):
        mou = Agreement.objects.get(slug="shcm-ap-mou-musical-talent")
        letter = Agreement.objects.get(
            slug="hvust-ap-letter-of-intent-vocational-education"
        )

        assert letter.kind == Agreement.Kind.LETTER_OF_INTENT
        assert letter.status == Agreement.Status.SIGNED
        assert letter.signing_mode == Agreement.SigningMode.ONLINE
        assert letter.signed_on == mou.signed_on
        assert set(letter.parties.values_list("institution__slug", "role")) == {
            ("ap-university-antwerp", "signatory"),
            ("hainan-vocational-university", "signatory"),
            ("embassy-of-china-in-belgium", "witness"),
        }

    def test_story_institutions_have_official_names_and_places(self, seeded):
        ap = Institution.objects.get(slug="ap-university-antwerp")
        shcm = Institution.objects.get(slug="shanghai-conservatory-of-music")
        hvust = Institution.objects.get(slug="hainan-vocational-university")

        assert ap.official_name == "AP Hogeschool Antwerpen"
        assert (ap.country.code, ap.region, ap.city) == ("BE", "Flanders", "Antwerp")
        assert shcm.official_name == shcm.name_zh_hans == "上海音乐学院"
        assert shcm.kind == Institution.Kind.CONSERVATORY
        assert hvust.official_name == "海南科技职业大学"
        assert (hvust.region, hvust.city) == ("Hainan", "Haikou")

    def test_story_exchanges_implement_both_agreements(self, seeded):
        def kinds(slug):
            return set(
                Exchange.objects.filter(agreement__slug=slug).values_list(
                    "kind", flat=True
                )
            )

        assert kinds("shcm-ap-mou-musical-talent") >= {
            "teacher",
            "student",
            "performance",
            "study_abroad",
            "competition",
        }
        assert kinds("hvust-ap-letter-of-intent-vocational-education") >= {
            "rehabilitation",
            "internship",
            "forum",
        }

    def test_most_titles_are_translated(self, seeded):
        exchanges = Exchange.objects.all()
        translated = exchanges.exclude(title_zh_hans=None).exclude(title_nl=None)

        assert translated.exclude(title_fr=None).count() >= 0.8 * exchanges.count()

    def test_no_demo_institution_carries_an_identifier(self, seeded):
        # Unchecked identifiers made an import of the Commission's list
        # rename demo records into other institutions (issue 8).
        for field in IDENTIFIER_FIELDS:
            assert not Institution.objects.exclude(**{field: ""}).exists(), field

    # --- sample flag and publication ------------------------------------------

    def test_every_record_is_sample_with_an_explicit_slug(self, seeded):
        for model in RECORD_TYPES:
            assert model.objects.exists()
            assert not model.objects.filter(is_sample=False).exists()
            assert not model.objects.filter(slug="").exists()

    def test_exactly_one_unpublished_record_per_type(self, seeded):
        for model in RECORD_TYPES:
            assert model.objects.filter(published=False).count() == 1, model.__name__
        assert Agreement.objects.get(published=False).status == Agreement.Status.DRAFT

    def test_unpublished_institution_hosts_no_published_exchange(self, seeded):
        draft = Institution.objects.get(published=False)

        assert not draft.hosted_exchanges.filter(published=True).exists()
        assert not draft.partner_exchanges.filter(published=True).exists()
        assert not draft.agreement_parties.filter(agreement__published=True).exists()

    def test_some_interest_registrations_are_new_and_consented(self, seeded):
        interests = Interest.objects.all()

        assert interests.count() >= 3
        assert set(interests.values_list("status", "consent")) == {("new", True)}

    # --- agreements -----------------------------------------------------------

    def test_one_agreement_has_expired_and_one_expires_within_90_days(self, seeded):
        assert Agreement.objects.in_state(Agreement.State.EXPIRED).exists()
        assert Agreement.objects.expiring_within(90).count() == 1

    def test_agreement_states_and_kinds_cover_the_range(self, seeded):
        states = set(Agreement.objects.with_state().values_list("state", flat=True))

        assert states == set(Agreement.State.values)
        assert set(Agreement.objects.values_list("kind", flat=True)) == set(
            Agreement.Kind.values
        )
        assert Agreement.objects.filter(status="signed", expires_on=None).exists()
        assert Agreement.objects.filter(status=Agreement.Status.NEGOTIATION).exists()

    def test_an_agreement_renews_the_expired_one(self, seeded):
        renewal = Agreement.objects.get(lineage=Agreement.Lineage.RENEWS)

        expired = Agreement.objects.in_state(Agreement.State.EXPIRED)
        assert expired.filter(pk=renewal.predecessor_id).exists()
        assert renewal.lineage_chain == [renewal.predecessor]

    def test_signed_agreements_have_two_or_more_parties(self, seeded):
        for agreement in Agreement.objects.exclude(status__in=["draft", "negotiation"]):
            assert agreement.parties.count() >= 2, agreement.slug

    def test_some_agreements_set_places_per_year(self, seeded):
        assert AgreementExchangeKind.objects.filter(places_per_year__gt=0).count() >= 5

    # --- exchanges ------------------------------------------------------------

    def test_every_exchange_kind_appears(self, seeded):
        kinds = set(Exchange.objects.values_list("kind", flat=True))

        assert kinds == set(Exchange.Kind.values)

    def test_every_exchange_state_and_mode_appears(self, seeded):
        states = set(Exchange.objects.with_state().values_list("state", flat=True))

        assert states == set(Exchange.State.values)
        assert set(Exchange.objects.values_list("mode", flat=True)) == set(
            Exchange.Mode.values
        )

    def test_several_exchanges_are_open_for_applications(self, seeded):
        assert (
            Exchange.objects.open_for_applications().filter(published=True).count() >= 5
        )

    def test_host_is_never_among_the_partners(self, seeded):
        assert not Exchange.objects.filter(partners=F("host")).exists()

    def test_exchanges_carry_fields_of_education_by_isced_code(self, seeded):
        codes = set(Exchange.objects.values_list("fields__code", flat=True))

        assert {"0215", "0915", "0811", "1015", "0713", "0714", "1013"} <= codes

    def test_luban_workshop_is_a_training_centre_under_a_college(self, seeded):
        workshop = Institution.objects.get(slug="luban-workshop-thailand")

        assert workshop.kind == Institution.Kind.TRAINING_CENTRE
        assert workshop.parent.kind == Institution.Kind.SCHOOL

    def test_institution_kinds_cover_the_range(self, seeded):
        kinds = set(Institution.objects.values_list("kind", flat=True))

        assert kinds == set(Institution.Kind.values)

    # --- validity -------------------------------------------------------------

    def test_every_saved_record_passes_full_clean(self, seeded):
        for model in ALL_MODELS:
            for obj in model.objects.all():
                obj.full_clean()
