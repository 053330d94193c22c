"""States that follow from dates, and the public() gates, at fixed dates."""

import datetime

import pytest
from django.core.files.base import ContentFile

from cooperation.models import (
    Agreement,
    AgreementDocument,
    Exchange,
    FieldOfEducation,
    Institution,
    Interest,
)
from tests.factories import (
    PDF_BYTES,
    field,
    make_agreement,
    make_exchange,
    make_institution,
)

pytestmark = pytest.mark.django_db

D = datetime.date
ON = D(2027, 6, 15)


def agreement_state(agreement, on=ON):
    return Agreement.objects.with_state(on).get(pk=agreement.pk).state


def exchange_state(exchange, on=ON):
    return Exchange.objects.with_state(on).get(pk=exchange.pk).state


@pytest.mark.parametrize(
    ("valid_from", "expires_on", "state"),
    [
        (D(2027, 7, 1), D(2030, 1, 1), "upcoming"),
        (D(2027, 1, 1), D(2030, 1, 1), "active"),
        (D(2027, 1, 1), None, "active"),  # open-ended
        (D(2027, 6, 15), D(2027, 6, 15), "active"),  # both ends count
        (D(2020, 1, 1), D(2027, 6, 14), "expired"),
    ],
)
def test_signed_agreement_state_follows_dates(valid_from, expires_on, state):
    agreement = make_agreement(
        signed_on=D(2019, 1, 1), valid_from=valid_from, expires_on=expires_on
    )
    assert agreement_state(agreement) == state


@pytest.mark.parametrize("status", ["draft", "negotiation", "terminated"])
def test_staff_set_status_wins_over_dates(status):
    agreement = make_agreement(status=status)
    assert agreement_state(agreement) == status


def test_in_state_and_active_on_select_by_derived_state():
    active = make_agreement(valid_from=D(2027, 1, 1), expires_on=D(2028, 1, 1))
    expired = make_agreement(valid_from=D(2020, 1, 1), expires_on=D(2021, 1, 1))
    assert list(Agreement.objects.active_on(ON)) == [active]
    assert list(Agreement.objects.in_state("expired", ON)) == [expired]


def test_expiring_within_counts_days_from_the_given_date():
    inside = make_agreement(expires_on=ON + datetime.timedelta(days=90))
    make_agreement(expires_on=ON + datetime.timedelta(days=91))
    make_agreement(expires_on=ON - datetime.timedelta(days=1))
    make_agreement(expires_on=None)
    make_agreement(status="draft", expires_on=ON + datetime.timedelta(days=5))
    assert list(Agreement.objects.expiring_within(90, on=ON)) == [inside]


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "deadline", "cancelled", "state"),
    [
        (D(2027, 9, 1), D(2027, 9, 30), None, False, "planned"),
        (D(2027, 9, 1), D(2027, 9, 30), D(2027, 6, 14), False, "planned"),
        (D(2027, 9, 1), D(2027, 9, 30), D(2027, 6, 15), False, "open"),
        (D(2027, 6, 1), D(2027, 6, 30), None, False, "running"),
        (D(2027, 6, 15), None, None, False, "running"),  # a one-day event today
        (D(2027, 6, 1), D(2027, 6, 14), None, False, "completed"),
        (D(2027, 6, 14), None, None, False, "completed"),
        (D(2027, 9, 1), D(2027, 9, 30), D(2027, 7, 1), True, "cancelled"),
    ],
)
def test_exchange_state_follows_dates(starts_on, ends_on, deadline, cancelled, state):
    exchange = make_exchange(
        starts_on=starts_on,
        ends_on=ends_on,
        application_deadline=deadline,
        cancelled=cancelled,
    )
    assert exchange_state(exchange) == state


def test_open_for_applications_and_upcoming():
    open_ = make_exchange(
        starts_on=D(2027, 9, 1), ends_on=None, application_deadline=D(2027, 7, 1)
    )
    planned = make_exchange(starts_on=D(2027, 9, 1), ends_on=None)
    make_exchange(starts_on=D(2027, 1, 1), ends_on=None)
    make_exchange(starts_on=D(2027, 9, 1), ends_on=None, cancelled=True)
    assert list(Exchange.objects.open_for_applications(ON)) == [open_]
    assert set(Exchange.objects.upcoming(ON)) == {open_, planned}


def test_public_institutions_are_the_published_ones():
    shown = make_institution(published=True)
    make_institution(published=False)
    assert list(Institution.objects.public()) == [shown]


def test_public_agreements_are_published_and_signed_or_terminated():
    signed = make_agreement(published=True)
    terminated = make_agreement(published=True, status="terminated")
    make_agreement(published=False)
    make_agreement(published=True, status="draft", signed_on=None, valid_from=None)
    make_agreement(published=True, status="negotiation")
    assert set(Agreement.objects.public()) == {signed, terminated}


def test_public_exchanges_need_a_published_host():
    shown = make_exchange(published=True)
    make_exchange(published=False)
    make_exchange(published=True, host=make_institution(published=False))
    assert list(Exchange.objects.public()) == [shown]


def test_under_a_broad_field_finds_every_narrower_field():
    codes = set(FieldOfEducation.objects.under("02").values_list("code", flat=True))
    assert {"02", "021", "0215", "023", "0232"} <= codes
    assert not any(not code.startswith("02") for code in codes)


def test_exchange_filter_by_broad_field_finds_detailed_field():
    music = make_exchange(fields_of_education=[field("0215")])
    make_exchange(fields_of_education=[field("0915")])
    found = Exchange.objects.filter(
        fields__in=FieldOfEducation.objects.under("02")
    ).distinct()
    assert list(found) == [music]


def test_public_documents_are_public_ones_of_public_agreements():

    def document(agreement, public):
        return AgreementDocument.objects.create(
            agreement=agreement,
            title="Text",
            language="en",
            public=public,
            file=ContentFile(PDF_BYTES, name="text.pdf"),
        )

    shown = make_agreement()
    hidden = make_agreement(published=False)
    visible = document(shown, public=True)
    document(shown, public=False)
    document(hidden, public=True)
    assert list(AgreementDocument.objects.public()) == [visible]


def test_interest_registrations_have_no_public_gate():
    # Never public: no public() a page or the API could call by mistake.
    assert not hasattr(Interest.objects, "public")
