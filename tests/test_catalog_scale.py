"""The catalogs' behaviour that keeps them fast as the registry grows:
orders read part by part, counts capped and estimated, bounded page links,
bounded relevance ranking, type-ahead instead of a select of every
institution."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cooperation import paginators
from cooperation.models import Exchange
from cooperation.paginators import (
    CatalogPaginator,
    OrderedParts,
    capped_count,
    round_estimate,
)
from cooperation.public import filters
from tests.factories import field, make_agreement, make_exchange, make_institution

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 6, 15)
D = datetime.date


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2027, 6, 15, 10, 0, tzinfo=datetime.UTC))


def url(name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name)


def titles(response) -> list[str]:
    return [exchange.title for exchange in response.context["object_list"]]


# OrderedParts and the paginator


@pytest.fixture
def numbered():
    host = make_institution()
    return [make_exchange(title=f"E{n:02}", host=host) for n in range(12)]


def split(numbered, *sizes):
    """Exchanges E00.. cut into consecutive parts of ``sizes`` (by title)."""
    parts, start = [], 0
    for size in sizes:
        titles_ = [f"E{n:02}" for n in range(start, start + size)]
        parts.append(Exchange.objects.filter(title__in=titles_).order_by("title"))
        start += size
    return OrderedParts(Exchange.objects.all(), parts)


@pytest.mark.parametrize("sizes", [(12,), (5, 0, 7), (0, 3, 4, 5), (1, 1, 10)])
def test_ordered_parts_slice_like_one_list(numbered, sizes):
    expected = [f"E{n:02}" for n in range(12)]
    for start in range(13):
        for stop in range(start, 14):
            got = [e.title for e in split(numbered, *sizes)[start:stop]]
            assert got == expected[start:stop], (sizes, start, stop)


@pytest.mark.parametrize("sizes", [(12,), (5, 0, 7), (0, 3, 4, 5)])
def test_ordered_parts_tail_reads_backwards(numbered, sizes):
    expected = [f"E{n:02}" for n in range(12)]
    for size in range(1, 13):
        assert [e.title for e in split(numbered, *sizes).tail(size)] == (
            expected[-size:]
        )


@pytest.mark.parametrize("sizes", [(12,), (5, 0, 7), (0, 3, 4, 5), (1, 1, 10)])
def test_ordered_parts_tail_skips_rows_from_the_end(numbered, sizes):
    expected = [f"E{n:02}" for n in range(12)]
    for skip in range(13):
        for size in range(1, 13 - skip):
            got = [e.title for e in split(numbered, *sizes).tail(size, skip=skip)]
            assert got == expected[12 - skip - size : 12 - skip], (sizes, skip, size)


def test_pages_of_the_second_half_are_read_from_the_end(numbered, monkeypatch):
    monkeypatch.setattr(paginators, "CATALOG_EXACT_COUNT_LIMIT", 5)
    monkeypatch.setattr(paginators, "planned_rows", lambda queryset: 12)
    paginator = CatalogPaginator(split(numbered, 4, 8), per_page=5)
    assert (paginator.num_pages, paginator.estimated) == (3, True)
    with CaptureQueriesContext(connection) as queries:
        middle = paginator.page(2)
    # Rows 5-9 from the start, read as rows 2-6 from the end (no OFFSET 5).
    assert [e.title for e in middle.object_list] == [f"E{n:02}" for n in range(5, 10)]
    assert all("OFFSET 5" not in query["sql"] for query in queries)


def test_pages_too_far_from_both_ends_are_refused(client, calendar, monkeypatch):
    from cooperation.public.views import ExchangeListView

    monkeypatch.setattr(paginators, "CATALOG_READ_DEPTH", 2)
    monkeypatch.setattr(ExchangeListView, "paginate_by", 1)
    assert titles(client.get(url("exchange-list"), {"page": 3})) == UPCOMING[2:3]
    assert titles(client.get(url("exchange-list"), {"page": 8})) == UPCOMING[7:8]
    assert client.get(url("exchange-list"), {"page": 5}).status_code == 404


def test_count_is_exact_up_to_the_cap_then_estimated(numbered, monkeypatch):
    everything = Exchange.objects.all()
    # What the planner expects decides whether to count: fixed here, as a
    # fresh test table's statistics are anything.
    monkeypatch.setattr(paginators, "planned_rows", lambda queryset: 15)
    assert capped_count(everything, 12) == (12, False)  # counted
    assert capped_count(everything, 5) == (15, True)  # far more: not counted
    monkeypatch.setattr(paginators, "planned_rows", lambda queryset: 8)
    assert capped_count(everything, 5) == (8, True)  # counted past the cap


def test_estimates_are_rounded_to_three_figures():
    assert round_estimate(74_915) == 74_900
    assert round_estimate(1_000_412) == 1_000_000
    assert round_estimate(999) == 999


def test_estimated_last_page_holds_the_end_of_the_order(numbered, monkeypatch):
    monkeypatch.setattr(paginators, "CATALOG_EXACT_COUNT_LIMIT", 5)
    monkeypatch.setattr(paginators, "planned_rows", lambda queryset: 10)
    paginator = CatalogPaginator(split(numbered, 4, 8), per_page=4)

    assert (paginator.total, paginator.estimated) == (10, True)
    last = paginator.page(paginator.num_pages)
    # Two rows were estimated for the last page: the last two of the order.
    assert [e.title for e in last.object_list] == ["E10", "E11"]


# The default order, "upcoming first"


@pytest.fixture
def calendar():
    host = make_institution()

    def exchange(title, starts_on, ends_on=None, **fields):
        return make_exchange(
            title=title, host=host, starts_on=starts_on, ends_on=ends_on, **fields
        )

    exchange("finished long ago", D(2020, 1, 1), D(2020, 1, 5))
    exchange("finished last month", D(2027, 5, 1), D(2027, 5, 20))
    exchange("finished yesterday", D(2027, 6, 14))
    exchange("runs since last year", D(2026, 9, 1), D(2027, 7, 1))
    exchange("runs today only", D(2027, 6, 15))
    exchange("runs since last week", D(2027, 6, 8), D(2027, 6, 30))
    exchange("starts tomorrow", D(2027, 6, 16))
    exchange("starts next year", D(2028, 3, 1), D(2028, 3, 10))
    exchange("cancelled, was planned", D(2027, 9, 1), cancelled=True)
    exchange("cancelled long ago", D(2021, 9, 1), cancelled=True)


UPCOMING = [
    "runs today only",
    "runs since last week",
    "runs since last year",
    "starts tomorrow",
    "starts next year",
    "finished yesterday",
    "finished last month",
    "finished long ago",
    "cancelled, was planned",
    "cancelled long ago",
]


def test_upcoming_order_running_planned_finished_cancelled(client, calendar):
    assert titles(client.get(url("exchange-list"))) == UPCOMING


@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 7])
def test_upcoming_pages_neither_repeat_nor_skip(client, calendar, per_page):
    from cooperation.public.views import ExchangeListView

    seen = []
    original = ExchangeListView.paginate_by
    ExchangeListView.paginate_by = per_page
    try:
        number = 1
        while True:
            response = client.get(url("exchange-list"), {"page": number})
            seen += titles(response)
            if not response.context["page_obj"].has_next():
                break
            number += 1
        last = titles(client.get(url("exchange-list"), {"page": "last"}))
    finally:
        ExchangeListView.paginate_by = original
    assert seen == UPCOMING
    assert last == UPCOMING[-len(last) :]


def test_upcoming_parts_are_each_served_by_an_index(calendar):
    # A table of ten rows is read whole whatever the indexes: ask which
    # index each part would use if reading it whole were not an option.
    switches = ("enable_seqscan", "enable_bitmapscan", "enable_sort")
    with connection.cursor() as cursor:
        for switch in switches:
            cursor.execute(f"SET {switch} = off")
        plans = [
            part.explain() for part in Exchange.objects.public().upcoming_parts(TODAY)
        ]
        for switch in switches:
            cursor.execute(f"RESET {switch}")
    assert "exchange_starts_on" in plans[0]
    assert "exchange_starts_on" in plans[1]
    assert "exchange_last_day" in plans[2]
    assert "exchange_cancelled_starts_on" in plans[3]


def test_page_links_stay_few_however_many_pages(client, calendar, monkeypatch):
    from cooperation.public.views import ExchangeListView

    monkeypatch.setattr(ExchangeListView, "paginate_by", 1)
    page = client.get(url("exchange-list"), {"page": 5}).text
    links = re.findall(r'class="page-link"[^>]*>(\d+|…)<', page)
    assert links == ["1", "2", "3", "4", "5", "6", "7", "…", "10"]
    page = client.get(url("exchange-list"), {"page": 6}).text
    links = re.findall(r'class="page-link"[^>]*>(\d+|…)<', page)
    assert links == ["1", "…", "4", "5", "6", "7", "8", "9", "10"]


def page_links(page: str) -> list[tuple[str, str]]:
    """The pagination's numbers: ("link", n), ("current", n) or ("gap", "…")."""
    (nav,) = re.findall(r'<nav aria-label="Pages".*?</nav>', page, re.S)
    kinds = {"a": "link", "span": "current"}
    return [
        ("gap", "…") if text == "…" else (kinds[tag], text)
        for tag, text in re.findall(r'<(a|span) class="page-link"[^>]*>(\d+|…)<', nav)
    ]


