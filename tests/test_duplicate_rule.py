"""What makes two institutions likely duplicates (issue 8): names compared
without case, accents or the ASCII spellings of letters, the same website's
host, region and city that tell namesakes apart; and in an import, a row
that repeats an earlier one is skipped with a note, never blocks the file."""

import pytest
from django.db import connection

from cooperation.models import Institution
from cooperation.transfer import records_import, result_errors
from tests.factories import make_institution

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Universität Wien", "UNIVERSITAET WIEN"),
        ("Universität Wien", "Universitat Wien"),
        ("Technische Hochschule Straße", "technische hochschule strasse"),
        ("Ørestad Gymnasium", "Oerestad Gymnasium"),
        ("École Supérieure d'Art", "Ecole superieure d’art"),
        ("Łódź  University", "Lodz University."),
        ("Haute École (HEPL)", "Haute Ecole - HEPL"),
        ("上海音乐学院", "上海音乐学院"),
    ],
)
def test_names_are_compared_without_case_accents_or_ascii_spellings(one, other):
    keys = Institution.objects.name_keys_of([one, other])
    assert keys[one] == keys[other] != ""


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Universität Wien", "Universität Graz"),
        ("上海音乐学院", "上海戏剧学院"),
        ("Hogeschool Gent", "Hogeschool Genk"),
    ],
)
def test_different_names_keep_different_keys(one, other):
    keys = Institution.objects.name_keys_of([one, other])
    assert keys[one] != keys[other]


def test_stored_keys_follow_every_write_even_a_queryset_update():
    made = make_institution(
        name="Universität Wien", aliases="Uni Wien\nUniversity of Vienna"
    )
    stored = Institution.objects.values_list("name_keys", flat=True).get(pk=made.pk)
    assert stored == ["uni wien", "universitat wien", "university of vienna"]
    Institution.objects.filter(pk=made.pk).update(
        name_en="Universität Wien (neu)",
        aliases="",
        website="HTTP://WWW.Univie.ac.at/en/",
    )
    made = Institution.objects.get(pk=made.pk)
    assert made.name_keys == ["universitat wien neu"]
    assert made.website_host == "univie.ac.at"


def test_same_website_host_is_a_likely_duplicate_whatever_the_name():
    ghent = make_institution(name="Universiteit Gent", website="https://www.ugent.be/")
    make_institution(name="Other", website="https://ugent.example.org/")
    found = Institution.objects.likely_duplicates(
        name="Ghent University", country="FR", website="http://ugent.be/en/about"
    )
    assert list(found) == [ghent]
    assert found[0].similarity == 1.0


def test_ascii_spelling_of_a_name_is_a_likely_duplicate():
    vienna = make_institution(name="Universität Wien", country="AT", city="")
    found = Institution.objects.likely_duplicates(
        name="UNIVERSITAET WIEN", country="AT"
    )
    assert list(found) == [vienna]
    assert found[0].similarity == 1.0


@pytest.mark.parametrize(
    ("registered", "written", "alike"),
    [
        ("University of Vienna", "University Vienna", True),
        ("Universiteit Gent", "Universitet Gent", True),
        ("Universitat de Barcelona", "Universidad de Barcelona", True),
        # Names that share their generic words are not alike for that.
        ("University of Alabama", "University of Alaska", False),
        ("Universidad Nacional de Colombia", "Universidad Nacional de Córdoba", False),
    ],
)
def test_a_similar_name_is_alike_but_shared_generic_words_are_not(
    registered, written, alike
):
    make_institution(name=registered, country="US", city="")
    found = Institution.objects.likely_duplicates(name=written, country="US")
    assert [i.name for i in found] == ([registered] if alike else [])


def test_region_or_city_tell_namesakes_apart():
    texas = make_institution(
        name="Central Community College", country="US", region="Texas", city=""
    )
    found = Institution.objects.likely_duplicates
    assert not found(name="Central Community College", country="US", region="Nebraska")
    # Either side without a region: nothing tells them apart.
    assert list(found(name="Central Community College", country="US")) == [texas]
    assert list(
        found(name="Central Community College", country="US", region="TEXAS")
    ) == [texas]
    # The same website is the same institution, wherever it says it is.
    texas.website = "https://centralcollege.edu"
    texas.save()
    assert list(
        found(
            name="Central College",
            country="US",
            region="Nebraska",
            website="centralcollege.edu",
        )
    ) == [texas]


