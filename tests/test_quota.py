"""Places agreed against places used: per agreement, academic year and kind
of exchange (Agreement.places_usage), on the agreement's page, on the
dashboard, in the export and as a warning when an exchange goes over."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from cooperation.models import Agreement, AgreementExchangeKind, Exchange
from cooperation.models.agreement import academic_year, academic_year_label
from cooperation.transfer import AgreementResource
from tests.factories import make_agreement, make_exchange, make_institution, make_user
from tests.test_admin_surprises import posted

pytestmark = pytest.mark.django_db

STUDENT = Exchange.Kind.STUDENT_EXCHANGE
TEACHER = Exchange.Kind.TEACHER_EXCHANGE


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2027, 6, 15, 9, tzinfo=datetime.UTC))


@pytest.fixture
def agreement():
    host, partner = make_institution(name_en="AP Hogeschool"), make_institution()
    agreement = make_agreement(
        title_en="Student mobility",
        parties=[host, partner],
        valid_from=datetime.date(2025, 9, 1),
        expires_on=datetime.date(2029, 8, 31),
    )
    AgreementExchangeKind.objects.create(
        agreement=agreement, kind=STUDENT, places_per_year=10
    )
    AgreementExchangeKind.objects.create(
        agreement=agreement, kind=TEACHER, places_per_year=None
    )
    agreement.host = host
    return agreement


def exchange_under(agreement, starts_on, **fields):
    return make_exchange(
        agreement=agreement,
        host=agreement.host,
        starts_on=starts_on,
        ends_on=None,
        **{"kind": STUDENT, **fields},
    )


def usage_of(agreement, **kwargs):
    return {
        (row.year, row.kind): row
        for row in Agreement.objects.for_places()
        .get(pk=agreement.pk)
        .places_usage(**kwargs)
    }


@pytest.mark.parametrize(
    ("month", "day", "year", "label"),
    [
        (9, datetime.date(2026, 9, 1), 2026, "2026/27"),
        (9, datetime.date(2027, 8, 31), 2026, "2026/27"),
        (9, datetime.date(2099, 12, 31), 2099, "2099/00"),
        (1, datetime.date(2027, 8, 31), 2027, "2027"),
        (3, datetime.date(2027, 2, 28), 2026, "2026/27"),
    ],
)
def test_academic_year_starts_in_the_configured_month(
    settings, month, day, year, label
):
    settings.ACADEMIC_YEAR_START_MONTH = month
    assert academic_year(day) == year
    assert academic_year_label(year) == label


def test_usage_counts_participants_of_exchanges_starting_in_each_academic_year(
    agreement,
):
    exchange_under(agreement, datetime.date(2026, 9, 1), participants=4)
    exchange_under(agreement, datetime.date(2027, 8, 31), participants=7)
    exchange_under(agreement, datetime.date(2027, 9, 1), participants=3)
    # Not counted: cancelled, another kind's none, another agreement.
    exchange_under(
        agreement, datetime.date(2026, 10, 1), participants=50, cancelled=True
    )
    make_exchange(starts_on=datetime.date(2026, 10, 1), participants=50)
    usage = usage_of(agreement)
    assert usage[(2026, STUDENT)].used == 11
    assert usage[(2026, STUDENT)].agreed == 10
    assert usage[(2026, STUDENT)].left == -1
    assert usage[(2026, STUDENT)].over == 1
    assert usage[(2027, STUDENT)].used == 3
    assert usage[(2027, STUDENT)].left == 7
    assert usage[(2027, STUDENT)].over == 0
    # The teacher exchanges have no quota and none took place: no row.
    assert (2026, TEACHER) not in usage


def test_places_offered_count_until_participants_are_recorded(agreement):
    exchange_under(agreement, datetime.date(2026, 11, 1), places=6)
    exchange_under(agreement, datetime.date(2026, 12, 1), places=6, participants=2)
    assert usage_of(agreement)[(2026, STUDENT)].used == 8


def test_usage_follows_the_start_month_setting(settings, agreement):
    settings.ACADEMIC_YEAR_START_MONTH = 1
    exchange_under(agreement, datetime.date(2026, 9, 1), participants=4)
    exchange_under(agreement, datetime.date(2027, 3, 1), participants=7)
    usage = usage_of(agreement)
    assert usage[(2026, STUDENT)].used == 4
    assert usage[(2027, STUDENT)].used == 7


def test_current_year_is_shown_while_valid_even_unused(agreement):
    usage = usage_of(agreement)
    assert list(usage) == [(2026, STUDENT)]  # 2026/27 holds 15 June 2027
    assert usage[(2026, STUDENT)].used == 0
    assert usage[(2026, STUDENT)].left == 10


def test_kind_used_without_quota_is_listed_without_agreed_places(agreement):
    exchange_under(agreement, datetime.date(2026, 9, 1), kind=TEACHER, participants=2)
    row = usage_of(agreement)[(2026, TEACHER)]
    assert (row.agreed, row.used, row.left, row.over) == (None, 2, None, 0)


def test_usage_of_many_agreements_takes_two_queries(
    agreement, django_assert_num_queries
):
    for year in (2025, 2026, 2027):
        exchange_under(agreement, datetime.date(year, 10, 1), participants=1)
    other = make_agreement(parties=[agreement.host])
    AgreementExchangeKind.objects.create(
        agreement=other, kind=STUDENT, places_per_year=1
    )
    with django_assert_num_queries(2):
        rows = [a.places_usage() for a in Agreement.objects.for_places()]
    assert sum(len(r) for r in rows) == 4


# The three consumers and the warning -------------------------------------------


def test_agreement_page_shows_places_agreed_used_and_left(client, editor, agreement):
    exchange_under(agreement, datetime.date(2026, 9, 1), participants=12)
    client.force_login(editor)
    page = client.get(
        reverse("admin:cooperation_agreement_change", args=[agreement.pk])
    ).text
    table = page.split('class="places-usage"')[1].split("</table>")[0]
    assert "<td>2026/27</td><td>student exchange</td><td>10</td><td>12</td>" in table
    # Over the quota: marked and said in words, not by colour alone.
    assert '<span class="over-quota">⚠ 2 over the quota</span>' in table


def test_dashboard_lists_this_years_quotas_fullest_first(client, editor, agreement):
    roomy = make_agreement(title_en="Roomy agreement", parties=[agreement.host])
    AgreementExchangeKind.objects.create(
        agreement=roomy, kind=STUDENT, places_per_year=50
    )
    exchange_under(agreement, datetime.date(2026, 9, 1), participants=12)
    exchange_under(agreement, datetime.date(2025, 9, 1), participants=99)  # last year
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    dashboard = response.context["dashboard"]
    assert dashboard["places_year"] == "2026/27"
    assert [(row.agreement.pk, row.used, row.left) for row in dashboard["places"]] == [
        (agreement.pk, 12, -2),
        (roomy.pk, 0, 50),
    ]
    assert "Places in the academic year 2026/27 (1 over the quota)" in response.text
    assert "⚠ 2 over the quota" in response.text


def test_dashboard_quotas_of_a_scoped_editor_are_their_own(client, agreement):
    scoped = make_user("scoped", group=Group.objects.get(name="Editors"))
    scoped.institutions.add(make_institution())
    client.force_login(scoped)
    dashboard = client.get(reverse("admin:index")).context["dashboard"]
    assert dashboard["places"] == []


def test_export_has_the_places_per_academic_year(agreement):
    exchange_under(agreement, datetime.date(2026, 9, 1), participants=12)
    exchange_under(agreement, datetime.date(2026, 9, 2), kind=TEACHER, participants=2)
    make_agreement(title_en="Without quota")
    dataset = AgreementResource().export(Agreement.objects.all())
    places = dict(
        zip(dataset["Title"], dataset["Places per academic year"], strict=True)
    )
    assert places == {
        "Student mobility": "2026/27 student exchange: 10 agreed, 12 used, 2 over "
        "the quota; 2026/27 teacher exchange: no quota, 2 used",
        "Without quota": "",
    }


def test_saving_an_exchange_over_the_quota_warns(client, editor, agreement):
    exchange_under(agreement, datetime.date(2026, 9, 1), participants=8)
    exchange = exchange_under(agreement, datetime.date(2026, 10, 1), participants=1)
    client.force_login(editor)
    url = reverse("admin:cooperation_exchange_change", args=[exchange.pk])

    def warnings(response):
        return [
            str(m)
            for m in get_messages(response.wsgi_request)
            if m.level_tag == "warning"
        ]

    within = client.post(url, posted(client, exchange, participants="2"))
    assert within.status_code == 302 and warnings(within) == []
    over = client.post(url, posted(client, exchange, participants="5"))
    assert over.status_code == 302
    assert warnings(over) == [
        "“Student mobility” agreed 10 places a year for student exchange; with "
        "this exchange 13 are used in 2026/27: 3 over the quota."
    ]
