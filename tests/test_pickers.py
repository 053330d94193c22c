"""Pickers that tell records apart (issue 11 §2): institutions as "Name —
City, Country", agreements with their kind, parties and date, in the
autocomplete and in the options a form shows; a renewal's title says so."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from cooperation import services
from cooperation.models import Agreement
from tests.factories import make_agreement, make_exchange, make_institution
from tests.test_admin_surprises import change_url, posted

pytestmark = pytest.mark.django_db

#: Queries of a page of institution autocomplete results, however many it
#: holds: the session and its user, two-factor device, permissions, scope,
#: the estimated count (EXPLAIN, then COUNT), the page, the session's save.
INSTITUTION_AUTOCOMPLETE_QUERIES = 12
#: The same for agreements, and one for the parties with their institutions.
AGREEMENT_AUTOCOMPLETE_QUERIES = 13


def autocomplete(client, model_name: str, field_name: str, term: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "cooperation",
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_institutions_of_one_name_are_told_apart_by_place(client, editor):
    make_institution(
        name_en="Shenzhen Polytechnic University", city="Shenzhen", country="CN"
    )
    make_institution(name_en="Shenzhen Polytechnic University", city="", country="CN")
    client.force_login(editor)
    texts = autocomplete(client, "exchange", "host", "Shenzhen Polytechnic")
    assert sorted(texts) == [
        "Shenzhen Polytechnic University — China",
        "Shenzhen Polytechnic University — Shenzhen, China",
    ]


def test_a_renewal_and_its_original_are_told_apart(client, editor):
    ap = make_institution(name_en="AP Hogeschool")
    shanghai = make_institution(name_en="Shanghai Conservatory of Music")
    original = make_agreement(
        title_en="Musical talent MoU",
        parties=[ap, shanghai],
        signed_on=datetime.date(2026, 1, 10),
        expires_on=datetime.date(2030, 12, 31),
    )
    renewal = services.agreement_renew(agreement=original)
    client.force_login(editor)
    texts = autocomplete(client, "exchange", "agreement", "Musical talent")
    assert sorted(texts) == [
        "Musical talent MoU (renewal 2031) — memorandum of understanding; "
        "AP Hogeschool, Shanghai Conservatory of Music; draft",
        "Musical talent MoU — memorandum of understanding; "
        "AP Hogeschool, Shanghai Conservatory of Music; 2026-01-10",
    ]
    assert renewal.title_en == "Musical talent MoU (renewal 2031)"


def test_many_parties_are_shortened(editor):
    agreement = make_agreement(
        title_en="Alliance",
        parties=[make_institution(name_en=f"P{n}") for n in range(5)],
    )
    label = Agreement.objects.for_choices().get(pk=agreement.pk).choice_label
    assert "P0, P1, P2, 2 more" in label


@pytest.mark.parametrize("rows", [3, 10])
def test_agreement_autocomplete_queries_do_not_grow_with_the_results(
    client, editor, django_assert_num_queries, rows
):
    for number in range(rows):
        make_agreement(
            title_en=f"Exchange agreement {number}",
            parties=[make_institution(), make_institution(), make_institution()],
        )
    client.force_login(editor)
    client.get(reverse("admin:index"))  # the session and its user, once
    with django_assert_num_queries(AGREEMENT_AUTOCOMPLETE_QUERIES):
        texts = autocomplete(client, "exchange", "agreement", "Exchange agreement")
    assert len(texts) == rows


@pytest.mark.parametrize("rows", [3, 15])
def test_institution_autocomplete_queries_do_not_grow_with_the_results(
    client, editor, django_assert_num_queries, rows
):
    for number in range(rows):
        make_institution(name_en=f"Luban Workshop {number}")
    client.force_login(editor)
    client.get(reverse("admin:index"))
    with django_assert_num_queries(INSTITUTION_AUTOCOMPLETE_QUERIES):
        texts = autocomplete(client, "agreementparty", "institution", "Luban")
    assert len(texts) == rows


def test_chosen_options_of_a_form_carry_the_same_labels(client, editor):
    host = make_institution(
        name_en="Tianjin Light Industry", city="Tianjin", country="CN"
    )
    agreement = make_agreement(title_en="Luban MoU", parties=[host])
    exchange = make_exchange(host=host, agreement=agreement)
    client.force_login(editor)
    page = client.get(change_url(exchange)).text
    assert "Tianjin Light Industry — Tianjin, China</option>" in page
    assert "Luban MoU — memorandum of understanding; Tianjin Light Industry" in page


# Renewal titles ----------------------------------------------------------------------


@pytest.fixture
def expiring():
    return make_agreement(
        title_en="Vocational education MoU",
        title_zh_hans="职业教育谅解备忘录",
        title_nl="Memorandum beroepsonderwijs",
        title_fr="Protocole d’enseignement professionnel",
        expires_on=datetime.date(2030, 12, 31),
        parties=[make_institution(), make_institution()],
    )


def test_renewal_title_says_so_in_every_language(expiring):
    renewal = services.agreement_renew(agreement=expiring)
    assert renewal.title_en == "Vocational education MoU (renewal 2031)"
    assert renewal.title_zh_hans == "职业教育谅解备忘录（2031 年续签）"
    assert renewal.title_nl == "Memorandum beroepsonderwijs (verlenging 2031)"
    assert (
        renewal.title_fr
        == "Protocole d’enseignement professionnel (renouvellement 2031)"
    )
    assert translation.get_language() in (None, "en", "en-us")


def test_renewal_of_a_renewal_gives_the_new_year_only(expiring):
    renewal = services.agreement_renew(agreement=expiring)
    renewal.expires_on = datetime.date(2036, 1, 31)
    renewal.save()
    again = services.agreement_renew(agreement=renewal)
    assert again.title_en == "Vocational education MoU (renewal 2036)"
    assert again.title_zh_hans == "职业教育谅解备忘录（2036 年续签）"


def test_open_ended_agreement_renews_this_year(time_machine):
    time_machine.move_to(datetime.datetime(2027, 6, 15, 9, tzinfo=datetime.UTC))
    agreement = make_agreement(title_en="Framework", expires_on=None, title_nl="")
    renewal = services.agreement_renew(agreement=agreement)
    assert renewal.title_en == "Framework (renewal 2027)"
    assert renewal.title_nl == ""  # no Dutch title: it falls back to English


def test_renewal_title_can_be_edited(client, editor, expiring):
    renewal = services.agreement_renew(agreement=expiring)
    client.force_login(editor)
    response = client.post(
        change_url(renewal),
        posted(client, renewal, title_en="Vocational MoU 2031–2035"),
    )
    assert response.status_code == 302
    renewal.refresh_from_db()
    assert renewal.title_en == "Vocational MoU 2031–2035"
