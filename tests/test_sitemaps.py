"""The sitemap index and its sections: every public page in every language,
cut into pages of at most 50,000 URLs (the protocol's limit), each page a
fixed handful of queries."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from cooperation.models import Institution
from cooperation.public.sitemaps import PROTOCOL_MAX_URLS, SITEMAPS, RecordSitemap
from tests.factories import make_agreement, make_exchange, make_institution

pytestmark = pytest.mark.django_db

NS = {
    "sitemap": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
LANGUAGES = [code for code, _name in settings.LANGUAGES]
SECTION = "http://testserver/sitemap-{}.xml"


def index(client) -> dict[str, str]:
    """The index's sitemap addresses, each with its lastmod."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        entry.findtext("sitemap:loc", namespaces=NS): entry.findtext(
            "sitemap:lastmod", namespaces=NS
        )
        for entry in root.findall("sitemap:sitemap", NS)
    }


def entries(client, address: str) -> list[ET.Element]:
    """The <url> entries of one sitemap page."""
    response = client.get(address.removeprefix("http://testserver"))
    assert response.status_code == 200, address
    return ET.fromstring(response.content).findall("sitemap:url", NS)


def locations(client, address: str) -> list[str]:
    return [
        url.findtext("sitemap:loc", namespaces=NS) for url in entries(client, address)
    ]


def every_location(client) -> list[str]:
    return [loc for page in index(client) for loc in locations(client, page)]


@pytest.fixture
def two_records_a_page(monkeypatch):
    """Pages of eight URLs: two records in four languages."""
    monkeypatch.setattr(RecordSitemap, "limit", 2 * len(LANGUAGES))


def test_index_lists_one_page_per_section_when_small(client):
    make_exchange()
    assert list(index(client)) == [
        SECTION.format("pages"),
        SECTION.format("exchanges"),
        SECTION.format("institutions"),
        SECTION.format("agreements"),
    ]


def test_section_with_more_records_than_a_page_splits(client, two_records_a_page):
    institutions = [make_institution() for _ in range(5)]
    pages = [page for page in index(client) if "institutions" in page]
    assert pages == [
        SECTION.format("institutions"),
        SECTION.format("institutions") + "?p=2",
        SECTION.format("institutions") + "?p=3",
    ]
    slugs = [
        [loc.split("/")[-2] for loc in locations(client, page)][:: len(LANGUAGES)]
        for page in pages
    ]
    expected = [institution.slug for institution in institutions]
    assert slugs == [expected[0:2], expected[2:4], expected[4:5]]
    assert client.get("/sitemap-institutions.xml", {"p": 4}).status_code == 404


def test_index_counts_the_pages_of_every_section(client, two_records_a_page):
    hosts = [make_institution() for _ in range(3)]
    for _ in range(4):
        make_exchange(host=hosts[0])
    make_agreement(parties=hosts)
    pages = list(index(client))
    assert len(pages) == 1 + 2 + 2 + 1  # pages, exchanges, institutions, agreements
    assert SECTION.format("exchanges") + "?p=2" in pages
    assert SECTION.format("exchanges") + "?p=3" not in pages


def test_every_url_is_given_in_every_language_with_alternates(client):
    institution = make_institution()
    urls = entries(client, SECTION.format("institutions"))
    assert [url.findtext("sitemap:loc", namespaces=NS) for url in urls] == [
        f"http://testserver/{language}/institutions/{institution.slug}/"
        for language in LANGUAGES
    ]
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in urls[0].findall("xhtml:link", NS)
    }
    assert alternates == {
        **{
            language: f"http://testserver/{language}/institutions/{institution.slug}/"
            for language in LANGUAGES
        },
        "x-default": f"http://testserver/institutions/{institution.slug}/",
    }


