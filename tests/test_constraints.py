"""Every rule the database holds: written around the forms, refused by PostgreSQL."""

import datetime
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction

from cooperation.models import (
    Agreement,
    AgreementExchangeKind,
    AgreementParty,
    FieldOfEducation,
    Institution,
    Interest,
)
from tests.factories import make_agreement, make_exchange, make_institution

pytestmark = pytest.mark.django_db


@contextmanager
def refused_by(constraint: str):
    """The block must fail in the database, naming ``constraint``."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        yield


def test_exchange_cannot_end_before_it_starts():
    exchange = make_exchange()
    with refused_by("exchange_ends_after_start"):
        type(exchange).objects.filter(pk=exchange.pk).update(
            ends_on=exchange.starts_on - datetime.timedelta(days=1)
        )


def test_exchange_deadline_cannot_be_after_start():
    exchange = make_exchange()
    with refused_by("exchange_deadline_before_start"):
        type(exchange).objects.filter(pk=exchange.pk).update(
            application_deadline=exchange.starts_on + datetime.timedelta(days=1)
        )


@pytest.mark.parametrize("column", ["places", "participants"])
def test_exchange_counts_cannot_be_negative(column):
    exchange = make_exchange()
    with refused_by(f"cooperation_exchange_{column}_check"):
        type(exchange).objects.filter(pk=exchange.pk).update(**{column: -1})


def test_agreement_cannot_expire_before_it_starts():
    agreement = make_agreement()
    with refused_by("agreement_expires_after_start"):
        Agreement.objects.filter(pk=agreement.pk).update(
            expires_on=agreement.valid_from - datetime.timedelta(days=1)
        )


def test_signed_agreement_needs_its_dates():
    with refused_by("agreement_signed_has_dates"):
        make_agreement(status=Agreement.Status.SIGNED, signed_on=None)


def test_draft_agreement_may_have_no_dates():
    draft = make_agreement(
        status=Agreement.Status.DRAFT, signed_on=None, valid_from=None, expires_on=None
    )
    assert draft.pk


def test_notice_period_cannot_be_negative():
    agreement = make_agreement()
    with refused_by("notice_period_days_check"):
        Agreement.objects.filter(pk=agreement.pk).update(notice_period_days=-30)


def test_agreement_reference_is_unique_when_given():
    make_agreement(reference="AP-2026-001")
    make_agreement(reference="")
    make_agreement(reference="")  # blank references never clash
    with refused_by("agreement_unique_reference"):
        make_agreement(reference="AP-2026-001")


def test_agreement_lineage_needs_both_parts():
    earlier = make_agreement()
    with refused_by("agreement_lineage_complete"):
        make_agreement(predecessor=earlier, lineage="")
    with refused_by("agreement_lineage_complete"):
        make_agreement(lineage=Agreement.Lineage.RENEWS)


def test_agreement_cannot_follow_itself():
    agreement = make_agreement()
    with refused_by("agreement_not_own_predecessor"):
        Agreement.objects.filter(pk=agreement.pk).update(
            predecessor=agreement, lineage="renews"
        )


def test_one_party_entry_per_institution_and_agreement():
    institution = make_institution()
    agreement = make_agreement(parties=[institution])
    with refused_by("agreementparty_one_entry_per_institution"):
        AgreementParty.objects.create(
            agreement=agreement, institution=institution, role="witness"
        )


def test_exchange_kind_listed_once_per_agreement():
    agreement = make_agreement()
    AgreementExchangeKind.objects.create(agreement=agreement, kind="teacher")
    with refused_by("agreementexchangekind_unique_kind"):
        AgreementExchangeKind.objects.create(agreement=agreement, kind="teacher")


def test_quota_cannot_be_negative():
    quota = AgreementExchangeKind.objects.create(
        agreement=make_agreement(), kind="student", places_per_year=4
    )
    with refused_by("cooperation_agreementexchangekind_places_per_year_check"):
        AgreementExchangeKind.objects.filter(pk=quota.pk).update(places_per_year=-1)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("erasmus_code", "B  ANTWERP62"),
        ("schac_code", "ap.be"),
        ("pic", "999876543"),
        ("other_identifier", "4146010001"),
    ],
)
def test_institution_identifiers_are_unique_when_present(column, value):
    make_institution(**{column: value})
    make_institution(**{column: ""})
    make_institution(**{column: ""})  # missing identifiers never clash
    with refused_by(f"institution_unique_{column}"):
        make_institution(**{column: value})


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("erasmus_code", "B  ANTWERP1"),
        ("erasmus_code", "12 ANTWERP01"),
        ("schac_code", "ap_be.be"),
        ("schac_code", "not a domain"),
        ("pic", "12345678"),
        ("pic", "12345678X"),
    ],
)
def test_malformed_identifiers_are_refused(column, value):
    # Saving normalises case and padding first ("b antwerp01" -> "B  ANTWERP01"),
    # so these are malformed whatever their case.
    with refused_by(f"institution_{column}_format"):
        make_institution(**{column: value})


def test_institution_coordinates_come_in_pairs_and_in_range():
    with refused_by("institution_coordinates_valid"):
        make_institution(latitude=51.2, longitude=None)
    with refused_by("institution_coordinates_valid"):
        make_institution(latitude=91, longitude=4.4)


def test_institution_level_only_for_schools():
    make_institution(kind=Institution.Kind.SCHOOL, level="secondary")
    with refused_by("institution_level_only_for_schools"):
        make_institution(kind=Institution.Kind.COMPANY, level="secondary")


@pytest.mark.parametrize("column", ["parent", "successor"])
def test_institution_cannot_point_at_itself(column):
    institution = make_institution()
    with refused_by(f"institution_not_own_{column}"):
        Institution.objects.filter(pk=institution.pk).update(**{column: institution})


def test_institution_year_founded_is_plausible():
    with refused_by("institution_year_founded_plausible"):
        make_institution(year_founded=12)


def test_field_of_education_code_matches_its_level():
    broad = FieldOfEducation.objects.get(code="02")
    with refused_by("fieldofeducation_code_matches_level"):
        FieldOfEducation.objects.create(
            code="0299", level="narrow", parent=broad, name="x", slug="x"
        )
    with refused_by("fieldofeducation_parent_unless_broad"):
        FieldOfEducation.objects.create(code="029", level="narrow", name="y", slug="y")


def test_interest_needs_consent():
    with refused_by("interest_consent_given"):
        Interest.objects.create(
            exchange=make_exchange(), name="A", email="a@example.org", consent=False
        )