def test_page_links_are_django_s_elided_range_of_an_estimated_count(
    client, calendar, monkeypatch
):
    from cooperation.public.views import ExchangeListView

    # Ten exchanges, one a page, counted as about fifty: page 10 of 50.
    monkeypatch.setattr(ExchangeListView, "paginate_by", 1)
    monkeypatch.setattr(paginators, "CATALOG_EXACT_COUNT_LIMIT", 3)
    monkeypatch.setattr(paginators, "planned_rows", lambda queryset: 50)
    response = client.get(url("exchange-list"), {"sort": "title", "page": 10})
    assert response.context["paginator"].num_pages == 50
    page = response.text
    assert page_links(page) == [
        ("link", "1"),
        ("gap", "…"),
        ("link", "8"),
        ("link", "9"),
        ("current", "10"),
        ("link", "11"),
        ("link", "12"),
        ("gap", "…"),
        ("link", "50"),
    ]
    assert '<span class="page-link" aria-current="page">10</span>' in page
    assert 'href="?sort=title&amp;page=9">9</a>' in page
    assert 'href="?sort=title&amp;page=50">50</a>' in page


@pytest.mark.parametrize(
    ("number", "shown", "previous", "following"),
    [
        (3, ["1", "2", "3", "…", "10"], True, False),
        (8, ["1", "…", "8", "9", "10"], False, True),
    ],
)
def test_no_page_link_leads_to_a_page_too_deep(
    client, calendar, monkeypatch, number, shown, previous, following
):
    from cooperation.public.views import ExchangeListView

    monkeypatch.setattr(paginators, "CATALOG_READ_DEPTH", 2)
    monkeypatch.setattr(ExchangeListView, "paginate_by", 1)
    page = client.get(url("exchange-list"), {"page": number}).text
    assert [text for _kind, text in page_links(page)] == shown
    assert ('rel="prev"' in page) is previous
    assert ('rel="next"' in page) is following
    for link in re.findall(r'href="\?page=(\d+)"', page):
        assert client.get(url("exchange-list"), {"page": link}).status_code == 200


