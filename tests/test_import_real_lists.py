"""A real published list goes through on the first try (issue 8): files
shaped like the lists of the world's universities people publish (their
headers, the CIA World Factbook's country names, countries that no longer
exist, a broken address), and a few rows no one can correct left out
instead of stopping the whole list."""

from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.utils.html import escape

from cooperation.models import Institution
from cooperation.transfer import parse_country
from tests.test_import import admin_url, confirm, upload

pytestmark = pytest.mark.django_db

# The columns and values of an older edition of the list of the world's
# universities and their domains (its own rows, shortened to six).
WORLD_LIST = (
    b"name,country,web_page,domain\n"
    b'"Seoul National University","Korea, South","http://www.snu.ac.kr/","snu.ac.kr"\n'
    b'"Middle East Technical University","Turkey","http://www.metu.edu.tr/",'
    b'"metu.edu.tr"\n'
    b'"University of Yangon","Burma","http://www.uy.edu.mm/","uy.edu.mm"\n'
    b'"University of the Netherlands Antilles","Netherlands Antilles",'
    b'"http://www.una.an/","una.an"\n'
    b'"University of the West Indies St. Augustine","Trinidad & Tobago",'
    b'"http://sta.uwi.edu/","sta.uwi.edu"\n'
    b'"University of Eswatini","Swaziland","http://www.uniswa.sz/","uniswa.sz"\n'
)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Korea, South", "KR"),
        ("Korea, North", "KP"),
        ("Turkey", "TR"),
        ("Burma", "MM"),
        ("Macedonia", "MK"),
        ("Cape Verde", "CV"),
        ("Swaziland", "SZ"),
        ("Congo, Republic of the", "CG"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Ivory Coast", "CI"),
        ("Trinidad & Tobago", "TT"),
        ("St. Lucia", "LC"),
        ("Scotland", "GB"),
        ("Virgin Islands", "VI"),
        ("British Virgin Islands", "VG"),
    ],
)
def test_the_country_names_lists_use(name, code):
    assert parse_country(name) == code


def test_a_country_that_no_longer_exists_says_what_to_give():
    with pytest.raises(ValueError) as error:
        parse_country("Netherlands Antilles")
    message = str(error.value)
    assert "“Netherlands Antilles” no longer exists (since 2010)" in message
    assert "CW, SX, BQ" in message


def run(tmp_path, *options):
    path = tmp_path / "world_universities.csv"
    path.write_bytes(WORLD_LIST)
    out, err = StringIO(), StringIO()
    call_command(
        "import_records",
        str(path),
        "--kind",
        "university",
        *options,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_command_saves_nothing_and_says_how_to_import_the_other_rows(tmp_path):
    with pytest.raises(CommandError) as error:
        run(tmp_path)
    assert "Nothing was saved" in str(error.value)
    assert "--leave-out-errors" in str(error.value)
    assert not Institution.objects.exists()


def test_command_imports_the_other_rows_when_asked(tmp_path):
    out, err = run(tmp_path, "--leave-out-errors")

    assert "“Netherlands Antilles” no longer exists" in err
    assert "1 row with errors left out" in out
    assert set(Institution.objects.values_list("name_en", "country")) == {
        ("Seoul National University", "KR"),
        ("Middle East Technical University", "TR"),
        ("University of Yangon", "MM"),
        ("University of the West Indies St. Augustine", "TT"),
        ("University of Eswatini", "SZ"),
    }
    # "web_page" is the website, the domain only where there is none.
    assert Institution.objects.get(country="KR").website == "http://www.snu.ac.kr/"


def test_admin_preview_offers_to_import_the_other_rows(client, editor):
    client.force_login(editor)

    preview = upload(
        client, Institution, "world_universities.csv", WORLD_LIST, kind="university"
    )

    page = preview.text
    assert "Import the other rows" in page
    assert escape("“Netherlands Antilles” no longer exists") in page
    assert "1 row has errors (listed below)" in page
    assert "Seoul National University" in page  # the rows to import, previewed
    assert not Institution.objects.exists()

    response = confirm(client, Institution, preview)

    assert response.status_code == 302
    assert Institution.objects.count() == 5
    assert not Institution.objects.filter(name_en__contains="Antilles").exists()
    assert any(
        "1 row with errors was left out" in str(message)
        for message in get_messages(response.wsgi_request)
    )


def test_admin_confirm_without_leaving_out_saves_nothing(client, editor):
    client.force_login(editor)
    preview = upload(
        client, Institution, "world_universities.csv", WORLD_LIST, kind="university"
    )
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["leave_out_errors"] = ""

    client.post(admin_url(Institution, "process_import"), data)

    assert not Institution.objects.exists()


def test_no_offer_when_no_row_can_be_imported(client, editor):
    client.force_login(editor)
    content = b"name,country\nUniversity of Curacao,Netherlands Antilles\n"

    preview = upload(client, Institution, "list.csv", content, kind="university")

    assert "confirm_form" not in preview.context
    assert "Some rows have errors: nothing was saved" in preview.text
