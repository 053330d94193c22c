"""The public pages: languages, content, filters, feeds, exports, the interest
form, and that nothing unpublished or internal leaks onto any surface."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error
from icalendar import Calendar

from cooperation.models import Agreement, AgreementDocument, Exchange, Interest
from tests.factories import (
    PDF_BYTES,
    field,
    make_agreement,
    make_exchange,
    make_institution,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans", "nl", "fr"]
TODAY = datetime.date(2027, 6, 15)


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2027, 6, 15, 10, 0, tzinfo=datetime.UTC))


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def world():
    """A small published world, and one hidden thing of every kind."""
    ap = make_institution(
        name_en="AP University of Applied Sciences and Arts Antwerp",
        name_zh_hans="安特卫普AP应用科学与艺术大学",
        official_name="AP Hogeschool Antwerpen",
        city="Antwerp",
        latitude=51.2194,
        longitude=4.4025,
    )
    shcm = make_institution(
        name_en="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        country="CN",
        city="Shanghai",
        latitude=31.2096,
        longitude=121.4461,
    )
    hidden_institution = make_institution(
        name_en="Hidden Institute of Secrets", published=False
    )
    mou = make_agreement(
        title_en="Memorandum on musical talent",
        title_zh_hans="音乐人才培养谅解备忘录",
        summary_en="Teacher and student exchanges.",
        internal_notes="INTERNAL-NOTE-DO-NOT-SHOW",
        parties=[ap, shcm, hidden_institution],
    )
    draft_agreement = make_agreement(
        title_en="Draft agreement nobody may see",
        status="draft",
        signed_on=None,
        valid_from=None,
        parties=[ap, shcm],
    )
    exchange = make_exchange(
        title_en="Composition teachers in Shanghai",
        title_zh_hans="作曲教师赴上海交流",
        summary_en="Two weeks of teaching.",
        host=shcm,
        partners=[ap, hidden_institution],
        agreement=mou,
        fields_of_education=[field("0215")],
        starts_on=datetime.date(2027, 9, 1),
        ends_on=datetime.date(2027, 9, 14),
        application_deadline=datetime.date(2027, 7, 1),
        contact_email="international@ap.example.org",
        kind="teacher",
    )
    hidden_exchange = make_exchange(
        title_en="Unpublished exchange draft", host=ap, published=False
    )
    hidden_host_exchange = make_exchange(
        title_en="Exchange of a hidden host", host=hidden_institution
    )
    draft_agreement_exchange = make_exchange(
        title_en="Exchange under a draft agreement", host=ap, agreement=draft_agreement
    )
    public_document = AgreementDocument.objects.create(
        agreement=mou, title="Signed text", language="en", public=True, file=_pdf()
    )
    staff_document = AgreementDocument.objects.create(
        agreement=mou,
        title="STAFF-ONLY-SCAN",
        language="zh",
        public=False,
        file=_pdf(),
    )
    interest = Interest.objects.create(
        exchange=exchange,
        name="INTEREST-PERSON-NAME",
        email="secret-person@example.org",
        consent=True,
    )
    return locals()


def _pdf():
    return ContentFile(PDF_BYTES, name="doc.pdf")


HIDDEN_TEXTS = [
    "Hidden Institute of Secrets",
    "Draft agreement nobody may see",
    "Unpublished exchange draft",
    "Exchange of a hidden host",
    "INTERNAL-NOTE-DO-NOT-SHOW",
    "STAFF-ONLY-SCAN",
    "INTEREST-PERSON-NAME",
    "secret-person@example.org",
]


def assert_nothing_hidden(text: str) -> None:
    for hidden in HIDDEN_TEXTS:
        assert hidden not in text, hidden


def page_urls(world, language="en"):
    return [
        url("home", language),
        url("exchange-list", language),
        url("exchange-detail", language, slug=world["exchange"].slug),
        url("institution-list", language),
        url("institution-detail", language, slug=world["shcm"].slug),
        url("institution-detail", language, slug=world["ap"].slug),
        url("agreement-list", language),
        url("agreement-detail", language, slug=world["mou"].slug),
        url("institution-map", language),
        url("statistics", language),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_answers_in_every_language(client, world, language):
    for address in page_urls(world, language):
        response = client.get(address)
        assert response.status_code == 200, address
        assert f'lang="{"zh-Hans" if language == "zh-hans" else language}"' in (
            response.text
        )


def test_record_texts_follow_the_language_with_english_fallback(client, world):
    chinese = client.get(url("exchange-detail", "zh-hans", slug=world["exchange"].slug))
    assert "作曲教师赴上海交流" in chinese.text
    assert "上海音乐学院" in chinese.text
    dutch = client.get(url("exchange-detail", "nl", slug=world["exchange"].slug))
    assert "Composition teachers in Shanghai" in dutch.text


def test_pages_link_to_each_other(client, world):
    detail = client.get(url("exchange-detail", slug=world["exchange"].slug)).text
    assert world["shcm"].get_absolute_url() in detail
    assert world["ap"].get_absolute_url() in detail
    assert world["mou"].get_absolute_url() in detail
    institution = client.get(url("institution-detail", slug=world["shcm"].slug)).text
    assert world["exchange"].get_absolute_url() in institution
    assert world["mou"].get_absolute_url() in institution
    agreement = client.get(url("agreement-detail", slug=world["mou"].slug)).text
    assert world["exchange"].get_absolute_url() in agreement
    assert world["ap"].get_absolute_url() in agreement


def test_language_switcher_keeps_page_and_filters(client, world):
    page = client.get(url("exchange-list") + "?kind=teacher&sort=title").text
    assert 'href="/zh-hans/exchanges/?kind=teacher&amp;sort=title"' in page
    assert 'href="/fr/exchanges/?kind=teacher&amp;sort=title"' in page
    assert re.search(
        r'<link rel="alternate" hreflang="zh-Hans" href="http://testserver/zh-hans/exchanges/',
        page,
    )
    assert 'hreflang="x-default"' in page


def test_home_shows_figures_and_next_exchanges(client, world):
    response = client.get(url("home"))
    figures = response.context["figures"]
    assert figures == {
        "institutions": 2,
        "countries": 2,
        "agreements": 1,
        "exchanges": 1,
    }
    assert "Composition teachers in Shanghai" in response.text


def results(response):
    return [exchange.title_en for exchange in response.context["object_list"]]


def test_catalog_filters(client, world):
    catalog = url("exchange-list")
    assert results(client.get(catalog, {"kind": "teacher"})) == [
        "Composition teachers in Shanghai"
    ]
    assert results(client.get(catalog, {"field": "02"})) == [
        "Composition teachers in Shanghai"
    ]
    assert results(client.get(catalog, {"country": "CN"})) == [
        "Composition teachers in Shanghai"
    ]
    assert "Composition teachers in Shanghai" in results(
        client.get(catalog, {"institution": world["ap"].slug})
    )
    assert results(client.get(catalog, {"open": "on"})) == [
        "Composition teachers in Shanghai"
    ]
    assert results(client.get(catalog, {"state": "open"})) == [
        "Composition teachers in Shanghai"
    ]
    assert results(client.get(catalog, {"starts_from": "2027-08-01"})) == [
        "Composition teachers in Shanghai"
    ]
    assert results(client.get(catalog, {"mode": "online"})) == []


def test_catalog_search_finds_chinese_two_character_terms(client, world):
    response = client.get(url("exchange-list", "zh-hans"), {"q": "上海"})
    assert results(response) == ["Composition teachers in Shanghai"]


def test_catalog_counts_paginates_and_sorts(client, world):
    for number in range(45):
        make_exchange(title_en=f"Extra exchange {number:02}", host=world["ap"])
    first = client.get(url("exchange-list"), {"sort": "title"})
    assert first.context["paginator"].count == 47
    assert "47 exchanges found" in first.text
    assert results(first)[0] == "Composition teachers in Shanghai"
    third = client.get(url("exchange-list"), {"sort": "title", "page": 3})
    assert len(results(third)) == 7
    assert "sort=title&amp;page=2" in third.text


def test_unknown_sort_falls_back_to_the_default(client, world):
    response = client.get(url("exchange-list"), {"sort": "password"})
    assert response.status_code == 200
    assert "Composition teachers in Shanghai" in results(response)


def test_empty_result_is_friendly(client, world):
    page = client.get(url("exchange-list"), {"q": "nothingmatchesthis"}).text
    assert "0 exchanges found" in page
    assert "No exchange matches these filters." in page


def test_statistics_show_charts_with_tables(client, world):
    page = client.get(url("statistics")).text
    assert page.count("<svg") == 4
    assert page.count("<table") == 4
    assert "China → Belgium" in page
    assert "Arts and humanities" in page


def test_atom_feed_lists_new_exchanges(client, world):
    feed = client.get(url("exchange-feed")).text
    assert "<feed" in feed
    assert "Composition teachers in Shanghai" in feed
    assert_nothing_hidden(feed)


def test_catalog_calendar_respects_filters(client, world):
    response = client.get(url("exchange-calendar"), {"kind": "teacher"})
    assert response["Content-Type"] == "text/calendar"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [
        "Composition teachers in Shanghai"
    ]
    assert events[0]["DTEND"].dt == datetime.date(2027, 9, 15)


def test_exchange_calendar_file(client, world):
    response = client.get(url("exchange-ical", slug=world["exchange"].slug))
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert events[0]["DTSTART"].dt == datetime.date(2027, 9, 1)


def test_csv_export_is_the_current_result(client, world):
    response = client.get(url("exchange-csv"), {"country": "CN"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Title"
    assert [row[0] for row in rows[1:]] == ["Composition teachers in Shanghai"]


def test_sitemap_lists_every_language_and_no_hidden_record(client, world):
    pages = re.findall(
        r"<loc>http://testserver(/sitemap-[^<]+)</loc>", client.get("/sitemap.xml").text
    )
    assert len(pages) == 4
    sitemap = "".join(client.get(page).text for page in pages)
    for language in LANGUAGES:
        assert f"/{language}/exchanges/{world['exchange'].slug}/" in sitemap
    assert 'hreflang="zh-hans"' in sitemap.lower()
    for hidden in ("hidden_exchange", "hidden_host_exchange", "hidden_institution"):
        assert world[hidden].slug not in sitemap
    assert world["draft_agreement"].slug not in sitemap


def test_robots_points_at_the_sitemap(client):
    robots = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Disallow: /admin/" in robots


def test_structured_data_and_social_preview(client, world):
    page = client.get(url("exchange-detail", slug=world["exchange"].slug)).text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "Event"
    assert data["startDate"] == "2027-09-01"
    assert data["organizer"]["name"] == "Shanghai Conservatory of Music"
    assert (
        '<meta property="og:title" content="Composition teachers in Shanghai">' in page
    )
    institution = client.get(url("institution-detail", slug=world["shcm"].slug)).text
    block = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', institution, re.S
    )
    assert json.loads(block.group(1))["@type"] == "EducationalOrganization"


@pytest.mark.parametrize("language", LANGUAGES)
def test_not_found_page_is_in_the_sites_look_and_language(client, language):
    response = client.get(f"/{language}/exchanges/no-such-thing/")
    assert response.status_code == 404
    assert "navbar" in response.text
    if language == "en":
        assert "Page not found" in response.text
    else:
        assert "Page not found" not in response.text


def test_server_error_page_renders_without_a_request(rf):
    response = server_error(rf.get("/en/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_no_inline_scripts_or_styles(client, world):
    for address in page_urls(world):
        page = client.get(address).text
        assert not re.search(
            r"<script(?![^>]*\b(src|type=\"application/(ld\+)?json\"))", page
        ), address
        assert " style=" not in page and "<style" not in page, address
        assert re.search(r"\son[a-z]+=", page) is None, address


def test_content_security_policy_header(client):
    policy = client.get(url("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy


# Never leak: one test per surface ---------------------------------------------


def test_hidden_records_are_not_found_by_address(client, world):
    for name, record in [
        ("exchange-detail", world["hidden_exchange"]),
        ("exchange-detail", world["hidden_host_exchange"]),
        ("institution-detail", world["hidden_institution"]),
        ("agreement-detail", world["draft_agreement"]),
    ]:
        assert client.get(url(name, slug=record.slug)).status_code == 404
    assert (
        client.get(url("exchange-ical", slug=world["hidden_exchange"].slug)).status_code
        == 404
    )


def test_no_page_shows_hidden_or_internal_things(client, world):
    for language in LANGUAGES:
        for address in page_urls(world, language):
            assert_nothing_hidden(client.get(address).text)


def test_search_finds_no_hidden_record(client, world):
    for term in ("Hidden", "Unpublished", "Draft agreement", "INTERNAL"):
        response = client.get(url("exchange-list"), {"q": term})
        assert_nothing_hidden(response.text)
        response = client.get(url("institution-list"), {"q": term})
        assert_nothing_hidden(response.text)
        response = client.get(url("agreement-list"), {"q": term})
        assert_nothing_hidden(response.text)


def test_counts_exclude_hidden_records(client, world):
    assert client.get(url("exchange-list")).context["paginator"].count == 2
    assert client.get(url("institution-list")).context["paginator"].count == 2
    assert client.get(url("agreement-list")).context["paginator"].count == 1
    statistics = client.get(url("statistics")).context["charts"]
    assert sum(row["count"] for row in statistics[1]["rows"]) == 2


def test_exports_and_calendars_exclude_hidden_records(client, world):
    csv_text = b"".join(client.get(url("exchange-csv")).streaming_content).decode()
    assert_nothing_hidden(csv_text)
    assert_nothing_hidden(client.get(url("exchange-calendar")).content.decode())
    assert_nothing_hidden(client.get(url("exchange-feed")).content.decode())


def test_staff_only_documents_are_not_served_to_the_public(client, world):
    public = client.get(
        reverse("document-download", args=[world["public_document"].pk])
    )
    assert public.status_code == 200
    assert b"".join(public.streaming_content).startswith(b"%PDF")
    staff_only = reverse("document-download", args=[world["staff_document"].pk])
    assert client.get(staff_only).status_code == 404


def test_staff_may_download_staff_only_documents(client, world, viewer):
    client.force_login(viewer)
    staff_only = reverse("document-download", args=[world["staff_document"].pk])
    assert client.get(staff_only).status_code == 200


# Query counts -----------------------------------------------------------------


def count_queries(client, address) -> int:
    """Queries of one request with nothing cached."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "pinned"),
    [
        ("home", 7),
        # The count (the planner's estimate, then a capped count), up to
        # four parts of the default order (running, planned, finished,
        # cancelled: fewer when the first fill the page), and the cached
        # country and field choices.
        ("exchange-list", 7),
        ("institution-list", 4),
        ("agreement-list", 5),
        ("institution-map", 1),
        ("statistics", 5),
    ],
)
def test_list_pages_query_count_does_not_grow(client, world, name, pinned):
    one = count_queries(client, url(name))
    for _ in range(30):
        host = make_institution(latitude=10, longitude=10, country="FR")
        agreement = make_agreement(parties=[host, world["ap"]])
        make_exchange(
            host=host,
            partners=[world["ap"]],
            agreement=agreement,
            fields_of_education=[field("0215")],
            starts_on=datetime.date(2027, 10, 1),
            ends_on=None,
        )
    thirty = count_queries(client, url(name))
    assert one == pinned
    assert thirty <= pinned


