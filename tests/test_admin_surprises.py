"""No silent surprises in the admin (issue 11 §5): a published agreement
that is not public says so; an exchange under an agreement of other
institutions is refused; a save that changes nothing leaves no trace and
every history entry says what changed; links in e-mails follow the port;
one activity list on a dashboard that uses the whole width."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse
from tablib import Dataset

from cooperation.models import Agreement, Exchange, Interest
from cooperation.transfer import ExchangeResource
from tests.factories import make_agreement, make_exchange, make_institution
from tests.html_forms import form_fields
from tests.test_settings import setting_in_fresh_process

pytestmark = pytest.mark.django_db


def change_url(record) -> str:
    name = record._meta.model_name
    return reverse(f"admin:cooperation_{name}_change", args=[record.pk])


def posted(client, record, **changes) -> dict:
    """The change form of ``record`` as it stands, with ``changes``."""
    name = record._meta.model_name
    fields = form_fields(client.get(change_url(record)).text, f"{name}_form")
    data = {
        key: values if len(values) > 1 else values[0]
        for key, values in fields.items()
        if "__prefix__" not in key
    }
    return {**data, **changes}


def warnings_of(response) -> list[str]:
    return [
        str(message)
        for message in get_messages(response.wsgi_request)
        if message.level_tag == "warning"
    ]


# Published but not public -----------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "negotiation"])
def test_publishing_an_unsigned_agreement_warns_it_stays_hidden(client, editor, status):
    agreement = make_agreement(
        title_en="Letter of intent",
        status=status,
        signed_on=None,
        published=False,
    )
    client.force_login(editor)
    response = client.post(
        change_url(agreement), posted(client, agreement, published="on")
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.published
    assert not Agreement.objects.public().filter(pk=agreement.pk).exists()
    [warning] = warnings_of(response)
    assert "“Letter of intent” is marked published but is not on the public site" in (
        warning
    )


def test_publishing_a_signed_agreement_does_not_warn(client, editor):
    agreement = make_agreement(
        published=False, parties=[make_institution(), make_institution()]
    )
    client.force_login(editor)
    response = client.post(
        change_url(agreement), posted(client, agreement, published="on")
    )
    assert response.status_code == 302
    assert warnings_of(response) == []


def test_publish_action_counts_the_unsigned_agreements_it_cannot_show(client, editor):
    draft = make_agreement(status="draft", signed_on=None, published=False)
    signed = make_agreement(published=False)
    client.force_login(editor)
    response = client.post(
        reverse("admin:cooperation_agreement_changelist"),
        {"action": "publish", "_selected_action": [draft.pk, signed.pk]},
    )
    assert warnings_of(response) == [
        "1 of them is a draft or in negotiation: it is not on the public site "
        "until it is signed."
    ]


# An exchange under an agreement of other institutions ---------------------------


@pytest.fixture
def strangers_agreement():
    return make_agreement(
        title_en="Shanghai–Antwerp MoU",
        parties=[
            make_institution(name_en="Shanghai Conservatory of Music"),
            make_institution(name_en="AP Hogeschool"),
        ],
    )


def test_exchange_under_an_agreement_of_other_institutions_is_refused(
    client, editor, strangers_agreement
):
    exchange = make_exchange(host=make_institution(name_en="Hainan Vocational"))
    client.force_login(editor)
    response = client.post(
        change_url(exchange),
        posted(client, exchange, agreement=strangers_agreement.pk, title_en="Moved"),
    )
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["agreement"]
    assert "“Shanghai–Antwerp MoU”" in error
    assert "Shanghai Conservatory of Music" in error and "AP Hogeschool" in error
    assert "Hainan Vocational" in error
    exchange.refresh_from_db()
    assert exchange.agreement is None and exchange.title_en != "Moved"


def test_exchange_whose_partner_is_a_party_is_accepted(
    client, editor, strangers_agreement
):
    party = strangers_agreement.parties.first().institution
    exchange = make_exchange(host=make_institution())
    client.force_login(editor)
    response = client.post(
        change_url(exchange),
        posted(client, exchange, agreement=strangers_agreement.pk, partners=[party.pk]),
    )
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.agreement == strangers_agreement


def test_import_refuses_an_exchange_under_an_agreement_of_other_institutions(
    strangers_agreement,
):
    host = make_institution(name_en="Hainan Vocational", pic="912345678")
    rows = (
        "Title,Kind,Host,Starts on,Agreement\r\n"
        "Rehabilitation forum,forum,912345678,2027-05-01,"
        f"{strangers_agreement.title_en}\r\n"
    )
    result = ExchangeResource().import_data(
        Dataset().load(rows, format="csv"), dry_run=True
    )
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].error_dict
    assert "Hainan Vocational" in " ".join(errors["Agreement"])
    assert not Exchange.objects.filter(host=host).exists()


# History: nothing for nothing, one entry a save, a reason for each -----------


def test_unchanged_save_leaves_no_history_and_no_log_entry(client, editor):
    exchange = make_exchange(partners=[make_institution()])
    client.force_login(editor)
    entries = exchange.history.count()
    response = client.post(change_url(exchange), posted(client, exchange))
    assert response.status_code == 302
    assert exchange.history.count() == entries
    assert not LogEntry.objects.filter(object_id=str(exchange.pk)).exists()


def test_one_save_is_one_history_entry_with_what_changed(client, editor):
    exchange = make_exchange(partners=[make_institution()])
    new_partner = make_institution()
    client.force_login(editor)
    entries = exchange.history.count()
    response = client.post(
        change_url(exchange),
        posted(client, exchange, title_en="Renamed", partners=[new_partner.pk]),
    )
    assert response.status_code == 302
    assert exchange.history.count() == entries + 1
    latest = exchange.history.first()
    assert latest.history_user == editor
    assert latest.title_en == "Renamed"
    # The entry holds the partners as saved.
    assert [p.institution_id for p in latest.partners.all()] == [new_partner.pk]
    assert latest.history_change_reason.startswith("Changed")
    assert "Title" in latest.history_change_reason


def test_added_record_has_one_entry_with_a_reason(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:cooperation_institution_add"),
        {
            "name_en": "Tianjin Vocational Institute",
            "kind": "university",
            "country": "CN",
        },
    )
    assert response.status_code == 302
    institution = Exchange._meta.get_field("host").related_model.objects.get(
        name_en="Tianjin Vocational Institute"
    )
    [entry] = institution.history.all()
    assert (entry.history_type, entry.history_change_reason) == ("+", "Added.")


def test_history_page_never_shows_none_as_reason(client, editor):
    exchange = make_exchange()  # made outside the admin: no reason
    client.force_login(editor)
    page = client.get(
        reverse("admin:cooperation_exchange_history", args=[exchange.pk])
    ).text
    cells = page.split('id="change-history"')[1].split("</table>")[0]
    assert "None" not in cells


def test_revert_still_records_its_entry(client, editor):
    exchange = make_exchange(title_en="First title")
    exchange.title_en = "Second title"
    exchange.save()
    first = exchange.history.last()
    client.force_login(editor)
    url = reverse(
        "admin:cooperation_exchange_simple_history",
        args=[exchange.pk, first.history_id],
    )
    data = posted(client, exchange, title_en="First title")
    entries = exchange.history.count()
    assert client.post(url, data).status_code == 302
    exchange.refresh_from_db()
    assert exchange.title_en == "First title"
    assert exchange.history.count() == entries + 1


# The port of links in e-mails ---------------------------------------------------


def test_site_url_follows_the_development_port():
    assert setting_in_fresh_process("s.SITE_URL", PORT="8771") == (
        "http://127.0.0.1:8771"
    )
    assert setting_in_fresh_process("s.SITE_URL") == "http://127.0.0.1:8000"
    assert (
        setting_in_fresh_process(
            "s.SITE_URL", PORT="8771", SITE_URL="https://registry.example.org/"
        )
        == "https://registry.example.org"
    )


# The dashboard ------------------------------------------------------------------


def test_dashboard_has_one_activity_list_after_the_model_list(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:index")).text
    assert "Recent actions" not in page and "recent-actions-module" not in page
    assert page.count("Recent changes") == 1
    assert page.index('class="dashboard-models"') < page.index("Recent changes")
    assert 'class="colMS"' not in page  # no column kept for a sidebar


def test_dashboard_groups_the_changes_of_one_record(client, editor):
    exchange = make_exchange(title_en="Luban Workshop training")
    other = make_exchange(title_en="Skills competition")
    client.force_login(editor)
    for title in ("Luban Workshop training 2027", "Luban Workshop training 2028"):
        client.post(change_url(exchange), posted(client, exchange, title_en=title))
    changes = client.get(reverse("admin:index")).context["dashboard"]["changes"]
    rows = [change for change in changes if change["url"] == change_url(exchange)]
    assert len(rows) == 1
    [row] = rows
    assert row["what"] == "Luban Workshop training 2028"
    assert row["actions"] == ["Created", "Changed ×2"]
    assert row["users"] == [editor]
    assert changes[0] is row  # newest first
    assert any(change["what"] == other.title_en for change in changes)


def test_interest_created_outside_admin_appears_once(client, editor):
    exchange = make_exchange()
    Interest.objects.create(
        exchange=exchange, name="Li Wei", email="li@example.org", consent=True
    )
    client.force_login(editor)
    changes = client.get(reverse("admin:index")).context["dashboard"]["changes"]
    kinds = [change["kind"] for change in changes]
    assert kinds.count("interest registration") == 1
