"""Per-institution editors: a staff member tied to institutions sees and edits
only the records that involve them, whatever the URL says."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.urls import reverse

from cooperation import permissions
from cooperation.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    Exchange,
    Institution,
    Interest,
    User,
)
from tests.factories import (
    PDF_BYTES,
    make_agreement,
    make_exchange,
    make_institution,
    make_user,
)

pytestmark = pytest.mark.django_db

RECORD_MODELS = (Institution, Agreement, Exchange, Interest)


def admin_url(model, action: str, *args) -> str:
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args
    )


def interest(exchange) -> Interest:
    return Interest.objects.create(
        exchange=exchange, name="Li Wei", email="li@example.org", consent=True
    )


@pytest.fixture
def world(db):
    """AP (the editor's), a unit of AP, a published outsider and an
    unpublished one, with records in and out of AP's reach."""
    ap = make_institution(name="AP Hogeschool Antwerpen")
    workshop = make_institution(name="AP Luban Workshop", parent=ap, published=False)
    lab = make_institution(name="AP Workshop Lab", parent=workshop, published=False)
    outsider = make_institution(name="Shanghai Conservatory of Music", country="CN")
    secret = make_institution(name="Secret Partner Academy", published=False)
    ours = make_agreement(title_en="AP and Shanghai", parties=[ap, outsider])
    theirs = make_agreement(title_en="Shanghai and Secret", parties=[outsider, secret])
    hosted = make_exchange(title_en="Hosted by AP", host=ap, partners=[outsider])
    partnered = make_exchange(
        title_en="Workshop as partner", host=outsider, partners=[workshop]
    )
    under_ours = make_exchange(title_en="Under our agreement", host=outsider)
    under_ours.agreement = ours
    under_ours.save()
    foreign = make_exchange(
        title_en="Foreign exchange", host=outsider, partners=[secret], published=False
    )
    documents = {
        name: AgreementDocument.objects.create(
            agreement=agreement,
            title=name,
            language="en",
            public=public,
            file=ContentFile(PDF_BYTES, name="doc.pdf"),
        )
        for name, agreement, public in [
            ("our-staff-only", ours, False),
            ("their-staff-only", theirs, False),
            ("their-public", theirs, True),
        ]
    }
    return {
        "ap": ap,
        "workshop": workshop,
        "lab": lab,
        "outsider": outsider,
        "secret": secret,
        "ours": ours,
        "theirs": theirs,
        "hosted": hosted,
        "partnered": partnered,
        "under_ours": under_ours,
        "foreign": foreign,
        "our_interest": interest(partnered),
        "their_interest": interest(foreign),
        **documents,
    }


@pytest.fixture(autouse=True)
def _document_folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_ROOT = tmp_path / "documents"


@pytest.fixture
def scoped_editor(world):
    user = make_user("ap-editor", group=Group.objects.get(name="Editors"))
    user.institutions.add(world["ap"])
    return user


def in_scope(world) -> dict:
    return {
        Institution: {world["ap"], world["workshop"], world["lab"]},
        Agreement: {world["ours"]},
        Exchange: {world["hosted"], world["partnered"], world["under_ours"]},
        Interest: {world["our_interest"]},
        AgreementDocument: {world["our-staff-only"]},
    }


def out_of_scope(world) -> dict:
    return {
        Institution: world["outsider"],
        Agreement: world["theirs"],
        Exchange: world["foreign"],
        Interest: world["their_interest"],
    }


def fresh(user) -> User:
    """The user as a new request loads it (the scope is kept per object)."""
    return User.objects.get(pk=user.pk)


# The rules ------------------------------------------------------------------


@pytest.mark.parametrize("model", [*RECORD_MODELS, AgreementDocument])
def test_scope_holds_the_records_involving_the_users_institutions_and_units(
    world, scoped_editor, model
):
    scoped = permissions.scope_for(fresh(scoped_editor), model.objects.all())
    assert set(scoped) == in_scope(world)[model]


@pytest.mark.parametrize("model", [*RECORD_MODELS, AgreementDocument])
def test_user_without_institutions_and_superuser_are_unrestricted(world, model):
    superuser = make_user("root", is_superuser=True)
    superuser.institutions.add(world["ap"])
    for user in (make_user("unscoped"), superuser):
        assert not permissions.is_scoped(user)
        assert permissions.scope_for(user, model.objects.all()).count() == (
            model.objects.count()
        )


def test_choices_are_the_scope_and_what_the_public_sees(world, scoped_editor):
    choices = set(permissions.choices_for(scoped_editor, Institution.objects.all()))
    assert choices == {world["ap"], world["workshop"], world["lab"], world["outsider"]}
    with_current = permissions.choices_for(
        scoped_editor, Institution.objects.all(), current=[world["secret"].pk]
    )
    assert world["secret"] in with_current


def test_involves_matches_the_scope(world, scoped_editor):
    for records in in_scope(world).values():
        for record in records:
            assert permissions.involves(scoped_editor, record), record
    for record in out_of_scope(world).values():
        assert not permissions.involves(scoped_editor, record), record


# Lists ----------------------------------------------------------------------


@pytest.mark.parametrize("model", RECORD_MODELS)
def test_scoped_editor_sees_only_involved_rows_in_every_changelist(
    client, world, scoped_editor, model
):
    client.force_login(scoped_editor)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == in_scope(world)[model]
    assert str(out_of_scope(world)[model]) not in response.text


@pytest.mark.parametrize("model", RECORD_MODELS)
def test_unscoped_editor_and_superuser_see_every_row(client, world, editor, model):
    superuser = make_user("root", is_superuser=True)
    for user in (editor, superuser):
        client.force_login(user)
        response = client.get(admin_url(model, "changelist"))
        assert len(response.context["cl"].result_list) == model.objects.count()


def test_search_finds_nothing_outside_the_scope(client, world, scoped_editor):
    client.force_login(scoped_editor)
    response = client.get(admin_url(Agreement, "changelist"), {"q": "Secret"})
    assert list(response.context["cl"].result_list) == []


# Pages by URL ---------------------------------------------------------------


@pytest.mark.parametrize("model", RECORD_MODELS)
def test_out_of_scope_change_delete_and_history_pages_are_not_found(
    client, world, scoped_editor, model
):
    client.force_login(scoped_editor)
    record = out_of_scope(world)[model]
    version = record.history.earliest().history_id
    urls = [
        admin_url(model, "change", record.pk),
        admin_url(model, "delete", record.pk),
        admin_url(model, "history", record.pk),
        admin_url(model, "simple_history", record.pk, version),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"post": "yes"}).status_code == 404, url
    assert model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("model", RECORD_MODELS)
