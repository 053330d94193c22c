"""Rows whose identifier is that of a record with another name (issue 8 §1):
the admin's preview shows each side by side with a choice, "Leave the row
out" (the default, nothing changes) or "Same institution" (the row updates
the record, its names become the record's aliases); the confirm applies the
choices, and any decision it cannot trust leaves the row out."""

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from cooperation.models import Institution
from cooperation.transfer.admin import CONFLICTS_SALT
from tests.factories import make_exchange, make_institution
from tests.test_import import CSV_FORMAT, admin_url, confirm

pytestmark = pytest.mark.django_db

# Line 2 gives Institut Paul Bocuse's Erasmus code with a lycée's name; line
# 3 is a new institution.
LIST = (
    "Erasmus code,Name,Country,Kind,City,Region\n"
    "F  LYON121,Lycée François Rabelais,France,school,Dardilly,Rhône\n"
    "F  PARIS001,Université Paris 1 Panthéon-Sorbonne,France,university,Paris,\n"
)


@pytest.fixture
def bocuse():
    institution = make_institution(
        name="Institut Paul Bocuse",
        slug="institut-paul-bocuse",
        kind=Institution.Kind.UNIVERSITY,
        country="FR",
        city="Écully",
        erasmus_code="F  LYON121",
        aliases="Institut Bocuse",
    )
    make_exchange(title="Culinary summer school", host=institution)
    return institution


def preview(client, content: str, *, update_mode: str = "fill"):
    """Step one of the admin import, with the update mode chosen."""
    return client.post(
        admin_url(Institution, "import"),
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile("list.csv", content.encode()),
            "update_mode": update_mode,
        },
    )


def confirm_deciding(client, page, **decisions):
    """Step two, with a choice made for some lines (``conflict_<line>``)."""
    form = page.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(admin_url(Institution, "process_import"), data | decisions)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_preview_offers_a_labelled_choice_for_the_conflict(client, editor, bocuse):
    client.force_login(editor)

    page = preview(client, LIST)

    html = page.text
    table = html[html.index("import-conflicts") :]
    assert "Rows with another institution's identifier" in html
    assert '<form id="confirm-import"' in html
    assert "<legend>Decision for line 2</legend>" in table
    for value, label in (
        ("leave", "Leave the row out"),
        ("same", "Same institution: import the row into this record"),
    ):
        assert f'value="{value}"' in table
        assert label in table
    # The choices belong to the confirm form; leaving the row out is chosen.
    assert table.count('name="conflict_2"') == 2
    assert table.count('form="confirm-import"') == 2
    assert 'value="leave" form="confirm-import" id="id_conflict_2_0" checked' in table
    # Side by side: the file's name and the record's.
    assert "Lycée François Rabelais" in table
    assert ">Institut Paul Bocuse</a>" in table


def test_confirm_without_a_decision_leaves_the_row_out(client, editor, bocuse):
    client.force_login(editor)
    before = Institution.objects.values().get(pk=bocuse.pk)

    response = confirm(client, Institution, preview(client, LIST))

    assert response.status_code == 302
    assert Institution.objects.values().get(pk=bocuse.pk) == before
    assert bocuse.history.count() == 1
    assert Institution.objects.filter(erasmus_code="F  PARIS001").exists()


@pytest.mark.parametrize(
    ("update_mode", "city", "region"),
    [("fill", "Écully", "Rhône"), ("replace", "Dardilly", "Rhône")],
)
def test_same_institution_updates_the_record_and_keeps_the_name_as_an_alias(
    client, editor, bocuse, update_mode, city, region
):
    client.force_login(editor)
    page = preview(client, LIST, update_mode=update_mode)

    response = confirm_deciding(client, page, conflict_2="same")

    assert response.status_code == 302
    bocuse.refresh_from_db()
    # Updated as any matching row, by the update mode; still who it was.
    assert (bocuse.city, bocuse.region) == (city, region)
    assert (bocuse.name, bocuse.slug) == (
        "Institut Paul Bocuse",
        "institut-paul-bocuse",
    )
    assert bocuse.aliases == "Institut Bocuse\nLycée François Rabelais"
    assert bocuse.hosted_exchanges.count() == 1
    entry = bocuse.history.latest()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "~",
        editor,
        "Imported from list.csv",
    )
    assert Institution.objects.filter(erasmus_code="F  PARIS001").exists()