def test_a_page_past_the_end_of_an_estimate_too_high_is_not_found(
    client, calendar, monkeypatch
):
    from cooperation.public.views import ExchangeListView

    # Ten exchanges counted as about a hundred: fifty pages of two, estimated.
    monkeypatch.setattr(ExchangeListView, "paginate_by", 2)
    monkeypatch.setattr(paginators, "CATALOG_EXACT_COUNT_LIMIT", 3)
    monkeypatch.setattr(paginators, "planned_rows", lambda queryset: 100)
    last = client.get(url("exchange-list"), {"page": 5})
    assert titles(last) == UPCOMING[8:10]
    assert client.get(url("exchange-list"), {"page": 6}).status_code == 404


# Counts on the page


def test_large_result_shows_an_estimated_count(client, calendar, monkeypatch):
    from cooperation.public.views import ExchangeListView

    monkeypatch.setattr(ExchangeListView, "paginate_by", 2)
    monkeypatch.setattr(paginators, "CATALOG_EXACT_COUNT_LIMIT", 3)
    monkeypatch.setattr(paginators, "planned_rows", lambda queryset: 74_915)

    page = client.get(url("exchange-list")).text
    assert "About 74,900 exchanges found" in page
    french = client.get(url("exchange-list", "fr")).text
    assert "Environ 74\xa0900 échanges trouvés" in french