def test_in_scope_change_and_history_pages_open(client, world, scoped_editor, model):
    client.force_login(scoped_editor)
    record = min(in_scope(world)[model], key=lambda record: record.pk)
    for action in ("change", "history", "delete"):
        url = admin_url(model, action, record.pk)
        assert client.get(url).status_code == 200, url


def test_scoped_editor_deletes_an_in_scope_interest(client, world, scoped_editor):
    client.force_login(scoped_editor)
    ours = world["our_interest"]
    response = client.post(admin_url(Interest, "delete", ours.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Interest.objects.filter(pk=ours.pk).exists()


# Actions --------------------------------------------------------------------


def test_publish_action_ignores_crafted_out_of_scope_ids(client, world, scoped_editor):
    client.force_login(scoped_editor)
    world["hosted"].published = False
    world["hosted"].save()
    client.post(
        admin_url(Exchange, "changelist"),
        {
            "action": "publish",
            "_selected_action": [world["foreign"].pk, world["hosted"].pk],
        },
    )
    world["foreign"].refresh_from_db()
    world["hosted"].refresh_from_db()
    assert not world["foreign"].published
    assert world["hosted"].published


def test_publish_action_cannot_publish_an_out_of_scope_institution(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    client.post(
        admin_url(Institution, "changelist"),
        {"action": "publish", "_selected_action": [world["secret"].pk]},
    )
    world["secret"].refresh_from_db()
    assert not world["secret"].published


def test_interest_action_and_list_edit_leave_out_of_scope_rows_alone(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    theirs = world["their_interest"]
    url = admin_url(Interest, "changelist")
    client.post(url, {"action": "mark_spam", "_selected_action": [theirs.pk]})
    client.post(
        url,
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-id": theirs.pk,
            "form-0-status": "spam",
            "_save": "Save",
        },
    )
    theirs.refresh_from_db()
    assert theirs.status == Interest.Status.NEW


# Saving ---------------------------------------------------------------------


def exchange_form(exchange, **changes) -> dict:
    data = {
        "kind": exchange.kind,
        "title_en": exchange.title_en,
        "host": exchange.host_id,
        "partners": [partner.pk for partner in exchange.partners.all()],
        "agreement": exchange.agreement_id or "",
        "starts_on": exchange.starts_on.isoformat(),
        "ends_on": exchange.ends_on.isoformat() if exchange.ends_on else "",
        "mode": exchange.mode,
        "slug": exchange.slug,
    }
    return {**data, **changes}


def test_scoped_editor_edits_an_in_scope_exchange(client, world, scoped_editor):
    client.force_login(scoped_editor)
    exchange = world["partnered"]
    response = client.post(
        admin_url(Exchange, "change", exchange.pk),
        exchange_form(exchange, title_en="Workshop week in Shanghai"),
    )
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.title_en == "Workshop week in Shanghai"
    assert exchange.history.first().history_user == scoped_editor


def test_exchange_cannot_be_moved_out_of_scope(client, world, scoped_editor):
    client.force_login(scoped_editor)
    exchange = world["hosted"]
    response = client.post(
        admin_url(Exchange, "change", exchange.pk),
        exchange_form(exchange, host=world["outsider"].pk, partners=[]),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "AP Hogeschool Antwerpen" in errors[0]
    exchange.refresh_from_db()
    assert exchange.host == world["ap"]


def test_exchange_may_move_to_another_host_while_a_partner_stays_ours(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    exchange = world["hosted"]
    response = client.post(
        admin_url(Exchange, "change", exchange.pk),
        exchange_form(exchange, host=world["outsider"].pk, partners=[world["lab"].pk]),
    )
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.host == world["outsider"]


def test_exchange_cannot_be_reverted_out_of_scope(client, world, scoped_editor):
    exchange = world["hosted"]
    version = exchange.history.earliest().history_id
    exchange.host = world["outsider"]
    exchange.save()
    exchange.partners.set([world["workshop"]])
    client.force_login(scoped_editor)
    response = client.post(
        admin_url(Exchange, "simple_history", exchange.pk, version),
        exchange_form(exchange, host=world["outsider"].pk, partners=[]),
    )
    assert response.status_code == 200
    assert (
        "as host or partner" in response.context["adminform"].form.errors["__all__"][0]
    )
    exchange.refresh_from_db()
    assert exchange.host == world["outsider"]


def test_scoped_editor_cannot_add_an_exchange_of_others(client, world, scoped_editor):
    client.force_login(scoped_editor)
    before = Exchange.objects.count()
    response = client.post(
        admin_url(Exchange, "add"),
        exchange_form(
            world["foreign"], title_en="Not ours", slug="", partners=[], agreement=""
        ),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert Exchange.objects.count() == before


def test_unpublished_out_of_scope_institution_cannot_be_picked(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    exchange = world["hosted"]
    response = client.post(
        admin_url(Exchange, "change", exchange.pk),
        exchange_form(exchange, partners=[world["secret"].pk]),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["partners"]
    assert "valid choice" in errors[0]


def test_existing_link_to_an_unpublished_partner_survives_editing(
    client, world, scoped_editor
):
    exchange = world["hosted"]
    exchange.partners.add(world["secret"])
    client.force_login(scoped_editor)
    page = client.get(admin_url(Exchange, "change", exchange.pk)).text
    assert "Secret Partner Academy" in page
    response = client.post(
        admin_url(Exchange, "change", exchange.pk),
        exchange_form(exchange, title_en="Still with the secret partner"),
    )
    assert response.status_code == 302
    assert world["secret"] in exchange.partners.all()


def agreement_form(agreement, parties, **changes) -> dict:
    existing = list(agreement.parties.all()) if agreement.pk else []
    data = {
        "kind": agreement.kind,
        "title_en": agreement.title_en,
        "status": agreement.status,
        "signed_on": agreement.signed_on.isoformat(),
        "valid_from": agreement.valid_from.isoformat(),
        "expires_on": agreement.expires_on.isoformat(),
        "slug": agreement.slug,
        "parties-TOTAL_FORMS": len(existing) + len(parties),
        "parties-INITIAL_FORMS": len(existing),
        "exchange_kinds-TOTAL_FORMS": 0,
        "exchange_kinds-INITIAL_FORMS": 0,
        "documents-TOTAL_FORMS": 0,
        "documents-INITIAL_FORMS": 0,
    }
    # Existing parties are deleted; ``parties`` are the new ones.
    for number, party in enumerate(existing):
        data.update(
            {
                f"parties-{number}-id": party.pk,
                f"parties-{number}-agreement": agreement.pk,
                f"parties-{number}-institution": party.institution_id,
                f"parties-{number}-role": party.role,
                f"parties-{number}-position": party.position,
                f"parties-{number}-DELETE": "on",
            }
        )
    for number, institution in enumerate(parties, start=len(existing)):
        data.update(
            {
                f"parties-{number}-institution": institution.pk,
                f"parties-{number}-role": "signatory",
                f"parties-{number}-position": number,
            }
        )
    return {**data, **changes}


def test_agreement_must_keep_one_of_the_editors_institutions(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    agreement = world["ours"]
    another = make_institution(name="Another published partner")
    response = client.post(
        admin_url(Agreement, "change", agreement.pk),
        agreement_form(agreement, parties=[world["outsider"], another]),
    )
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "among the parties" in formset.non_form_errors()[0]
    assert set(agreement.parties.values_list("institution", flat=True)) == {
        world["ap"].pk,
        world["outsider"].pk,
    }


def test_agreement_may_change_parties_while_keeping_a_unit(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    agreement = world["ours"]
    response = client.post(
        admin_url(Agreement, "change", agreement.pk),
        agreement_form(agreement, parties=[world["workshop"], world["outsider"]]),
    )
    assert response.status_code == 302
    assert set(agreement.parties.values_list("institution", flat=True)) == {
        world["workshop"].pk,
        world["outsider"].pk,
    }


def test_scoped_editor_adds_an_agreement_with_their_institution(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    draft = Agreement(
        kind="mou",
        title_en="New memorandum",
        status="draft",
        signed_on=world["ours"].signed_on,
        valid_from=world["ours"].valid_from,
        expires_on=world["ours"].expires_on,
    )
    data = agreement_form(draft, parties=[world["ap"], world["outsider"]])
    response = client.post(admin_url(Agreement, "add"), data)
    assert response.status_code == 302
    added = Agreement.objects.get(title_en="New memorandum")
    assert permissions.involves(fresh(scoped_editor), added)
    data = agreement_form(draft, parties=[world["outsider"]], title_en="Not ours")
    response = client.post(admin_url(Agreement, "add"), data)
    assert response.status_code == 200
    assert not Agreement.objects.filter(title_en="Not ours").exists()


def institution_form(**changes) -> dict:
    data = {"name_en": "AP Music Centre", "kind": "university", "country": "BE"}
    return {**data, **changes}


def test_scoped_editor_adds_only_units_of_their_institutions(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    url = admin_url(Institution, "add")
    response = client.post(url, institution_form(parent=world["workshop"].pk))
    assert response.status_code == 302
    assert (
        Institution.objects.get(name_en="AP Music Centre").parent == world["workshop"]
    )
    response = client.post(url, institution_form(name_en="Someone else's school"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "parent institution" in errors[0]
    assert not Institution.objects.filter(name_en="Someone else's school").exists()


def test_scoped_editor_edits_their_own_institution(client, world, scoped_editor):
    client.force_login(scoped_editor)
    ap = world["ap"]
    response = client.post(
        admin_url(Institution, "change", ap.pk),
        institution_form(name_en="AP University of Applied Sciences", slug=ap.slug),
    )
    assert response.status_code == 302
    ap.refresh_from_db()
    assert ap.name_en == "AP University of Applied Sciences"


def test_interest_cannot_be_moved_to_an_out_of_scope_exchange(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    ours = world["our_interest"]
    response = client.post(
        admin_url(Interest, "change", ours.pk),
        {
            "exchange": world["foreign"].pk,
            "name": ours.name,
            "email": ours.email,
            "consent": "on",
            "status": "answered",
        },
    )
    assert response.status_code == 200
    ours.refresh_from_db()
    assert ours.exchange == world["partnered"]


# Autocomplete ---------------------------------------------------------------


def autocomplete(client, model, field_name: str, term: str = "") -> set[str]:
    """The records offered, by name (their labels without the place, kind,
    parties and date that tell records apart: tests/test_pickers.py)."""
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "cooperation",
            "model_name": model._meta.model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    return {result["text"].split(" — ")[0] for result in response.json()["results"]}


def test_autocomplete_offers_own_and_published_institutions_only(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    offered = autocomplete(client, Exchange, "partners")
    assert offered == {
        "AP Hogeschool Antwerpen",
        "AP Luban Workshop",
        "AP Workshop Lab",
        "Shanghai Conservatory of Music",
    }
    assert autocomplete(client, AgreementParty, "institution", "Secret") == set()
    assert autocomplete(client, Institution, "parent", "Secret") == set()


def test_autocomplete_offers_own_and_public_agreements_and_own_exchanges(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    offered = autocomplete(client, Exchange, "agreement")
    assert offered == {"AP and Shanghai", "Shanghai and Secret"}
    world["theirs"].published = False
    world["theirs"].save()
    assert autocomplete(client, Exchange, "agreement") == {"AP and Shanghai"}
    assert autocomplete(client, Interest, "exchange") == {
        str(exchange) for exchange in in_scope(world)[Exchange]
    }


def test_autocomplete_is_unrestricted_for_unscoped_editors(client, world, editor):
    client.force_login(editor)
    assert "Secret Partner Academy" in autocomplete(client, Exchange, "partners")


# Documents and users --------------------------------------------------------


def test_staff_only_documents_are_served_only_within_the_scope(
    client, world, scoped_editor, editor
):
    def status(name):
        return client.get(reverse("document-download", args=[world[name].pk]))

    client.force_login(scoped_editor)
    assert status("our-staff-only").status_code == 200
    assert status("their-public").status_code == 200
    assert status("their-staff-only").status_code == 404
    client.force_login(editor)
    assert status("their-staff-only").status_code == 200


def test_user_admin_ties_users_to_institutions(client, world, superuser):
    client.force_login(superuser)
    user = make_user("new-editor")
    url = admin_url(User, "change", user.pk)
    page = client.get(url)
    assert 'name="institutions"' in page.text
    data = {
        "username": user.username,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "institutions": [world["ap"].pk],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(user.institutions.all()) == [world["ap"]]


def test_scoped_user_cannot_widen_their_reach_in_the_user_admin(client, world):
    user = make_user("scoped-admin", is_superuser=False)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user"])
    )
    user.institutions.add(world["ap"])
    client.force_login(user)
    page = client.get(admin_url(User, "change", user.pk))
    assert page.status_code == 200
    assert 'name="institutions"' not in page.text


def test_export_holds_only_in_scope_rows_even_for_crafted_ids(
    client, world, scoped_editor
):
    client.force_login(scoped_editor)
    url = admin_url(Exchange, "export")
    columns = client.get(url).context["form"].fields
    data = {
        "format": 0,
        "resource": 0,
        **{name: "on" for name in columns if name.startswith("exchangeresource_")},
    }

    def exported(**extra):
        response = client.post(url, {**data, **extra})
        assert response["content-type"].startswith("text/csv")
        return b"".join(response).decode("utf-8-sig")

    everything = exported()
    for exchange in in_scope(world)[Exchange]:
        assert exchange.title_en in everything
    assert "Foreign exchange" not in everything
    selected = exported(export_items=[world["foreign"].pk, world["hosted"].pk])
    assert "Hosted by AP" in selected
    assert "Foreign exchange" not in selected


@pytest.mark.parametrize("model", [Institution, Agreement, Exchange])
def test_scoped_editor_cannot_import(client, world, scoped_editor, editor, model):
    client.force_login(scoped_editor)
    assert client.get(admin_url(model, "import")).status_code == 403
    client.force_login(editor)
    assert client.get(admin_url(model, "import")).status_code == 200