@pytest.mark.parametrize(
    ("name", "record", "pinned"),
    [
        ("exchange-detail", "exchange", 4),
        ("institution-detail", "ap", 5),
        ("agreement-detail", "mou", 7),
    ],
)
def test_detail_pages_query_count_does_not_grow(client, world, name, record, pinned):
    slug = world[record].slug
    one = count_queries(client, url(name, slug=slug))
    partners = [make_institution() for _ in range(30)]
    world["exchange"].partners.add(*partners)
    for partner in partners:
        world["mou"].parties.create(institution=partner)
        make_exchange(host=world["ap"], partners=[partner], agreement=world["mou"])
    thirty = count_queries(client, url(name, slug=slug))
    assert (one, thirty) == (pinned, pinned)


# The interest form ------------------------------------------------------------


def interest_data(**changes):
    data = {
        "name": "Li Wei",
        "email": "li.wei@example.org",
        "organisation": "Shanghai Conservatory of Music",
        "message": "I teach composition.",
        "consent": "on",
        "website": "",
    }
    return {**data, **changes}


def test_interest_is_registered_and_mailed_to_the_contact(
    client, world, django_capture_on_commit_callbacks
):
    address = url("exchange-detail", slug=world["exchange"].slug)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(address, interest_data(), follow=True)
    assert "your interest has been registered" in response.text
    saved = Interest.objects.get(email="li.wei@example.org")
    assert saved.exchange == world["exchange"] and saved.consent
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["international@ap.example.org"]
    assert "Li Wei" in mail.outbox[0].body
    assert "Composition teachers in Shanghai" in mail.outbox[0].subject


