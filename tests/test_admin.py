"""The staff admin: every page, search, filters, roles, field-level errors."""

import datetime
import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from cooperation.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    Exchange,
    Institution,
    Interest,
)
from cooperation.staff import two_factor
from tests.factories import (
    PDF_BYTES,
    field,
    make_agreement,
    make_exchange,
    make_institution,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 6, 15)


def admin_url(model, action: str, *args) -> str:
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args
    )


@pytest.fixture
def records(superuser):
    """One record of every registered type."""
    host = make_institution(name="AP University of Applied Sciences and Arts Antwerp")
    partner = make_institution(
        name="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        official_name="上海音乐学院",
        country="CN",
        city="Shanghai",
        erasmus_code="",
        schac_code="shcmusic.edu.cn",
    )
    agreement = make_agreement(
        title="Memorandum on nurturing musical talent",
        reference="AP-2026-001",
        parties=[host, partner],
    )
    exchange = make_exchange(host=host, partners=[partner])
    interest = Interest.objects.create(
        exchange=exchange, name="Li Wei", email="li@example.org", consent=True
    )
    # A member's two-factor devices (the superuser's own would need a code).
    member = make_user("member")
    TOTPDevice.objects.create(user=member, name="phone", confirmed=True)
    two_factor.new_recovery_codes(member)
    return {
        "host": host,
        "partner": partner,
        "agreement": agreement,
        "exchange": exchange,
        "interest": interest,
        "superuser": superuser,
    }


def any_record_of(model, records):
    if model._meta.model_name == "user":
        return records["superuser"]
    if model._meta.model_name == "group":
        return model.objects.get(name="Editors")
    return model.objects.first()


def test_superuser_gets_every_changelist_add_change_and_history_page(client, records):
    client.force_login(records["superuser"])
    for model in admin.site._registry:
        if model._meta.app_label == "axes":
            continue  # sign-in records, never added (tests/test_staff_accounts.py)
        for url in (
            admin_url(model, "changelist"),
            admin_url(model, "add"),
            admin_url(model, "change", any_record_of(model, records).pk),
            admin_url(model, "history", any_record_of(model, records).pk),
        ):
            response = client.get(url)
            assert response.status_code == 200, url


def test_admin_index_says_when_sample_data_is_present(client, superuser):
    client.force_login(superuser)
    assert "sample data" not in client.get(reverse("admin:index")).text
    make_institution(is_sample=True)
    assert (
        "sample data made by the demo data" in client.get(reverse("admin:index")).text
    )


