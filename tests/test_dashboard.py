"""The admin's first page, renewals from the admin, interest statuses, and
changelists that stay fast at scale."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cooperation.models import Agreement, Exchange, Interest
from cooperation.paginators import EstimatedCountPaginator, estimated_rows
from tests.factories import (
    make_agreement,
    make_exchange,
    make_institution,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 6, 15)


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2027, 6, 15, 9, tzinfo=datetime.UTC))


def test_dashboard_shows_what_needs_attention(client, editor):
    soon = make_agreement(
        title_en="Expiring MoU", expires_on=TODAY + datetime.timedelta(days=40)
    )
    make_agreement(
        title_en="Later MoU", expires_on=TODAY + datetime.timedelta(days=400)
    )
    starting = make_exchange(
        title_en="Starting soon",
        starts_on=TODAY + datetime.timedelta(days=10),
        ends_on=None,
    )
    make_exchange(
        title_en="Starting later",
        starts_on=TODAY + datetime.timedelta(days=100),
        ends_on=None,
    )
    Interest.objects.create(
        exchange=starting, name="Li Wei", email="li@example.org", consent=True
    )
    client.force_login(editor)
    client.post(
        reverse("admin:cooperation_exchange_changelist"),
        {"action": "unpublish", "_selected_action": [starting.pk]},
    )
    page = client.get(reverse("admin:index")).text
    dashboard = client.get(reverse("admin:index")).context["dashboard"]
    assert list(dashboard["expiring"]) == [soon]
    assert list(dashboard["starting"]) == [starting]
    assert [i.name for i in dashboard["interests"]] == ["Li Wei"]
    assert dashboard["changes"][0]["who"] == editor
    assert dashboard["changes"][0]["what"] == "Starting soon"
    assert "Expiring MoU" in page and "Starting soon" in page
    assert "?expiring=90" in page and "?starting=30" in page
    assert "status__exact=new" in page


def test_dashboard_links_give_the_filtered_lists(client, editor):
    make_exchange(starts_on=TODAY + datetime.timedelta(days=10), ends_on=None)
    make_exchange(starts_on=TODAY + datetime.timedelta(days=100), ends_on=None)
    client.force_login(editor)
    response = client.get(
        reverse("admin:cooperation_exchange_changelist"), {"starting": "30"}
    )
    assert response.context["cl"].result_count == 1


def test_renew_action_makes_the_draft_successor(client, editor):
    one, two = make_institution(), make_institution()
    agreement = make_agreement(title_en="Old MoU", parties=[one, two])
    client.force_login(editor)
    response = client.post(
        reverse("admin:cooperation_agreement_changelist"),
        {"action": "renew", "_selected_action": [agreement.pk]},
    )
    successor = Agreement.objects.get(predecessor=agreement)
    assert response.url == reverse(
        "admin:cooperation_agreement_change", args=[successor.pk]
    )
    assert successor.status == "draft" and successor.parties.count() == 2
    page = client.get(response.url).text
    assert "Old MoU" in page  # the chain on the change page
    old_page = client.get(
        reverse("admin:cooperation_agreement_change", args=[agreement.pk])
    ).text
    assert (
        reverse("admin:cooperation_agreement_change", args=[successor.pk]) in old_page
    )


def test_viewer_cannot_renew(client, viewer):
    agreement = make_agreement()
    client.force_login(viewer)
    client.post(
        reverse("admin:cooperation_agreement_changelist"),
        {"action": "renew", "_selected_action": [agreement.pk]},
    )
    assert not Agreement.objects.filter(predecessor=agreement).exists()


def test_interest_status_actions_and_filter(client, editor):
    exchange = make_exchange()
    spam = Interest.objects.create(
        exchange=exchange, name="Buy now", email="spam@example.org", consent=True
    )
    real = Interest.objects.create(
        exchange=exchange, name="Li Wei", email="li@example.org", consent=True
    )
    client.force_login(editor)
    url = reverse("admin:cooperation_interest_changelist")
    client.post(url, {"action": "mark_spam", "_selected_action": [spam.pk]})
    client.post(url, {"action": "mark_answered", "_selected_action": [real.pk]})
    spam.refresh_from_db()
    real.refresh_from_db()
    assert (spam.status, real.status) == ("spam", "answered")
    assert spam.history.first().history_user == editor
    listed = client.get(url, {"status__exact": "spam"}).context["cl"].result_list
    assert list(listed) == [spam]


def test_small_or_filtered_lists_are_counted_exactly():
    for _ in range(3):
        make_exchange()
    queryset = Exchange.objects.all()
    assert estimated_rows(queryset.filter(kind="teacher")) is None
    paginator = EstimatedCountPaginator(queryset.order_by("pk"), 20)
    assert paginator.count == 3  # small tables are counted exactly


def test_estimate_replaces_count_above_the_limit(monkeypatch):
    make_exchange()
    monkeypatch.setattr("cooperation.paginators.EXACT_COUNT_LIMIT", -1)
    monkeypatch.setattr(
        "cooperation.paginators.estimated_rows", lambda queryset: 1_000_000
    )
    paginator = EstimatedCountPaginator(Exchange.objects.order_by("pk"), 20)
    assert paginator.count == 1_000_000


def test_dashboard_of_a_per_institution_editor_shows_only_their_records(client):
    ours, theirs = make_institution(name_en="Ours"), make_institution(name_en="Theirs")
    mine = make_agreement(
        title_en="Our MoU",
        parties=[ours, theirs],
        expires_on=TODAY + datetime.timedelta(days=40),
    )
    make_agreement(
        title_en="Foreign MoU",
        parties=[theirs, make_institution()],
        expires_on=TODAY + datetime.timedelta(days=40),
    )
    foreign = make_exchange(
        title_en="Foreign exchange",
        host=theirs,
        starts_on=TODAY + datetime.timedelta(days=5),
        ends_on=None,
    )
    Interest.objects.create(
        exchange=foreign, name="Someone Else", email="x@example.org", consent=True
    )
    editor = make_user("scoped", group=Group.objects.get(name="Editors"))
    editor.institutions.add(ours)
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    dashboard = response.context["dashboard"]
    assert list(dashboard["expiring"]) == [mine]
    assert list(dashboard["starting"]) == []
    assert list(dashboard["interests"]) == []
    assert "Someone Else" not in response.text
    assert "Foreign exchange" not in response.text
    assert "Foreign MoU" not in response.text


def test_dashboard_lists_registrations_whose_email_failed(client, editor):
    exchange = make_exchange(title_en="Luban Workshop training")
    Interest.objects.create(
        exchange=exchange,
        name="Li Wei",
        email="li@example.org",
        consent=True,
        notification_failed=True,
    )
    Interest.objects.create(
        exchange=exchange, name="Anna Peeters", email="anna@example.org", consent=True
    )
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    dashboard = response.context["dashboard"]
    assert [interest.name for interest in dashboard["unnotified"]] == ["Li Wei"]
    assert "Interest registrations whose e-mail failed (1)" in response.text
    assert "send_interest_notifications tries again" in response.text
    assert 'href="/admin/cooperation/interest/?notification_failed__exact=1"' in (
        response.text
    )
    listed = client.get(dashboard["unnotified_url"])
    assert [interest.name for interest in listed.context["cl"].result_list] == [
        "Li Wei"
    ]


def test_dashboard_has_no_failed_email_panel_when_every_email_went(client, editor):
    Interest.objects.create(
        exchange=make_exchange(), name="Li Wei", email="li@example.org", consent=True
    )
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert response.context["dashboard"]["unnotified_count"] == 0
    assert "whose e-mail failed" not in response.text


# Query counts that do not grow with the data ---------------------------------

#: Queries of the dashboard, whatever the number of records and history
#: entries (sessions, user, permissions, each panel, each record type's
#: latest changes). Counted with the content types not yet cached (the first
#: request of a process), whatever ran before.
DASHBOARD_QUERIES = 25
#: Queries of an agreement's history page, whatever its number of parties.
AGREEMENT_HISTORY_QUERIES = 13


@pytest.mark.parametrize("rows", [3, 10])
def test_dashboard_queries_do_not_grow_with_the_history(
    client, editor, django_assert_num_queries, rows
):
    for number in range(rows):
        exchange = make_exchange(
            title_en=f"Exchange {number}",
            starts_on=TODAY + datetime.timedelta(days=5),
            ends_on=None,
        )
        Interest.objects.create(
            exchange=exchange, name="Li Wei", email="li@example.org", consent=True
        )
    gone = make_exchange(title_en="Cancelled for good")
    Interest.objects.create(
        exchange=gone, name="Anna", email="anna@example.org", consent=True
    )
    gone_id = gone.pk
    gone.delete()
    client.force_login(editor)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("admin:index"))
    changes = [change["what"] for change in response.context["dashboard"]["changes"]]
    last = Interest.objects.get(exchange__title_en=f"Exchange {rows - 1}")
    assert f"registration {last.pk} – Exchange {rows - 1}" in changes
    assert any(f"deleted exchange {gone_id}" in what for what in changes)


@pytest.mark.parametrize("rows", [3, 10])
def test_agreement_history_queries_do_not_grow_with_its_parties(
    client, superuser, django_assert_num_queries, rows
):
    agreement = make_agreement(
        parties=[make_institution(name_en=f"Party {n}") for n in range(rows)]
    )
    client.force_login(superuser)
    url = reverse("admin:cooperation_agreement_history", args=[agreement.pk])
    ContentType.objects.clear_cache()
    with django_assert_num_queries(AGREEMENT_HISTORY_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert f"Party {rows - 1} (signatory)" in response.text


@pytest.mark.parametrize("rows", [3, 10])
def test_lineage_chain_is_one_query_however_long(django_assert_num_queries, rows):
    chain = [make_agreement(title_en="Agreement 0")]
    for number in range(1, rows + 1):
        chain.append(
            make_agreement(
                title_en=f"Agreement {number}",
                predecessor=chain[-1],
                lineage=Agreement.Lineage.RENEWS,
            )
        )
    latest = Agreement.objects.get(pk=chain[-1].pk)
    with django_assert_num_queries(1):
        earlier = latest.lineage_chain
    assert [agreement.pk for agreement in earlier] == [a.pk for a in chain[:-1]]


def test_lineage_chain_stops_at_a_loop():
    first = make_agreement(title_en="First")
    second = make_agreement(
        title_en="Second", predecessor=first, lineage=Agreement.Lineage.RENEWS
    )
    # A loop that only the database could make (the form refuses it).
    Agreement.objects.filter(pk=first.pk).update(
        predecessor=second, lineage=Agreement.Lineage.RENEWS
    )
    first.refresh_from_db()
    assert first.lineage_chain == [second]
    assert second.lineage_chain == [first]
    assert make_agreement().lineage_chain == []