def test_interest_errors_name_the_field_and_keep_what_was_typed(client, world):
    address = url("exchange-detail", slug=world["exchange"].slug)
    before = Interest.objects.count()
    response = client.post(address, interest_data(email="not-an-address", consent=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"email", "consent"}
    assert 'value="Li Wei"' in response.text
    assert "I teach composition." in response.text
    assert Interest.objects.count() == before
    assert mail.outbox == []


def test_honeypot_saves_and_sends_nothing(
    client, world, django_capture_on_commit_callbacks
):
    address = url("exchange-detail", slug=world["exchange"].slug)
    before = Interest.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            address, interest_data(website="http://spam.example"), follow=True
        )
    assert "your interest has been registered" in response.text
    assert Interest.objects.count() == before
    assert mail.outbox == []


def test_interest_is_rate_limited_per_address(client, world, settings):
    settings.INTEREST_RATE_LIMIT = 2
    address = url("exchange-detail", slug=world["exchange"].slug)
    for number in range(2):
        client.post(address, interest_data(email=f"person{number}@example.org"))
    response = client.post(address, interest_data(email="person9@example.org"))
    assert "several registrations in a short time" in response.text
    assert not Interest.objects.filter(email="person9@example.org").exists()


def test_interest_is_rate_limited_per_email(client, world, settings):
    settings.INTEREST_RATE_LIMIT = 2
    address = url("exchange-detail", slug=world["exchange"].slug)
    for number in range(2):
        client.post(address, interest_data(), REMOTE_ADDR=f"10.0.0.{number}")
    response = client.post(address, interest_data(), REMOTE_ADDR="10.0.0.9")
    assert "several registrations in a short time" in response.text
    assert Interest.objects.filter(email="li.wei@example.org").count() == 2