def test_the_add_form_check_excludes_the_record_itself():
    made = make_institution(name="Hogeschool Gent", website="https://hogent.be")
    found = Institution.objects.likely_duplicates(
        name="Hogeschool Gent", country="BE", website="hogent.be", exclude_pk=made.pk
    )
    assert not found.exists()


# The import -------------------------------------------------------------------------


def import_csv(content: str, **kwargs):
    return records_import(data=content.encode(), file_name="list.csv", **kwargs)[1]


def test_a_repeated_row_is_skipped_with_a_note_and_the_file_imports():
    result = import_csv(
        "Name,Country,Kind,City\n"
        "Hogeschool West,BE,school,Kortrijk\n"
        "Universität Linz,AT,university,\n"
        "HOGESCHOOL WEST,Belgium,school,\n"
        "Universitaet Linz,AT,university,\n"
    )
    assert result_errors(result) == []
    assert result.totals["new"] == 2
    assert (
        Institution.objects.filter(
            name_en__in=["Hogeschool West", "Universität Linz"]
        ).count()
        == 2
    )
    notes = result.notes()
    assert [(line, column) for line, column, _ in notes] == [(4, "Name"), (5, "Name")]
    assert "Repeats line 2" in notes[0][2] and "skipped" in notes[0][2]
    assert "Repeats line 3" in notes[1][2]


def test_namesakes_in_different_states_are_two_institutions():
    result = import_csv(
        "Name,Country,Kind,state-province\n"
        "Central Community College,US,university,Nebraska\n"
        "Central Community College,US,university,Texas\n"
    )
    assert result_errors(result) == []
    assert result.totals["new"] == 2
    assert result.notes() == []
    assert sorted(
        Institution.objects.filter(name_en="Central Community College").values_list(
            "region", flat=True
        )
    ) == ["Nebraska", "Texas"]


def test_a_region_says_which_namesake_a_row_updates():
    make_institution(name="Central Community College", country="US", region="Nebraska")
    texas = make_institution(
        name="Central Community College", country="US", region="Texas"
    )
    result = import_csv(
        "Name,Country,Kind,Region,Website\n"
        "Central Community College,US,university,Texas,https://ccc.example.edu\n",
        replace=True,
    )
    assert result_errors(result) == []
    assert result.totals["update"] == 1
    texas.refresh_from_db()
    assert texas.website == "https://ccc.example.edu"


def test_an_ascii_spelling_of_a_name_updates_and_a_same_website_is_flagged():
    vienna = make_institution(name="Universität Wien", country="AT", city="Wien")
    ghent = make_institution(
        name="Universiteit Gent", country="BE", website="https://www.ugent.be/"
    )
    result = import_csv(
        "Legal Name,Country Cd,Kind,City,Website Url\n"
        "UNIVERSITAET WIEN,AT,university,,https://univie.ac.at\n"
        "Ghent University,BE,university,Gent,ugent.be\n"
        "Hogeschool Nergens,BE,school,,\n",
    )
    assert result_errors(result) == []
    assert (result.totals["update"], result.totals["new"]) == (1, 2)
    vienna.refresh_from_db()
    assert vienna.name_en == "Universität Wien"
    assert vienna.official_name == "UNIVERSITAET WIEN"
    assert vienna.website == "https://univie.ac.at"
    flagged = {row.number: row.duplicates for row in result.rows_with_duplicates()}
    assert flagged == {
        2: [
            (
                "Universiteit Gent, Antwerp, BE",
                f"/admin/cooperation/institution/{ghent.pk}/change/",
            )
        ]
    }


def test_an_identifier_with_an_ascii_spelling_of_the_name_is_no_conflict():
    vienna = make_institution(
        name="Universität Wien", country="AT", erasmus_code="A  WIEN01"
    )
    result = import_csv(
        "Name,Country,Kind,Erasmus code\nUniversitaet Wien,AT,university,A  WIEN01\n"
    )
    assert result.conflicts() == []
    assert result_errors(result) == []
    vienna.refresh_from_db()
    assert vienna.name_en == "Universität Wien"  # filled empty fields only


def test_long_real_websites_fit():
    address = "https://www.example.edu/" + "departments/" * 30 + "index.html"
    assert len(address) > 255
    result = import_csv(
        f"Name,Country,Kind,Website\nLong Site College,BE,school,{address}\n"
    )
    assert result_errors(result) == []
    made = Institution.objects.get(name_en="Long Site College")
    assert made.website == address
    assert made.website_host == "example.edu"
    with connection.cursor() as cursor:
        cursor.execute("SELECT cooperation_web_host('user@Host.Example.org:8080/x')")
        assert cursor.fetchone() == ("host.example.org",)
