"""Likely duplicate institutions: the queryset method, the add form's warning
and its "Save anyway" confirmation, and the import preview's flags."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperation.models import Institution
from tests.factories import make_institution

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:cooperation_institution_add")


def change_url(institution) -> str:
    return reverse("admin:cooperation_institution_change", args=[institution.pk])


def form_data(**fields) -> dict:
    """The add form's fields for a valid institution; ``fields`` override."""
    return {
        "name_en": "New Institution",
        "kind": "university",
        "country": "BE",
        "published": "",
        **fields,
    }


@pytest.fixture
def conservatory(db):
    return make_institution(
        name="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        official_name="上海音乐学院",
        country="CN",
        city="Shanghai",
        schac_code="shcmusic.edu.cn",
    )


# The queryset method ----------------------------------------------------------------


def test_same_identifier_is_a_likely_duplicate_in_any_country(conservatory):
    ap = make_institution(name="AP Hogeschool", erasmus_code="B  ANTWERP01")
    found = Institution.objects.likely_duplicates(
        name="Something else entirely",
        country="FR",
        identifiers={"erasmus_code": "b antwerp01", "pic": ""},  # normalised
    )
    assert list(found) == [ap]
    assert found[0].similarity == 1.0
    found = Institution.objects.likely_duplicates(
        identifiers={"schac_code": "SHCMUSIC.EDU.CN"}
    )
    assert list(found) == [conservatory]


def test_very_similar_name_in_the_same_country_is_a_likely_duplicate(conservatory):
    make_institution(name="Shanghai Normal University", country="CN")
    for name in (
        "Shanghai Conservatory of Music",
        "shanghai conservatory music",
        "Shanghai Conservatoire of Music",
        "上海音乐学院",  # the Chinese and official names count too
    ):
        found = Institution.objects.likely_duplicates(name=name, country="CN")
        assert list(found) == [conservatory], name


def test_similar_name_in_another_country_is_not_a_duplicate(conservatory):
    found = Institution.objects.likely_duplicates(
        name="Shanghai Conservatory of Music", country="BE"
    )
    assert not found.exists()


def test_different_names_are_not_duplicates(conservatory):
    for name in ("Shanghai Jiao Tong University", "上海音乐学院附属中学", "Music"):
        found = Institution.objects.likely_duplicates(name=name, country="CN")
        assert not found.exists(), name


def test_an_institution_is_not_its_own_duplicate(conservatory):
    found = Institution.objects.likely_duplicates(
        name=conservatory.name,
        country="CN",
        identifiers={"schac_code": conservatory.schac_code},
        exclude_pk=conservatory.pk,
    )
    assert not found.exists()


def test_nothing_to_compare_finds_nothing(conservatory):
    assert not Institution.objects.likely_duplicates().exists()
    assert not Institution.objects.likely_duplicates(name="", country="CN").exists()


# The add form -----------------------------------------------------------------------


def test_add_form_warns_of_likely_duplicates_with_links_and_saves_nothing(
    client, editor, conservatory
):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        form_data(name_en="Shanghai Conservatory of  Music", country="CN"),
    )
    assert response.status_code == 200
    assert Institution.objects.count() == 1
    page = response.text
    assert "This looks like an institution already in the registry" in page
    assert f'href="{change_url(conservatory)}"' in page
    assert 'type="checkbox" name="save_anyway"' in page


def test_add_form_saves_a_likely_duplicate_once_confirmed(client, editor, conservatory):
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        form_data(
            name_en="Shanghai Conservatory of  Music", country="CN", save_anyway="on"
        ),
    )
    assert response.status_code == 302
    assert Institution.objects.count() == 2


def test_add_form_without_likely_duplicates_shows_no_warning(client, editor):
    make_institution(name="Shanghai Conservatory of Music", country="CN")
    client.force_login(editor)
    page = client.get(ADD_URL).text
    assert 'type="hidden" name="save_anyway"' in page
    assert 'type="checkbox" name="save_anyway"' not in page
    response = client.post(ADD_URL, form_data(name_en="Hogeschool Gent"))
    assert response.status_code == 302
    assert Institution.objects.count() == 2


def test_add_form_warns_of_the_same_identifier(client, editor):
    existing = make_institution(name="AP Hogeschool", pic="999884732")
    client.force_login(editor)
    response = client.post(ADD_URL, form_data(name_en="AP", pic="999884732"))
    assert response.status_code == 200
    assert f'href="{change_url(existing)}"' in response.text
    # A shared identifier cannot be saved anyway: it must be unique.
    response = client.post(
        ADD_URL, form_data(name_en="AP", pic="999884732", save_anyway="on")
    )
    assert response.status_code == 200
    assert "Another institution already has this identifier." in response.text


def test_change_form_warns_only_when_names_country_or_identifiers_change(
    client, editor, conservatory
):
    other = make_institution(name="Shanghai Conservatory of Musik", country="DE")
    client.force_login(editor)
    data = form_data(name_en=other.name, country="DE", kind=other.kind)
    data["published"] = "on"
    assert client.post(change_url(other), data).status_code == 302  # unchanged name
    data["country"] = "CN"  # moved next to the conservatory
    response = client.post(change_url(other), data)
    assert response.status_code == 200
    assert f'href="{change_url(conservatory)}"' in response.text


def test_a_viewer_sees_no_confirmation_field(client, viewer, conservatory):
    client.force_login(viewer)
    page = client.get(change_url(conservatory)).text
    assert "save_anyway" not in page and "Save anyway" not in page


# The import preview --------------------------------------------------------------


def test_import_preview_flags_likely_duplicates_as_a_warning(
    client, editor, conservatory
):
    client.force_login(editor)
    content = (
        b"Name,Country,Kind\n"
        b"Shanghai Conservatory of Musics,China,conservatory\n"
        b"Ghent School of Arts,Belgium,school\n"
    )
    preview = client.post(
        reverse("admin:cooperation_institution_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("new.csv", content),
        },
    )
    result = preview.context["result"]
    assert not result.has_validation_errors()
    flagged = result.rows_with_duplicates()
    assert [row.number for row in flagged] == [1]
    assert flagged[0].duplicates == [
        ("Shanghai Conservatory of Music, Shanghai, CN", change_url(conservatory))
    ]
    page = preview.text
    assert "1 row looks like an institution already in the registry" in page
    assert f'href="{change_url(conservatory)}"' in page
    assert "confirm_form" in preview.context  # a warning, not an error


def test_import_row_with_an_existing_identifier_updates_without_warning(
    client, editor, conservatory
):
    client.force_login(editor)
    content = (
        b"Name,Country,Kind,SCHAC code\n"
        b"Shanghai Conservatory of Musics,China,conservatory,shcmusic.edu.cn\n"
    )
    preview = client.post(
        reverse("admin:cooperation_institution_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("same.csv", content),
            "update_mode": "replace",  # the name is filled in, not empty
        },
    )
    result = preview.context["result"]
    assert result.totals["update"] == 1
    assert result.rows_with_duplicates() == []