def test_interest_form_absent_for_completed_exchanges(client, world):
    past = make_exchange(
        host=world["ap"],
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 1, 31),
    )
    assert "interest-form" not in client.get(past.get_absolute_url()).text


def test_documents_are_kept_outside_the_media_folder(world, settings):
    document = world["staff_document"]
    path = document.file.path
    assert path.startswith(str(settings.DOCUMENT_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert document.file.url.startswith("/documents/file/")


def test_document_file_urls_check_permission_too(client, world, viewer):
    staff_only = world["staff_document"].file.url
    public = world["public_document"].file.url
    assert client.get(public).status_code == 200
    assert client.get(staff_only).status_code == 404
    client.force_login(viewer)
    assert client.get(staff_only).status_code == 200


def test_detail_pages_give_the_state_of_the_day_of_the_request(
    client, world, time_machine
):
    """A worker that runs for weeks shows each exchange's and agreement's
    state on the day of the request, not on the day it started."""
    exchange = make_exchange(
        host=world["ap"],
        starts_on=datetime.date(2027, 7, 1),
        ends_on=datetime.date(2027, 7, 31),
    )
    agreement = make_agreement(
        parties=[world["ap"], world["shcm"]],
        valid_from=datetime.date(2027, 7, 1),
        expires_on=datetime.date(2027, 7, 31),
    )
    before = client.get(exchange.get_absolute_url())
    assert before.context["object"].state == Exchange.State.PLANNED
    assert "interest-form" in before.text
    assert client.get(agreement.get_absolute_url()).context["object"].state == (
        Agreement.State.UPCOMING
    )
    time_machine.move_to(datetime.datetime(2027, 9, 1, 10, 0, tzinfo=datetime.UTC))
    cache.clear()
    after = client.get(exchange.get_absolute_url())
    assert after.context["object"].state == Exchange.State.COMPLETED
    assert "interest-form" not in after.text
    assert client.get(agreement.get_absolute_url()).context["object"].state == (
        Agreement.State.EXPIRED
    )


# Figures and the pages they link to -------------------------------------------------


@pytest.fixture
def calendar(world):
    """One exchange in each state on TODAY, besides the world's open one."""
    host = world["ap"]
    return {
        "planned": make_exchange(
            host=host, starts_on=datetime.date(2027, 10, 1), ends_on=None
        ),
        "running": make_exchange(
            host=host,
            starts_on=datetime.date(2027, 6, 1),
            ends_on=datetime.date(2027, 6, 30),
        ),
        "completed": make_exchange(
            host=host,
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2027, 1, 31),
        ),
        "cancelled": make_exchange(
            host=host,
            starts_on=datetime.date(2027, 11, 1),
            ends_on=None,
            cancelled=True,
        ),
        "unpublished": make_exchange(
            host=host,
            starts_on=datetime.date(2027, 12, 1),
            ends_on=None,
            published=False,
        ),
    }


def link_of(page: str, text: str) -> str:
    """The address of the link whose text is ``text`` (exactly one)."""
    (href,) = re.findall(rf'<a href="([^"]+)">{re.escape(text)}</a>', page)
    return href.replace("&amp;", "&")


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_upcoming_figure_equals_the_rows_its_link_lists(
    client, world, calendar, language
):
    home = client.get(url("home", language))
    figure = home.context["figures"]["exchanges"]
    with translation.override(language):
        label = translation.gettext("upcoming exchanges")
    listed = client.get(link_of(home.text, label))
    assert listed.status_code == 200
    assert listed.context["paginator"].count == figure == 2
    assert {e.pk for e in listed.context["object_list"]} == {
        world["exchange"].pk,
        calendar["planned"].pk,
    }


def test_upcoming_state_filter_lists_planned_and_open_exchanges(
    client, world, calendar
):
    response = client.get(url("exchange-list"), {"state": "upcoming"})
    assert sorted(results(response)) == sorted(
        [world["exchange"].title_en, calendar["planned"].title_en]
    )
    assert '<option value="upcoming" selected>' in response.text


def test_dashboard_upcoming_figure_equals_the_rows_its_link_lists(
    client, world, calendar, superuser
):
    client.force_login(superuser)
    dashboard = client.get(reverse("admin:index")).context["dashboard"]
    (figure, link) = next(
        (count, link)
        for label, count, link in dashboard["counts"]
        if str(label) == "upcoming exchanges"
    )
    changelist = client.get(link)
    assert changelist.status_code == 200
    # Staff count what they may see, published or not.
    assert changelist.context["cl"].result_count == figure == 3
    assert set(changelist.context["cl"].queryset) == {
        world["exchange"],
        calendar["planned"],
        calendar["unpublished"],
    }


# Who may register interest -------------------------------------------------------


@pytest.mark.parametrize("state", ["completed", "cancelled"])
def test_interest_post_for_a_finished_exchange_is_refused_and_saves_nothing(
    client, world, calendar, state, django_capture_on_commit_callbacks
):
    exchange = calendar[state]
    before = Interest.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(exchange.get_absolute_url(), interest_data())
    assert response.status_code == 409
    assert f"This exchange is {state}" in response.text
    assert "Nothing was saved." in response.text
    assert "interest-form" not in response.text
    assert Interest.objects.count() == before
    assert mail.outbox == []


@pytest.mark.parametrize("state", ["planned", "running"])
def test_interest_form_is_shown_and_accepted_until_the_exchange_ends(
    client, world, calendar, state
):
    exchange = calendar[state]
    assert "interest-form" in client.get(exchange.get_absolute_url()).text
    response = client.post(exchange.get_absolute_url(), interest_data())
    assert response.status_code == 302
    assert Interest.objects.filter(exchange=exchange).count() == 1


def interest_section(page: str) -> str:
    (section,) = re.findall(r'<section id="interest".*?</section>', page, re.S)
    return section


def test_interest_thanks_are_shown_in_the_form_section(client, world):
    address = url("exchange-detail", slug=world["exchange"].slug)
    response = client.post(address, interest_data())
    assert response.url.endswith("#interest")
    page = client.get(response.url).text
    assert "your interest has been registered" in interest_section(page)
    # Once: not also at the top of the page, far from where the browser is.
    assert page.count("your interest has been registered") == 1


def test_interest_form_answers_at_the_form(client, world):
    """Errors come back where the visitor is, not at the page's top."""
    page = client.get(url("exchange-detail", slug=world["exchange"].slug)).text
    (form,) = re.findall(r'<form [^>]*id="interest-form"[^>]*>', page)
    assert 'action="#interest"' in form


# The sort control shows the order applied ---------------------------------------------


def selected_sort(page: str) -> list[str]:
    (select,) = re.findall(r'<select name="sort".*?</select>', page, re.S)
    return re.findall(r'<option value="(\w+)" selected>', select)


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"q": "Shanghai"}, "relevance"),
        ({"q": "Shanghai", "sort": "title"}, "title"),
        ({"q": "Shanghai", "sort": "relevance"}, "relevance"),
        ({"sort": "relevance"}, "upcoming"),
        ({"sort": "password"}, "upcoming"),
        ({"kind": "teacher"}, "upcoming"),
        ({}, "upcoming"),
    ],
)
def test_sort_control_shows_the_order_applied(client, world, params, shown):
    response = client.get(url("exchange-list"), params)
    assert selected_sort(response.text) == [shown]
    assert response.context["filter"].sort_applied() == shown