def test_two_conflicts_decided_differently(client, editor, bocuse):
    hepl = make_institution(
        name="Haute École de la Province de Liège",
        country="BE",
        city="Liège",
        erasmus_code="B  LIEGE42",
    )
    content = (
        "Erasmus code,Name,Country,Kind,City,Region\n"
        "F  LYON121,Lycée François Rabelais,France,school,Dardilly,Rhône\n"
        "B  LIEGE42,Athénée Royal de Waremme,Belgium,school,Waremme,Liège\n"
    )
    client.force_login(editor)
    page = preview(client, content)
    assert [c.line for c in page.context["result"].conflicts()] == [2, 3]

    confirm_deciding(client, page, conflict_2="leave", conflict_3="same")

    bocuse.refresh_from_db()
    hepl.refresh_from_db()
    assert (bocuse.aliases, bocuse.region, bocuse.history.count()) == (
        "Institut Bocuse",
        "",
        1,
    )
    assert (hepl.name, hepl.aliases, hepl.region) == (
        "Haute École de la Province de Liège",
        "Athénée Royal de Waremme",
        "Liège",
    )
    assert hepl.history.latest().history_user == editor


def test_forged_decision_for_a_line_that_is_no_conflict_is_ignored(
    client, editor, bocuse
):
    # The row's name is close enough to the record's to be no conflict: when
    # replacing, it replaces the name as any update does.
    content = (
        "Erasmus code,Name,Country,Kind,City\n"
        "F  LYON121,Institut Paul Bocuse Lyon,France,university,Lyon\n"
    )
    client.force_login(editor)
    page = preview(client, content, update_mode="replace")
    assert page.context["result"].conflicts() == []

    response = confirm_deciding(
        client, page, conflict_2="same", conflicts=f"[[2, {bocuse.pk}, 'x']]"
    )

    assert response.status_code == 302
    bocuse.refresh_from_db()
    assert (bocuse.name, bocuse.aliases, bocuse.city) == (
        "Institut Paul Bocuse Lyon",
        "Institut Bocuse",
        "Lyon",
    )


@pytest.mark.parametrize(
    "conflicts",
    [
        "not signed",
        # Signed, but for another record than the one line 2 matches.
        "signed for another record",
    ],
)
def test_tampered_decision_leaves_the_row_out(client, editor, bocuse, conflicts):
    other = make_institution(name="Institut Lyfe", country="FR")
    client.force_login(editor)
    page = preview(client, LIST)
    [conflict] = page.context["result"].conflicts()
    value = (
        f"[[2, {bocuse.pk}, '{conflict.record_version}']]"
        if conflicts == "not signed"
        else signing.dumps(
            [[2, other.pk, conflict.record_version]], salt=CONFLICTS_SALT
        )
    )

    response = confirm_deciding(client, page, conflict_2="same", conflicts=value)

    assert response.status_code == 302
    bocuse.refresh_from_db()
    assert (bocuse.aliases, bocuse.history.count()) == ("Institut Bocuse", 1)
    assert Institution.objects.filter(erasmus_code="F  PARIS001").exists()


def test_unknown_choice_leaves_the_row_out(client, editor, bocuse):
    client.force_login(editor)
    page = preview(client, LIST)

    response = confirm_deciding(client, page, conflict_2="rename the record")

    assert response.status_code == 302
    bocuse.refresh_from_db()
    assert (bocuse.name, bocuse.aliases) == ("Institut Paul Bocuse", "Institut Bocuse")


def test_record_changed_after_the_preview_leaves_the_row_out_and_says_so(
    client, editor, bocuse
):
    client.force_login(editor)
    page = preview(client, LIST)
    bocuse.description = "A school of culinary arts."
    bocuse.save()  # by someone else, between the preview and the confirm

    response = confirm_deciding(client, page, conflict_2="same")

    assert response.status_code == 302
    bocuse.refresh_from_db()
    assert (bocuse.aliases, bocuse.region) == ("Institut Bocuse", "")
    assert (
        "Line 2 was left out: “Institut Paul Bocuse” changed after the preview. "
        "Import the file again to decide for this line."
    ) in messages_of(response)
    assert Institution.objects.filter(erasmus_code="F  PARIS001").exists()


def test_confirmed_row_with_an_error_is_left_out_and_the_rest_imported(
    client, editor, bocuse
):
    content = (
        "Erasmus code,Name,Country,Kind,City,E-mail\n"
        "F  LYON121,Lycée François Rabelais,France,school,Dardilly,not an address\n"
        "F  PARIS001,Université Paris 1,France,university,Paris,\n"
    )
    client.force_login(editor)
    page = preview(client, content)

    response = confirm_deciding(client, page, conflict_2="same")

    assert response.status_code == 302
    bocuse.refresh_from_db()
    assert (bocuse.aliases, bocuse.email, bocuse.history.count()) == (
        "Institut Bocuse",
        "",
        1,
    )
    [message] = [m for m in messages_of(response) if m.startswith("Line 2")]
    assert message.startswith(
        "Line 2 was left out: it cannot update “Institut Paul Bocuse” (E-mail: "
    )
    assert Institution.objects.filter(erasmus_code="F  PARIS001").exists()