@pytest.mark.parametrize(
    "term", ["上海音乐学院", "Shanghai Conservatory", "shcmusic.edu.cn"]
)
def test_institution_search_covers_names_in_all_languages_and_identifiers(
    client, records, term
):
    client.force_login(records["superuser"])
    response = client.get(admin_url(Institution, "changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [records["partner"]]


def test_agreement_search_finds_by_party_name_and_reference(client, records):
    client.force_login(records["superuser"])
    make_agreement(title="Unrelated")
    for term in ("上海音乐学院", "AP-2026-001"):
        response = client.get(admin_url(Agreement, "changelist"), {"q": term})
        assert list(response.context["cl"].result_list) == [records["agreement"]]


def test_agreement_filters_by_derived_state_and_expiry(client, superuser, time_machine):
    time_machine.move_to(TODAY)
    client.force_login(superuser)
    expired = make_agreement(
        valid_from=datetime.date(2020, 1, 1), expires_on=datetime.date(2021, 1, 1)
    )
    soon = make_agreement(expires_on=TODAY + datetime.timedelta(days=30))
    later = make_agreement(expires_on=TODAY + datetime.timedelta(days=900))
    url = admin_url(Agreement, "changelist")

    def found(params):
        return set(client.get(url, params).context["cl"].result_list)

    assert found({"state": "expired"}) == {expired}
    assert found({"state": "active"}) == {soon, later}
    assert found({"expiring": "90"}) == {soon}


def test_agreement_list_colours_expiry_dates(client, superuser, time_machine):
    time_machine.move_to(TODAY)
    client.force_login(superuser)
    make_agreement(
        valid_from=datetime.date(2020, 1, 1), expires_on=datetime.date(2021, 1, 1)
    )
    make_agreement(expires_on=TODAY + datetime.timedelta(days=30))
    page = client.get(admin_url(Agreement, "changelist")).text
    assert page.count('class="expiry expiry-expired"') == 1
    assert page.count('class="expiry expiry-soon"') == 1
    make_agreement(status="terminated", expires_on=TODAY + datetime.timedelta(days=9))
    page = client.get(admin_url(Agreement, "changelist")).text
    assert page.count('class="expiry expiry-soon"') == 1


def test_exchange_filters_by_state_and_broad_field(client, superuser, time_machine):
    time_machine.move_to(TODAY)
    client.force_login(superuser)
    music = make_exchange(
        starts_on=datetime.date(2027, 9, 1),
        ends_on=None,
        application_deadline=datetime.date(2027, 7, 1),
        fields_of_education=[field("0215")],
    )
    rehab = make_exchange(fields_of_education=[field("0915")])
    url = admin_url(Exchange, "changelist")
    assert list(client.get(url, {"state": "open"}).context["cl"].result_list) == [music]
    assert list(client.get(url, {"field": "09"}).context["cl"].result_list) == [rehab]


def test_anonymous_visitor_is_sent_to_login(client, records):
    response = client.get(admin_url(Exchange, "changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def exchange_form(exchange, **changes) -> dict:
    data = {
        "kind": exchange.kind,
        "title_en": exchange.title_en,
        "host": exchange.host_id,
        "starts_on": exchange.starts_on.isoformat(),
        "ends_on": exchange.ends_on.isoformat() if exchange.ends_on else "",
        "mode": exchange.mode,
        "slug": exchange.slug,
    }
    return {**data, **changes}


def test_viewer_sees_but_cannot_save(client, viewer, records):
    client.force_login(viewer)
    exchange = records["exchange"]
    url = admin_url(Exchange, "change", exchange.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert (
        client.post(url, exchange_form(exchange, title_en="Changed")).status_code == 403
    )
    assert client.get(admin_url(Exchange, "add")).status_code == 403
    exchange.refresh_from_db()
    assert exchange.title_en != "Changed"


def test_editor_saves_and_history_records_who(client, editor, records):
    client.force_login(editor)
    exchange = records["exchange"]
    response = client.post(
        admin_url(Exchange, "change", exchange.pk),
        exchange_form(exchange, title_en="Teacher exchange in Antwerp"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    exchange.refresh_from_db()
    assert exchange.title_en == "Teacher exchange in Antwerp"
    assert exchange.history.first().history_user == editor
    history = client.get(admin_url(Exchange, "history", exchange.pk)).text
    assert "editor" in history


def test_exchange_ending_before_start_is_refused_on_the_field(client, editor, records):
    client.force_login(editor)
    exchange = records["exchange"]
    response = client.post(
        admin_url(Exchange, "change", exchange.pk),
        exchange_form(exchange, ends_on="2027-02-01", title_en="Changed"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "before the start" in errors["ends_on"][0]
    exchange.refresh_from_db()
    assert exchange.title_en != "Changed"


def test_host_cannot_be_its_own_partner(client, editor, records):
    client.force_login(editor)
    exchange = records["exchange"]
    response = client.post(
        admin_url(Exchange, "change", exchange.pk),
        exchange_form(exchange, partners=[exchange.host_id]),
    )
    assert (
        "cannot also be a partner"
        in response.context["adminform"].form.errors["partners"][0]
    )


def institution_form(**changes) -> dict:
    data = {
        "name_en": "Hainan Vocational University of Science and Technology",
        "kind": "university",
        "country": "CN",
        "slug": "",
    }
    return {**data, **changes}


def test_editor_adds_an_institution(client, editor):
    client.force_login(editor)
    response = client.post(
        admin_url(Institution, "add"),
        institution_form(name_zh_hans="海南科技职业大学", erasmus_code="cn haikou01"),
    )
    assert response.status_code == 302
    added = Institution.objects.get(erasmus_code="CN HAIKOU01")
    assert added.name_zh_hans == "海南科技职业大学"
    assert added.slug == "hainan-vocational-university-of-science-and-technology"


@pytest.mark.parametrize(
    ("field_name", "value", "message"),
    [
        ("erasmus_code", "HAIKOU", "Enter an Erasmus code"),
        ("pic", "12345", "exactly 9 digits"),
        ("schac_code", "ap.be", "already has this identifier"),
        ("country", "XX", "not one of the available choices"),
    ],
)
def test_bad_institution_input_is_named_on_its_field(
    client, editor, field_name, value, message
):
    make_institution(schac_code="ap.be")
    client.force_login(editor)
    before = Institution.objects.count()
    response = client.post(
        admin_url(Institution, "add"), institution_form(**{field_name: value})
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field_name])
    assert Institution.objects.count() == before


def agreement_form(agreement, parties=(), documents=(), **changes) -> dict:
    data = {
        "kind": agreement.kind,
        "title_en": agreement.title_en,
        "reference": agreement.reference,
        "status": agreement.status,
        "signed_on": agreement.signed_on.isoformat(),
        "valid_from": agreement.valid_from.isoformat(),
        "expires_on": agreement.expires_on.isoformat(),
        "slug": agreement.slug,
        "parties-TOTAL_FORMS": len(parties),
        "parties-INITIAL_FORMS": 0,
        "exchange_kinds-TOTAL_FORMS": 0,
        "exchange_kinds-INITIAL_FORMS": 0,
        "documents-TOTAL_FORMS": len(documents),
        "documents-INITIAL_FORMS": 0,
    }
    for number, party in enumerate(parties):
        data.update(
            {
                f"parties-{number}-institution": party.pk,
                f"parties-{number}-role": "signatory",
                f"parties-{number}-position": number,
            }
        )
    for number, upload in enumerate(documents):
        data.update(
            {
                f"documents-{number}-title": "Signed text",
                f"documents-{number}-kind": "signed",
                f"documents-{number}-language": "en",
                f"documents-{number}-file": upload,
            }
        )
    return {**data, **changes}


def test_editor_adds_parties_and_a_pdf_inline(client, editor):
    client.force_login(editor)
    agreement = make_agreement()
    one, two = make_institution(), make_institution()
    response = client.post(
        admin_url(Agreement, "change", agreement.pk),
        agreement_form(
            agreement,
            parties=[one, two],
            documents=[SimpleUploadedFile("mou.pdf", PDF_BYTES)],
        ),
    )
    assert response.status_code == 302
    assert set(agreement.parties.values_list("institution", flat=True)) == {
        one.pk,
        two.pk,
    }
    assert AgreementDocument.objects.get(agreement=agreement).file.name.endswith(".pdf")


def test_document_that_is_not_a_pdf_is_refused(client, editor):
    client.force_login(editor)
    agreement = make_agreement()
    response = client.post(
        admin_url(Agreement, "change", agreement.pk),
        agreement_form(
            agreement,
            parties=[make_institution(), make_institution()],
            documents=[SimpleUploadedFile("mou.pdf", b"<html>not a pdf</html>")],
        ),
    )
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][2].formset
    assert "not a PDF" in formset.errors[0]["file"][0]
    assert not AgreementParty.objects.filter(agreement=agreement).exists()


def test_signed_agreement_needs_two_parties(client, editor):
    client.force_login(editor)
    agreement = make_agreement()
    response = client.post(
        admin_url(Agreement, "change", agreement.pk),
        agreement_form(agreement, parties=[make_institution()]),
    )
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "at least two parties" in formset.non_form_errors()[0]


def test_a_witness_is_not_one_of_the_two_parties(client, editor):
    client.force_login(editor)
    agreement = make_agreement()
    response = client.post(
        admin_url(Agreement, "change", agreement.pk),
        agreement_form(
            agreement,
            parties=[make_institution(), make_institution()],
            **{"parties-1-role": "witness"},
        ),
    )
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "at least two parties" in formset.non_form_errors()[0]
    assert not AgreementParty.objects.filter(agreement=agreement).exists()


def test_same_institution_twice_is_refused(client, editor):
    client.force_login(editor)
    agreement = make_agreement()
    twice = make_institution()
    response = client.post(
        admin_url(Agreement, "change", agreement.pk),
        agreement_form(agreement, parties=[twice, twice]),
    )
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "Please correct the duplicate data" in " ".join(formset.non_form_errors())


def test_agreement_expiring_before_start_is_refused_on_the_field(client, editor):
    client.force_login(editor)
    agreement = make_agreement()
    response = client.post(
        admin_url(Agreement, "change", agreement.pk),
        agreement_form(
            agreement,
            parties=[make_institution(), make_institution()],
            expires_on="2020-01-01",
        ),
    )
    errors = response.context["adminform"].form.errors
    assert "before the start of validity" in errors["expires_on"][0]


def test_duplicate_reference_is_refused_on_the_field(client, editor):
    client.force_login(editor)
    make_agreement(reference="AP-2026-001")
    agreement = make_agreement()
    response = client.post(
        admin_url(Agreement, "change", agreement.pk),
        agreement_form(
            agreement,
            parties=[make_institution(), make_institution()],
            reference="AP-2026-001",
        ),
    )
    assert (
        "already has this reference"
        in response.context["adminform"].form.errors["reference"][0]
    )


def test_publish_and_unpublish_actions_record_history(client, editor):
    client.force_login(editor)
    drafts = [make_exchange(published=False) for _ in range(2)]
    url = admin_url(Exchange, "changelist")
    client.post(url, {"action": "publish", "_selected_action": [d.pk for d in drafts]})
    assert Exchange.objects.filter(published=True).count() == 2
    assert drafts[0].history.first().history_user == editor
    client.post(url, {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    assert list(Exchange.objects.filter(published=False)) == [drafts[0]]
    latest = drafts[0].history.first()
    assert (latest.published, latest.history_user) == (False, editor)


def test_viewer_has_no_publish_action(client, viewer, records):
    client.force_login(viewer)
    page = client.get(admin_url(Exchange, "changelist")).text
    assert records["exchange"].title in page
    assert 'value="publish"' not in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "交流项目"), ("nl", "uitwisseling"), ("fr", "échange")],
)
def test_admin_speaks_the_staff_members_language(client, superuser, language, expected):
    client.force_login(superuser)
    page = client.get(
        admin_url(Exchange, "add"), headers={"accept-language": language}
    ).text
    assert expected in page.lower()


def test_viewer_cannot_revert_through_the_history_form(client, viewer, records):
    exchange = records["exchange"]
    version = exchange.history.earliest()
    client.force_login(viewer)
    response = client.post(
        reverse(
            "admin:cooperation_exchange_simple_history",
            args=[exchange.pk, version.history_id],
        ),
        exchange_form(exchange, title_en="Reverted by a viewer"),
    )
    assert response.status_code == 403
    exchange.refresh_from_db()
    assert exchange.title_en != "Reverted by a viewer"


def test_editor_can_revert_through_the_history_form(client, editor, records):
    exchange = records["exchange"]
    version = exchange.history.earliest()
    client.force_login(editor)
    response = client.post(
        reverse(
            "admin:cooperation_exchange_simple_history",
            args=[exchange.pk, version.history_id],
        ),
        exchange_form(exchange, title_en="Reverted by an editor"),
    )
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.title_en == "Reverted by an editor"


def test_agreement_history_shows_changes_to_its_parties(client, editor):
    agreement = make_agreement()
    one, two = make_institution(name_en="First Party"), make_institution()
    client.force_login(editor)
    client.post(
        admin_url(Agreement, "change", agreement.pk),
        agreement_form(agreement, parties=[one, two]),
    )
    page = client.get(admin_url(Agreement, "history", agreement.pk))
    entries = [item["entry"] for item in page.context["related_history"]]
    assert {str(entry.instance.institution) for entry in entries} >= {"First Party"}
    assert all(entry.history_user == editor for entry in entries)
    assert "Created party: First Party (signatory)" in page.text


def test_responsible_is_picked_by_autocomplete_among_active_staff(client, editor):
    make_user("colleague", is_staff=True, first_name="Lin")
    make_user("outsider", is_staff=False)
    make_user("former", is_staff=True, is_active=False)
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "cooperation",
            "model_name": "agreement",
            "field_name": "responsible",
            "term": "",
        },
    )
    assert response.status_code == 200
    names = {result["text"] for result in response.json()["results"]}
    assert "colleague" in names
    assert not names & {"outsider", "former"}
    # The user list itself stays closed to editors.
    assert client.get(reverse("admin:cooperation_user_changelist")).status_code == 403


def test_viewer_cannot_use_the_responsible_lookup(client, viewer):
    client.force_login(viewer)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "cooperation",
            "model_name": "agreement",
            "field_name": "responsible",
            "term": "",
        },
    )
    assert response.status_code == 403


# The staff member's own language (issue 11 §4) ------------------------------


def choose_language(client, language: str, back: str = "/admin/"):
    return client.post(reverse("admin:language"), {"language": language, "next": back})


def test_chosen_language_is_remembered_and_wins_over_the_browser(client, superuser):
    client.force_login(superuser)
    response = choose_language(client, "fr", admin_url(Exchange, "changelist"))
    assert response.status_code == 302
    assert response["Location"] == admin_url(Exchange, "changelist")
    superuser.refresh_from_db()
    assert superuser.language == "fr"
    # Another browser (no cookie) asking for Chinese still gets French.
    other = Client()
    other.force_login(superuser)
    for url in (reverse("admin:index"), admin_url(Exchange, "add")):
        response = other.get(url, headers={"accept-language": "zh-hans"})
        assert '<html lang="fr"' in response.text
        assert response["Content-Language"] == "fr"


def test_without_a_choice_the_admin_follows_the_browser(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"), headers={"accept-language": "nl"})
    assert '<html lang="nl"' in response.text


def test_chosen_language_leaves_public_pages_to_their_address(client, superuser):
    superuser.language = "fr"
    superuser.save()
    client.force_login(superuser)
    response = client.get("/nl/exchanges/")
    assert '<html lang="nl"' in response.text


def test_language_menu_is_in_the_admin_header_and_on_the_sign_in_page(
    client, superuser
):
    page = client.get(reverse("admin:login")).text
    for name in ("English", "简体中文", "Nederlands", "français"):
        assert f">{name}</button>" in page
    client.force_login(superuser)
    page = client.get(admin_url(Exchange, "changelist")).text
    assert 'action="/admin/language/"' in page
    assert 'value="zh-hans" lang="zh-hans"' in page


def test_sign_in_page_keeps_the_language_chosen_before_signing_in(client):
    response = choose_language(client, "nl", reverse("admin:login"))
    assert response.status_code == 302
    page = client.get(reverse("admin:login")).text
    assert '<html lang="nl"' in page


@pytest.mark.parametrize("value", ["xx", "", "zh-hans<script>"])
def test_unknown_language_is_refused_with_the_choices(client, superuser, value):
    client.force_login(superuser)
    response = choose_language(client, value)
    assert response.status_code == 302
    superuser.refresh_from_db()
    assert superuser.language == ""
    page = client.get(response["Location"]).text
    assert "is not a language of the admin" in page
    assert "en, zh-hans, nl, fr" in page


def test_language_menu_goes_back_only_to_this_site(client, superuser):
    client.force_login(superuser)
    response = choose_language(client, "fr", "https://evil.example/")
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:language")).status_code == 405


@pytest.mark.parametrize(
    ("language", "label", "help_text"),
    [
        ("zh-hans", "(简体中文)", "简体中文文本"),
        ("nl", "Naam (Vereenvoudigd Chinees)", "Vereenvoudigd Chinees"),
        ("fr", "Nom (Chinois simplifié)", "chinois simplifié"),
    ],
)
def test_translation_boxes_are_named_and_explained_in_each_language(
    client, superuser, language, label, help_text
):
    superuser.language = language
    superuser.save()
    client.force_login(superuser)
    page = client.get(admin_url(Institution, "add")).text
    assert "[zh-hans]" not in page
    assert "[en]" not in page
    chinese_row = page[page.index('for="id_name_zh_hans"') :][:800]
    assert help_text in chinese_row
    # The English help ("The international name, usually in English.") is
    # under the English box only.
    english_help = Institution._meta.get_field("name").help_text
    with translation.override(language):
        assert str(english_help) not in chinese_row
        assert page.count(str(english_help)) == 1


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("en", ["Title (Simplified Chinese)", "Kind"], ["Title Zh Hans", "(Kind)"]),
        ("fr", ["Titre (Chinois simplifié)", "Type"], ["Title Zh Hans", "(Kind)"]),
        ("zh-hans", ["接收时间"], ["Received (", "Created"]),
    ],
)
def test_export_columns_are_named_plainly_in_the_staff_members_language(
    client, superuser, language, expected, absent
):
    superuser.language = language
    superuser.save()
    client.force_login(superuser)
    model = Interest if language == "zh-hans" else Exchange
    page = client.get(admin_url(model, "export")).text
    labels = re.findall(r'<label for="id_\w+"[^>]*>\s*([^<]+?)\s*</label>', page)
    for text in expected:
        assert text in labels or text in page
    for text in absent:
        assert not any(text in label for label in labels)