def test_institution_search_shows_relevance_as_its_order(client, world):
    response = client.get(url("institution-list"), {"q": "Shanghai"})
    assert selected_sort(response.text) == ["relevance"]


# Each catalog: (its orders as offered, the default, another, a search word).
CATALOG_SORTS = {
    "exchange-list": (
        ["upcoming", "newest", "title", "relevance"],
        "title",
        "teachers",
    ),
    "institution-list": (["name", "country", "relevance"], "country", "Shanghai"),
    "agreement-list": (["newest", "expiry", "title", "relevance"], "expiry", "musical"),
}


@pytest.mark.parametrize("catalog", CATALOG_SORTS)
def test_every_catalog_s_sort_control_shows_the_order_applied(client, world, catalog):
    offered, other, word = CATALOG_SORTS[catalog]
    default = offered[0]

    def shown(**params) -> list[str]:
        response = client.get(url(catalog), params)
        assert response.status_code == 200
        page = response.text
        (select,) = re.findall(r'<select name="sort".*?</select>', page, re.S)
        # One option per order, no "(descending)" twins.
        assert re.findall(r'<option value="([\w-]+)"', select) == offered
        applied = response.context["filter"].qs.query.order_by
        assert (applied[0] == "-rank") is (selected_sort(page) == ["relevance"])
        return selected_sort(page)

    assert shown() == [default]
    assert shown(sort=other) == [other]
    assert shown(q=word) == ["relevance"]
    assert shown(q=word, sort=other) == [other]
    assert shown(q=word, sort="relevance") == ["relevance"]
    assert shown(sort="relevance") == [default]
    assert shown(sort="password") == [default]
    assert shown(q=word, sort="password") == ["relevance"]


@pytest.mark.parametrize("value", ["password", "title,newest", "-title", "Title"])
def test_an_unknown_sort_is_named_under_the_control_and_the_default_applies(
    client, world, value
):
    # Upcoming first: it, then "Composition teachers in Shanghai"; by title: after.
    make_exchange(
        title_en="Zither summer course",
        starts_on=datetime.date(2027, 7, 1),
        ends_on=datetime.date(2027, 7, 5),
    )
    response = client.get(url("exchange-list"), {"sort": value})
    assert response.status_code == 200
    assert selected_sort(response.text) == ["upcoming"]
    assert f"{value} is not one of the available choices" in response.text
    default = client.get(url("exchange-list"))
    assert results(response) == results(default)
    assert results(response) != results(
        client.get(url("exchange-list"), {"sort": "title"})
    )


def test_a_search_with_another_refused_filter_is_still_by_relevance(client, world):
    response = client.get(
        url("exchange-list"), {"q": "Shanghai", "starts_from": "2027-02-30"}
    )
    assert selected_sort(response.text) == ["relevance"]
    assert results(response) == ["Composition teachers in Shanghai"]
