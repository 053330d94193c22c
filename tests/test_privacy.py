"""What a visitor tells when registering interest leaves the database with
the registration, however it goes, and the form says when that is."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from cooperation.models import Interest
from cooperation.public.forms import InterestForm
from tests.factories import make_exchange

pytestmark = pytest.mark.django_db

#: What the visitor typed, each unlikely to appear in the database by chance.
PERSONAL = {
    "name": "Zhang Privatename",
    "email": "zhang.privatename@example.org",
    "organisation": "Privateorg Vocational College",
    "message": "Please call me on my private number 0477 12 34 56.",
}


def rows_holding(text: str) -> dict[str, int]:
    """The tables of the whole database with rows that contain ``text``
    anywhere (each row read as text), and how many rows."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            name = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*) FROM {name} AS row WHERE row::text ILIKE %s",
                [f"%{text}%"],
            )
            (count,) = cursor.fetchone()
            if count:
                found[table] = count
    return found


def personal_data_left() -> dict[str, dict[str, int]]:
    return {
        field: found
        for field, value in PERSONAL.items()
        if (found := rows_holding(value))
    }


@pytest.fixture
def registration(client, superuser):
    """A registration that the staff have answered in the admin (so that it
    has a change history and entries in the admin's log)."""
    interest = Interest.objects.create(
        exchange=make_exchange(title_en="Luban Workshop training"),
        consent=True,
        **PERSONAL,
    )
    client.force_login(superuser)
    response = client.post(
        reverse("admin:cooperation_interest_changelist"),
        {"action": "mark_answered", "_selected_action": [interest.pk]},
    )
    assert response.status_code == 302
    assert interest.history.count() == 2
    # Before the deletion, the registration itself holds the data.
    assert personal_data_left()
    return interest


def test_deleting_a_registration_in_the_admin_leaves_no_personal_data(
    client, registration
):
    url = reverse("admin:cooperation_interest_delete", args=[registration.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Interest.objects.exists()
    assert personal_data_left() == {}


def test_deleting_registrations_in_bulk_in_the_admin_leaves_no_personal_data(
    client, registration
):
    response = client.post(
        reverse("admin:cooperation_interest_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [registration.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Interest.objects.exists()
    assert personal_data_left() == {}


def test_deleting_the_exchange_leaves_no_personal_data_of_its_registrations(
    client, registration
):
    url = reverse("admin:cooperation_exchange_delete", args=[registration.exchange_id])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Interest.objects.exists()
    assert personal_data_left() == {}


def test_the_retention_purge_leaves_no_personal_data(registration):
    Interest.objects.filter(pk=registration.pk).update(
        created=timezone.now() - datetime.timedelta(days=400)
    )
    call_command("purge_interests", stdout=StringIO())
    assert not Interest.objects.exists()
    assert personal_data_left() == {}


def test_history_still_says_who_answered_a_deleted_registration(
    client, superuser, registration
):
    pk = registration.pk
    Interest.objects.get(pk=pk).delete()
    kinds = list(
        Interest.history.filter(id=pk)
        .order_by("history_date")
        .values_list("history_type", "status", "history_user")
    )
    assert kinds == [
        ("+", "new", None),
        ("~", "answered", superuser.pk),
        ("-", "answered", None),
    ]


# The consent text ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "months", "expected"),
    [
        ("en", 12, "are deleted after 12 months."),
        ("en", 1, "are deleted after 1 month."),
        ("nl", 6, "na 6 maanden verwijderd."),
        ("nl", 1, "na 1 maand verwijderd."),
        ("fr", 18, "supprimées au bout de 18 mois."),
        ("zh-hans", 24, "将在 24 个月后删除。"),
    ],
)
def test_consent_text_names_the_configured_retention_period(
    settings, language, months, expected
):
    settings.INTEREST_RETENTION_MONTHS = months
    with translation.override(language):
        label = str(InterestForm().fields["consent"].label)
    assert label.endswith(expected)
    assert "year" not in label


def test_exchange_page_shows_the_configured_retention_period(client, settings):
    settings.INTEREST_RETENTION_MONTHS = 6
    exchange = make_exchange(
        starts_on=datetime.date(2031, 3, 1), ends_on=datetime.date(2031, 3, 31)
    )
    with translation.override("en"):
        response = client.get(exchange.get_absolute_url())
    assert response.status_code == 200
    assert "are deleted after 6 months." in response.text
    assert "after a year" not in response.text