def test_small_result_count_is_exact(client, calendar):
    assert "10 exchanges found" in client.get(url("exchange-list")).text


def test_a_short_first_page_corrects_a_wrong_estimate(client, calendar, monkeypatch):
    monkeypatch.setattr(paginators, "CATALOG_EXACT_COUNT_LIMIT", 3)
    monkeypatch.setattr(paginators, "planned_rows", lambda queryset: 74_915)

    response = client.get(url("exchange-list"))

    assert "10 exchanges found" in response.text
    assert not response.context["paginator"].estimated
    assert not response.context["is_paginated"]


# Search ranks a bounded number of matches


def test_relevance_ranks_only_the_latest_candidates(client, monkeypatch):
    monkeypatch.setattr(filters, "SEARCH_CANDIDATES", 3)
    host = make_institution()
    for year in range(2020, 2025):
        make_exchange(
            title=f"Welding course {year}", host=host, starts_on=D(year, 1, 1)
        )
    make_exchange(title="Welding welding welding", host=host, starts_on=D(2019, 1, 1))

    response = client.get(url("exchange-list"), {"q": "welding"})

    paginator = response.context["paginator"]
    assert (paginator.total, paginator.count) == (6, 3)
    assert sorted(titles(response)) == [
        "Welding course 2022",
        "Welding course 2023",
        "Welding course 2024",
    ]
    assert "The 3 most relevant of the latest matches are shown." in response.text
    by_date = client.get(url("exchange-list"), {"q": "welding", "sort": "newest"})
    assert by_date.context["paginator"].count == 6


# Filters that do not list every record


def test_no_select_lists_the_institutions(client):
    for number in range(40):
        make_exchange(host=make_institution(name=f"Polytechnic {number}"))
    options = client.get(url("exchange-list")).text.count("<option")
    for number in range(40):
        make_exchange(host=make_institution(name=f"Maritime college {number}"))

    page = client.get(url("exchange-list")).text

    assert "Polytechnic 7" not in page
    assert 'list="institution-suggestions"' in page
    # Forty more institutions (in the same country), not one more choice.
    assert page.count("<option") == options


def test_field_select_offers_broad_and_narrow_fields_only(client):
    page = client.get(url("exchange-list")).text
    select = re.search(r'<select name="field".*?</select>', page, re.S).group(0)
    codes = re.findall(r'value="(\d+)"', select)
    assert "02" in codes
    assert "021" in codes
    assert "0215" not in codes
    assert all(len(code) in (2, 3) for code in codes)


def test_detailed_and_unknown_fields_in_the_url(client):
    music = make_exchange(title="Music", fields_of_education=[field("0215")])
    make_exchange(title="Nursing", fields_of_education=[field("0913")])

    assert titles(client.get(url("exchange-list"), {"field": "0215"})) == ["Music"]
    assert titles(client.get(url("exchange-list"), {"field": "02"})) == ["Music"]
    assert titles(client.get(url("exchange-list"), {"field": "zz"})) == []
    assert music.pk


