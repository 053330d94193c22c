"""Publishing and unpublishing many records at once: one history entry per
changed record, by its user and with why, none for the others, a bounded
number of queries, and the public pages recomputed."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation import services
from cooperation.caching import public_version
from cooperation.models import Agreement, Exchange, Institution
from tests.factories import make_agreement, make_exchange, make_institution

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def drafts(count: int) -> list[Institution]:
    """``count`` unpublished institutions, made in bulk with one history
    entry each (as if added one by one)."""
    made = Institution.objects.bulk_create(
        Institution(
            name=f"Vocational college {number}",
            name_en=f"Vocational college {number}",
            slug=f"vocational-college-{number}",
            kind=Institution.Kind.SCHOOL,
            country="CN",
        )
        for number in itertools.islice(_numbers, count)
    )
    Institution.history.bulk_history_create(made)
    return made


def publish(client, model, records, action="publish", follow=True):
    return client.post(
        reverse(f"admin:cooperation_{model._meta.model_name}_changelist"),
        {"action": action, "_selected_action": [record.pk for record in records]},
        follow=follow,
    )


def test_publishing_hundreds_records_one_entry_each_in_few_queries(
    client, editor, django_assert_max_num_queries
):
    records = drafts(300)
    client.force_login(editor)
    # The same bound for 300 records as for one: nothing is done per row.
    with django_assert_max_num_queries(20):
        publish(client, Institution, records, follow=False)
    page = client.get(reverse("admin:cooperation_institution_changelist")).text
    assert "300 records published." in page
    assert not Institution.objects.filter(published=False).exists()
    latest = Institution.history.filter(history_type="~")
    assert latest.count() == 300
    assert set(latest.values_list("history_user", "history_change_reason")) == {
        (editor.pk, "Published in bulk")
    }
    assert set(latest.values_list("published", flat=True)) == {True}


def test_the_number_of_queries_does_not_grow_with_the_records(editor):
    def queries(records) -> int:
        pks = [record.pk for record in records]
        with CaptureQueriesContext(connection) as captured:
            services.records_publish(
                records=Institution.objects.filter(pk__in=pks),
                published=True,
                user=editor,
            )
        return len(captured)

    assert queries(drafts(3)) == queries(drafts(300))


def test_records_already_in_that_state_get_no_entry(client, editor):
    published = make_institution(name="Tianjin Light Industry Vocational College")
    draft = make_institution(name="Hainan rehabilitation centre", published=False)
    before = published.history.count()
    client.force_login(editor)
    response = publish(client, Institution, [published, draft])
    assert "1 record published." in response.text
    assert published.history.count() == before
    entry = draft.history.latest()
    assert (entry.history_type, entry.published, entry.history_user) == (
        "~",
        True,
        editor,
    )


def test_unpublishing_records_the_reason(client, editor):
    exchanges = [make_exchange(), make_exchange()]
    client.force_login(editor)
    response = publish(client, Exchange, exchanges, action="unpublish")
    assert "2 records unpublished." in response.text
    for exchange in exchanges:
        entry = exchange.history.latest()
        assert (entry.published, entry.history_change_reason) == (
            False,
            "Unpublished in bulk",
        )


def test_an_exchanges_entry_keeps_its_partners_and_fields(client, editor):
    partner = make_institution(name="Shanghai Conservatory of Music")
    exchange = make_exchange(partners=[partner], published=False)
    exchange.fields.set([exchange.fields.model.objects.get(code="0215")])
    client.force_login(editor)
    publish(client, Exchange, [exchange])
    entry = exchange.history.latest()
    assert [link.institution_id for link in entry.partners.all()] == [partner.pk]
    assert [link.fieldofeducation.code for link in entry.fields.all()] == ["0215"]
    # So the history page shows one change, the publication, not the links.
    changes = entry.diff_against(entry.prev_record).changed_fields
    assert changes == ["published"]


def test_published_record_reaches_the_public_pages(client, editor):
    agreement = make_agreement(published=False, parties=[make_institution()])
    assert not Agreement.objects.public().filter(pk=agreement.pk).exists()
    version = public_version()
    client.force_login(editor)
    publish(client, Agreement, [agreement])
    assert public_version() > version
    client.logout()
    assert client.get(agreement.get_absolute_url()).status_code == 200


def test_nothing_to_change_leaves_the_public_pages_cached(client, editor):
    institution = make_institution()
    version = public_version()
    client.force_login(editor)
    publish(client, Institution, [institution])
    assert public_version() == version