def test_unpublished_records_are_absent(client, two_records_a_page):
    shown = make_institution(name="Shown Institute")
    hidden = make_institution(name="Hidden Institute", published=False)
    make_institution(name="Another Shown Institute")
    make_exchange(host=shown, title="Shown exchange")
    make_exchange(host=shown, title="Draft exchange", published=False)
    make_exchange(host=hidden, title="Exchange of a hidden host")
    make_agreement(parties=[shown], title="Signed agreement")
    make_agreement(parties=[shown], title="Draft agreement", status="draft")
    text = " ".join(every_location(client))
    for slug in ("shown-institute", "another-shown-institute", "shown-exchange"):
        assert f"/{slug}/" in text
    assert "signed-agreement" in text
    for slug in (
        "hidden-institute",
        "draft-exchange",
        "exchange-of-a-hidden-host",
        "draft-agreement",
    ):
        assert slug not in text


def test_index_gives_each_section_its_last_public_change(
    client, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC))
    make_institution()
    time_machine.move_to(datetime.datetime(2027, 4, 1, 12, tzinfo=datetime.UTC))
    make_institution(published=False)
    assert index(client)[SECTION.format("institutions")].startswith("2027-03-01T")
    time_machine.move_to(datetime.datetime(2027, 5, 1, 12, tzinfo=datetime.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        make_institution()
    assert index(client)[SECTION.format("institutions")].startswith("2027-05-01T")


def test_no_page_can_exceed_the_protocol_limit():
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        if isinstance(sitemap, RecordSitemap):
            records = sitemap.paginator.per_page
            assert records * len(sitemap.languages) <= sitemap.limit, name
        else:
            assert len(sitemap.items()) * len(LANGUAGES) <= sitemap.limit, name
        assert sitemap.limit <= PROTOCOL_MAX_URLS, name


def test_a_page_never_holds_more_than_the_limit(client, two_records_a_page):
    for _ in range(5):
        make_institution()
    for page in index(client):
        if "sitemap-pages.xml" not in page:
            assert len(entries(client, page)) <= RecordSitemap.limit, page


def test_gaps_in_the_keys_leave_pages_short_not_long(client, two_records_a_page):
    first, second, third = (make_institution() for _ in range(3))
    Institution.objects.filter(pk=second.pk).update(published=False)
    pages = [page for page in index(client) if "institutions" in page]
    assert [len(locations(client, page)) for page in pages] == [
        len(LANGUAGES),
        len(LANGUAGES),
    ]


def test_index_query_count_does_not_grow(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    def make_some():
        with django_capture_on_commit_callbacks(execute=True):
            hosts = [make_institution() for _ in range(3)]
            make_exchange(host=hosts[0])
            make_agreement(parties=hosts)

    make_some()
    # The last change, and the lowest and highest keys, of each record section.
    with django_assert_num_queries(9):
        index(client)
    # The last changes are kept until the public data change.
    with django_assert_num_queries(6):
        index(client)
    for _ in range(10):
        make_some()
    with django_assert_num_queries(9):
        index(client)


@pytest.mark.parametrize("section", ["exchanges", "institutions", "agreements"])
def test_page_query_count_does_not_grow(client, django_assert_num_queries, section):
    def make_some():
        hosts = [make_institution() for _ in range(3)]
        make_exchange(host=hosts[0])
        make_agreement(parties=hosts)

    make_some()
    # The lowest and highest keys, then the page's records: no query per URL.
    with django_assert_num_queries(3):
        assert len(entries(client, SECTION.format(section))) >= len(LANGUAGES)
    for _ in range(10):
        make_some()
    with django_assert_num_queries(3):
        assert len(entries(client, SECTION.format(section))) >= 10 * len(LANGUAGES)


def test_pages_section_lists_the_fixed_pages_in_every_language(client):
    found = locations(client, SECTION.format("pages"))
    assert len(found) == 6 * len(LANGUAGES)
    assert "http://testserver/zh-hans/institutions/map/" in found


def test_unknown_section_is_not_found(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404