@pytest.fixture
def conservatory():
    return make_institution(
        name_en="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        city="Shanghai",
        country="CN",
        slug="shanghai-conservatory-of-music",
    )


def test_institution_filter_by_slug_name_or_words(client, conservatory):
    affiliated = make_institution(name="Shanghai Conservatory of Music Middle School")
    hosted = make_exchange(title="Hosted", host=conservatory)
    partnered = make_exchange(title="Partnered", partners=[conservatory])
    make_exchange(title="At the middle school", host=affiliated)
    make_exchange(title="Elsewhere")
    catalog = url("exchange-list")

    for value in (
        "shanghai-conservatory-of-music",
        "Shanghai Conservatory of Music",
        "shanghai conservatory of music",
        "上海音乐学院",
    ):
        found = titles(client.get(catalog, {"institution": value}))
        assert sorted(found) == ["Hosted", "Partnered"], value
    words = titles(client.get(catalog, {"institution": "conservatory shanghai"}))
    assert sorted(words) == ["At the middle school", "Hosted", "Partnered"]
    assert titles(client.get(catalog, {"institution": "nowhere at all"})) == []
    assert hosted.pk and partnered.pk


def test_unpublished_institution_is_not_found_by_name(client):
    hidden = make_institution(name="Hidden Academy", published=False)
    make_exchange(title="Partnered", partners=[hidden])

    found = titles(client.get(url("exchange-list"), {"institution": "Hidden Academy"}))
    assert found == []


