"""Model-level behaviour: validation messages, normalising, slugs, translations,
the ISCED-F list, change history."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from cooperation.models import (
    Agreement,
    AgreementDocument,
    FieldOfEducation,
    Institution,
)
from tests.factories import (
    PDF_BYTES,
    make_agreement,
    make_exchange,
    make_institution,
)

pytestmark = pytest.mark.django_db

DATA = Path(settings.BASE_DIR) / "cooperation" / "data" / "isced_f_2013.json"


def errors_of(record) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    return raised.value.message_dict


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("b antwerp01", "B  ANTWERP01"),
        ("UK LONDON001", "UK LONDON001"),
        ("  F PARIS001 ", "F  PARIS001"),
        ("IRL DUBLIN01", "IRLDUBLIN01"),
    ],
)
def test_erasmus_code_is_normalised(typed, stored):
    institution = Institution(name="X", kind="university", country="BE")
    institution.erasmus_code = typed
    institution.full_clean()
    assert institution.erasmus_code == stored


def test_identifiers_are_normalised_when_saved():
    institution = make_institution(
        erasmus_code="b antwerp62", schac_code="AP.BE.", pic="999 876 543"
    )
    institution.refresh_from_db()
    assert (institution.erasmus_code, institution.schac_code, institution.pic) == (
        "B  ANTWERP62",
        "ap.be",
        "999876543",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("erasmus_code", "ANTWERP", "Enter an Erasmus code"),
        ("schac_code", "not a domain", "Enter a SCHAC code"),
        ("pic", "1234", "exactly 9 digits"),
    ],
)
def test_malformed_identifier_gets_a_message_on_its_field(field, value, message):
    institution = Institution(name="X", kind="university", country="BE")
    setattr(institution, field, value)
    assert message in " ".join(errors_of(institution)[field])


def test_duplicate_identifier_is_named_on_its_field():
    make_institution(pic="999876543")
    twin = Institution(name="Twin", kind="university", country="BE", pic="999876543")
    assert "already has this identifier" in errors_of(twin)["pic"][0]


def test_unknown_country_is_refused():
    institution = Institution(name="X", kind="university", country="XX")
    assert "country" in errors_of(institution)


def test_level_is_refused_for_a_company():
    institution = Institution(name="X", kind="company", country="BE", level="secondary")
    assert "level" in errors_of(institution)


def test_founding_year_in_the_future_is_refused():
    institution = Institution(name="X", kind="school", country="BE", year_founded=3000)
    assert "future" in errors_of(institution)["year_founded"][0]


def test_agreement_expiring_before_it_starts_names_the_field():
    agreement = make_agreement()
    agreement.expires_on = agreement.valid_from - datetime.timedelta(days=1)
    assert "before the start" in errors_of(agreement)["expires_on"][0]


def test_signed_agreement_without_dates_names_the_fields():
    agreement = Agreement(title="T", kind="mou", status="signed")
    errors = errors_of(agreement)
    assert {"signed_on", "valid_from"} <= errors.keys()


def test_exchange_ending_before_it_starts_names_the_field():
    exchange = make_exchange()
    exchange.ends_on = exchange.starts_on - datetime.timedelta(days=1)
    assert "before the start" in errors_of(exchange)["ends_on"][0]


def test_exchange_deadline_after_start_names_the_field():
    exchange = make_exchange()
    exchange.application_deadline = exchange.starts_on + datetime.timedelta(days=1)
    assert "after the start" in errors_of(exchange)["application_deadline"][0]


def test_document_must_be_a_pdf_by_content_not_by_name():
    agreement = make_agreement()
    fake = AgreementDocument(
        agreement=agreement,
        title="Scan",
        language="en",
        file=SimpleUploadedFile("signed.pdf", b"PK\x03\x04 not a pdf"),
    )
    assert "not a PDF" in errors_of(fake)["file"][0]
    real = AgreementDocument(
        agreement=agreement,
        title="Scan",
        language="en",
        file=SimpleUploadedFile("scan.bin", PDF_BYTES),
    )
    real.full_clean()


@override_settings(DOCUMENT_MAX_BYTES=100)
def test_document_size_is_limited():
    document = AgreementDocument(
        agreement=make_agreement(),
        title="Big",
        language="en",
        file=SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 200),
    )
    assert "limit" in errors_of(document)["file"][0]


def test_slug_is_made_from_the_english_name_and_kept_unique():
    first = make_institution(name="Shanghai Conservatory of Music")
    second = make_institution(name="Shanghai Conservatory of Music")
    assert first.slug == "shanghai-conservatory-of-music"
    assert second.slug == "shanghai-conservatory-of-music-2"


def test_translated_name_falls_back_to_english():
    institution = make_institution(
        name_en="Shanghai Conservatory of Music", name_zh_hans="上海音乐学院"
    )
    institution.refresh_from_db()
    with translation.override("zh-hans"):
        assert institution.name == "上海音乐学院"
    with translation.override("nl"):
        assert institution.name == "Shanghai Conservatory of Music"


def test_every_isced_f_code_is_loaded_in_four_languages():
    # The project's data file, checked against ../shared/data when written.
    data = json.loads(DATA.read_text("utf-8"))
    fields = FieldOfEducation.objects.all()
    assert len(fields) == 220
    assert {f.code for f in fields} == {entry["code"] for entry in data}
    for f in fields:
        assert all([f.name_en, f.name_zh_hans, f.name_nl, f.name_fr]), (
            f"{f.code} lacks a label"
        )
        assert f.level == {2: "broad", 3: "narrow", 4: "detailed"}[len(f.code)]
        assert f.parent is None or f.code.startswith(f.parent.code)
    assert FieldOfEducation.objects.get(code="0215").name_zh_hans == "音乐与表演艺术"


def test_changes_are_recorded_in_history():
    exchange = make_exchange(title="Before")
    exchange.title = "After"
    exchange.save()
    titles = [h.title_en for h in exchange.history.order_by("history_date")]
    assert titles == ["Before", "After"]
    assert exchange.history.first().history_type == "~"


def test_exchange_location_defaults_to_the_host():
    host = make_institution(city="Haikou", country="CN")
    exchange = make_exchange(host=host)
    assert (exchange.location_city, exchange.location_country.code) == ("Haikou", "CN")
    exchange.city, exchange.country = "Antwerp", "BE"
    assert (exchange.location_city, exchange.location_country.code) == (
        "Antwerp",
        "BE",
    )


def test_countries_involved_follow_from_host_and_partners():
    exchange = make_exchange(
        host=make_institution(country="BE"),
        partners=[make_institution(country="CN"), make_institution(country="CN")],
    )
    exchange.refresh_from_db()
    assert sorted(exchange.countries) == ["BE", "CN"]


def test_lineage_chain_lists_earlier_agreements_oldest_first():
    first = make_agreement()
    second = make_agreement(predecessor=first, lineage="renews")
    third = make_agreement(predecessor=second, lineage="amends")
    assert third.lineage_chain == [first, second]