def test_suggestions_complete_words_in_the_language_of_the_url(client, conservatory):
    make_institution(name="Shenzhen Polytechnic University", country="CN")
    make_institution(name="Shanghai Hidden School", published=False)

    response = client.get(url("institution-suggestions"), {"q": "shang conserv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "max-age=300" in response["Cache-Control"]
    assert response.json()["results"] == [
        {
            "name": "Shanghai Conservatory of Music",
            "place": "Shanghai, China",
            "slug": "shanghai-conservatory-of-music",
        }
    ]
    names = [
        r["name"]
        for r in client.get(url("institution-suggestions"), {"q": "sh"}).json()[
            "results"
        ]
    ]
    assert names == [
        "Shanghai Conservatory of Music",
        "Shenzhen Polytechnic University",
    ]
    chinese = client.get(url("institution-suggestions", "zh-hans"), {"q": "上海"})
    assert chinese.json()["results"][0]["name"] == "上海音乐学院"
    assert chinese.json()["results"][0]["place"] == "Shanghai, 中国"


@pytest.mark.parametrize("text", ["", "   ", "&|!(", "'", "\\", "a" * 500, "é:*"])
def test_suggestions_take_any_input(client, conservatory, text):
    response = client.get(url("institution-suggestions"), {"q": text})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_page_links_of_fifty_thousand_pages_are_nine():
    from django.core.paginator import Paginator

    from cooperation.public.templatetags import page_links

    page = Paginator(range(1_000_000), 20).page(25_000)
    assert len(page_links(page)) == 9


# Figures over whole tables are cached until a record changes


def test_home_figures_are_cached_until_a_record_changes(
    client, django_capture_on_commit_callbacks
):
    make_exchange(starts_on=D(2027, 9, 1), ends_on=None)
    first = client.get(url("home")).context["figures"]
    assert first["exchanges"] == 1

    Exchange.objects.update(starts_on=D(2027, 9, 2))  # no save(): still cached
    make_exchange_without_commit = client.get(url("home")).context["figures"]
    assert make_exchange_without_commit == first

    with django_capture_on_commit_callbacks(execute=True):
        make_exchange(starts_on=D(2027, 10, 1), ends_on=None)
    assert client.get(url("home")).context["figures"]["exchanges"] == 2


def test_statistics_are_cached_per_language(client, django_capture_on_commit_callbacks):
    make_exchange(starts_on=D(2027, 9, 1), ends_on=None)
    english = client.get(url("statistics"))
    chinese = client.get(url("statistics", "zh-hans"))
    assert english.context["charts"][0]["title"] == "Exchanges per year"
    assert chinese.context["charts"][0]["title"] != "Exchanges per year"

    with django_capture_on_commit_callbacks(execute=True):
        make_exchange(starts_on=D(2028, 9, 1), ends_on=None)
    rows = client.get(url("statistics")).context["charts"][0]["rows"]
    assert [row["label"] for row in rows] == ["2027", "2028"]


# The admin's exchange list at scale


def admin_titles(client, **params) -> list[str]:
    response = client.get("/admin/cooperation/exchange/", params)
    assert response.status_code == 200
    return sorted(e.title for e in response.context["cl"].result_list)


def test_admin_search_uses_the_full_text_index(client, superuser, conservatory):
    client.force_login(superuser)
    ghent = make_institution(name="Ghent Opera Studio")
    agreement = make_agreement(
        parties=[conservatory, ghent], reference="MOU-2027-001", title="Opera MoU"
    )
    make_exchange(title="Orchestra tour", host=conservatory)
    make_exchange(title="Voice masterclass", host=ghent, agreement=agreement)
    make_exchange(title="Welding camp", partners=[ghent], summary="Metal works")

    assert admin_titles(client, q="orchestra") == ["Orchestra tour"]
    assert admin_titles(client, q="上海") == ["Orchestra tour"]
    assert admin_titles(client, q="opera studio") == [
        "Voice masterclass",
        "Welding camp",
    ]
    assert admin_titles(client, q="metal") == ["Welding camp"]
    assert admin_titles(client, q="mou-2027-001") == ["Voice masterclass"]
    assert admin_titles(client, q="&|!") == []


def admin_found(client, model: str, term: str) -> list[str]:
    """What the admin's list of ``model`` finds for ``term``, and that it
    searched the full-text documents, not with LIKE over the columns."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/cooperation/{model}/", {"q": term})
    assert response.status_code == 200
    searched = [q["sql"] for q in queries if "@@" in q["sql"]]
    assert searched and not any(" LIKE " in sql for sql in searched)
    return sorted(str(record) for record in response.context["cl"].result_list)


def test_admin_institution_and_agreement_search_use_the_full_text_index(
    client, superuser, conservatory
):
    client.force_login(superuser)
    ghent = make_institution(name="Ghent Opera Studio", erasmus_code="B  GENT25")
    make_agreement(parties=[conservatory, ghent], title="Opera MoU")
    make_agreement(title="Welding charter", reference="WC-9")

    assert admin_found(client, "institution", "conservatory") == [str(conservatory)]
    assert admin_found(client, "institution", "上海音") == [str(conservatory)]
    assert admin_found(client, "institution", "B GENT25") == [str(ghent)]
    assert admin_found(client, "agreement", "opera studio") == ["Opera MoU"]
    assert admin_found(client, "agreement", "上海") == ["Opera MoU"]
    assert admin_found(client, "agreement", "wc-9") == ["Welding charter"]


def test_a_picker_finds_institutions_by_the_beginning_of_a_word(
    client, superuser, conservatory
):
    client.force_login(superuser)
    make_institution(name="Ghent Opera Studio")
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "shangh",
            "app_label": "cooperation",
            "model_name": "agreementparty",
            "field_name": "institution",
        },
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(conservatory.pk)]


def test_admin_exchange_list_is_newest_first(client, superuser):
    client.force_login(superuser)
    make_exchange(title="Old", starts_on=D(2020, 1, 1), ends_on=None)
    make_exchange(title="New", starts_on=D(2028, 1, 1), ends_on=None)
    response = client.get("/admin/cooperation/exchange/")
    assert [e.title for e in response.context["cl"].result_list] == ["New", "Old"]


# What the catalog filters on is kept on each exchange by the database


def facets(exchange) -> tuple:
    exchange.refresh_from_db()
    return (
        sorted(exchange.countries),
        sorted(exchange.institutions),
        sorted(exchange.field_codes),
    )


def test_facets_follow_partners_fields_and_institutions():
    host = make_institution(country="BE")
    partner = make_institution(country="CN")
    hidden = make_institution(country="FR", published=False)
    exchange = make_exchange(host=host)
    assert facets(exchange) == (["BE"], [host.pk], [])

    exchange.partners.add(partner, hidden)
    exchange.fields.add(field("0215"))
    assert facets(exchange) == (
        ["BE", "CN"],
        sorted([host.pk, partner.pk]),
        [
            "02",
            "021",
            "0215",
        ],
    )

    hidden.published = True
    hidden.save()
    partner.country = "NL"
    partner.save()
    exchange.fields.remove(field("0215"))
    exchange.fields.add(field("09"))
    assert facets(exchange) == (
        ["BE", "FR", "NL"],
        sorted([host.pk, partner.pk, hidden.pk]),
        ["09"],
    )

    exchange.partners.clear()
    exchange.host = partner
    exchange.save()
    assert facets(exchange) == (["NL"], [partner.pk], ["09"])


def test_catalog_filters_use_the_kept_columns(client):
    belgian = make_institution(country="BE", name="Ghent Opera Studio")
    make_exchange(title="Both", host=belgian, partners=[make_institution(country="CN")])
    make_exchange(title="Belgian only", host=belgian)
    catalog = url("exchange-list")

    assert sorted(titles(client.get(catalog, {"country": "CN"}))) == ["Both"]
    assert sorted(titles(client.get(catalog, {"country": "BE"}))) == [
        "Belgian only",
        "Both",
    ]


# Detail pages list the latest records, not all of them


def test_institution_page_lists_the_latest_exchanges(client, conservatory):
    from cooperation.public.views import DETAIL_ROWS

    for day in range(1, DETAIL_ROWS + 3):
        make_exchange(
            title=f"Concert {day:02}", host=conservatory, starts_on=D(2026, 1, day)
        )
    response = client.get(conservatory.get_absolute_url())

    hosted = [exchange.title for exchange in response.context["hosted"]]
    assert len(hosted) == DETAIL_ROWS
    assert hosted[0] == f"Concert {DETAIL_ROWS + 2:02}"
    assert "Concert 01" not in response.text
    assert "?institution=shanghai-conservatory-of-music" in response.text


def test_agreement_page_lists_the_latest_exchanges(client, conservatory):
    from cooperation.public.views import DETAIL_ROWS

    agreement = make_agreement(parties=[conservatory, make_institution()])
    for day in range(1, DETAIL_ROWS + 2):
        make_exchange(
            title=f"Concert {day:02}",
            host=conservatory,
            agreement=agreement,
            starts_on=D(2026, 1, day),
        )
    response = client.get(agreement.get_absolute_url())

    assert len(response.context["exchanges"]) == DETAIL_ROWS
    assert f"Only the latest {DETAIL_ROWS} are listed." in response.text


def test_counting_a_result_that_cannot_match_asks_nothing():
    assert capped_count(Exchange.objects.none(), 10) == (0, False)
    assert capped_count(Exchange.objects.filter(pk__in=[]), 10) == (0, False)


def test_country_choices_read_one_row_per_country():
    for _ in range(3):
        make_institution(country="BE")
    make_institution(country="CN")

    with CaptureQueriesContext(connection) as queries:
        choices = filters.public_country_choices()

    assert [code for code, _name in choices] == ["BE", "CN"]
    (query,) = queries
    assert "ORDER BY" not in query["sql"]
    with connection.cursor() as cursor:
        cursor.execute(query["sql"])
        assert len(cursor.fetchall()) == 2
