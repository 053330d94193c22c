"""The read-only JSON API (/api/v1/): every resource's list and detail, the
catalogs' filters, search and sort orders, languages, cursor pages, refusals
as JSON, throttling, conditional answers, CORS, the OpenAPI description, the
documentation page, the "Open data" page, and that nothing hidden leaks."""

import datetime
import ipaddress
import json
import re
from urllib.parse import unquote

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openapi_spec_validator import OpenAPIV31SpecValidator

from cooperation.models import AgreementDocument, AgreementParty, Exchange, Interest
from cooperation.public.filters import (
    AgreementFilter,
    ExchangeFilter,
    InstitutionFilter,
)
from tests.factories import (
    PDF_BYTES,
    field,
    make_agreement,
    make_exchange,
    make_institution,
)
from tests.test_caching_redis import redis_cache, redis_server  # noqa: F401
from tests.test_settings import load_settings

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans", "nl", "fr"]


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2027, 6, 15, 10, 0, tzinfo=datetime.UTC))


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def world():
    """A small published world, and one hidden thing of every kind."""
    ap = make_institution(
        name_en="AP University of Applied Sciences and Arts Antwerp",
        name_zh_hans="安特卫普AP应用科学与艺术大学",
        name_fr="Haute École AP d'Anvers",
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
        kind="conservatory",
    )
    hidden_institution = make_institution(
        name_en="Hidden Institute of Secrets", published=False, country="FR"
    )
    unit = make_institution(name_en="AP music centre", parent=ap)
    hidden_parent_unit = make_institution(
        name_en="Unit of a hidden parent", parent=hidden_institution
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
    renewal = make_agreement(
        title_en="Renewed memorandum",
        kind="cooperation",
        signed_on=datetime.date(2027, 1, 5),
        valid_from=datetime.date(2027, 2, 1),
        expires_on=None,
        predecessor=mou,
        lineage="renews",
        parties=[ap, shcm],
    )
    renewal_of_draft = make_agreement(
        title_en="Amendment of a draft",
        predecessor=draft_agreement,
        lineage="amends",
        parties=[ap],
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
    running = make_exchange(
        title_en="Rehabilitation internship in Haikou",
        host=ap,
        partners=[shcm],
        starts_on=datetime.date(2027, 6, 1),
        ends_on=datetime.date(2027, 6, 30),
        kind="internship",
        mode="hybrid",
    )
    completed = make_exchange(
        title_en="Student orchestra tour",
        host=ap,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 4, 10),
        kind="performance",
    )
    cancelled = make_exchange(
        title_en="Cancelled forum",
        host=shcm,
        starts_on=datetime.date(2027, 10, 1),
        ends_on=None,
        cancelled=True,
        kind="forum",
    )
    hidden_exchange = make_exchange(
        title_en="Unpublished exchange draft", host=ap, published=False
    )
    hidden_host_exchange = make_exchange(
        title_en="Exchange of a hidden host", host=hidden_institution
    )
    draft_agreement_exchange = make_exchange(
        title_en="Exchange under a draft agreement",
        host=ap,
        agreement=draft_agreement,
        starts_on=datetime.date(2027, 11, 1),
        ends_on=None,
    )
    public_document = AgreementDocument.objects.create(
        agreement=mou, title="Signed text", language="en", public=True, file=_pdf()
    )
    staff_document = AgreementDocument.objects.create(
        agreement=mou, title="STAFF-ONLY-SCAN", language="zh", public=False, file=_pdf()
    )
    draft_document = AgreementDocument.objects.create(
        agreement=draft_agreement,
        title="Public file of a draft",
        language="en",
        public=True,
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
    "Public file of a draft",
    "INTEREST-PERSON-NAME",
    "secret-person@example.org",
    "international@ap.example.org",  # an exchange's contact: not on its page
]


def assert_nothing_hidden(text: str) -> None:
    for hidden in HIDDEN_TEXTS:
        assert hidden not in text, hidden
        assert json.dumps(hidden)[1:-1] not in text, hidden


def get(client, address, params=None, **headers):
    response = client.get(address, params or {}, **headers)
    assert response["Content-Type"].startswith("application/json"), response
    return response


def every_page(client, address, params=None) -> list[dict]:
    """Every result of a list, following the next links."""
    results = []
    response = get(client, address, params)
    while True:
        assert response.status_code == 200, response.json()
        results += response.json()["results"]
        following = response.json()["next"]
        if following is None:
            return results
        response = get(client, following)


def slugs(results) -> list[str]:
    return [result["slug"] for result in results]


# Lists and details ---------------------------------------------------------------


def test_root_names_every_list_the_description_and_the_licence(client, settings):
    settings.DATA_LICENCE_NAME = "ODbL 1.0"
    settings.DATA_LICENCE_URL = "https://opendatacommons.org/licenses/odbl/1-0/"
    root = get(client, reverse("api-root")).json()
    assert root["exchanges"] == "http://testserver/api/v1/exchanges/"
    assert root["fields_of_education"] == "http://testserver/api/v1/fields/"
    assert root["documentation"] == "http://testserver/api/v1/docs/"
    assert root["licence"] == {
        "name": "ODbL 1.0",
        "url": "https://opendatacommons.org/licenses/odbl/1-0/",
    }
    for name in ("exchanges", "institutions", "agreements", "fields_of_education"):
        assert client.get(root[name]).status_code == 200


@pytest.mark.parametrize(
    ("list_name", "detail_name", "record", "expected"),
    [
        (
            "api-exchange-list",
            "api-exchange-detail",
            "exchange",
            {"kind": "teacher", "state": "open", "starts_on": "2027-09-01"},
        ),
        (
            "api-institution-list",
            "api-institution-detail",
            "shcm",
            {"kind": "conservatory", "country": "CN", "city": "Shanghai"},
        ),
        (
            "api-agreement-list",
            "api-agreement-detail",
            "mou",
            {"kind": "mou", "state": "active", "signed_on": "2026-01-10"},
        ),
    ],
)
def test_list_and_detail_of_each_record_type(
    client, world, list_name, detail_name, record, expected
):
    slug = world[record].slug
    listed = {result["slug"]: result for result in every_page(client, url(list_name))}
    detail_url = f"http://testserver{url(detail_name, slug=slug)}"
    assert listed[slug]["url"] == detail_url
    detail = get(client, detail_url).json()
    assert detail["url"] == detail_url
    assert detail["web_url"] == f"http://testserver{world[record].get_absolute_url()}"
    for key, value in expected.items():
        assert listed[slug][key] == detail[key] == value
    # The list shows a summary of what the detail shows.
    assert set(listed[slug]) < set(detail)


def test_fields_of_education_list_all_by_code_and_link_their_exchanges(client, world):
    fields = every_page(client, url("api-field-list"), {"page_size": 100})
    codes = [field["code"] for field in fields]
    assert len(codes) == 220 and codes == sorted(codes)
    detail = get(client, url("api-field-detail", code="0215")).json()
    assert detail["level"] == "detailed"
    assert detail["name"]["en"] == field("0215").name_en
    assert detail["parent"]["code"] == "021"
    assert detail["parent"]["url"] == "http://testserver/api/v1/fields/021/"
    exchanges = every_page(client, detail["exchanges"])
    assert slugs(exchanges) == [world["exchange"].slug]
    broad = get(client, url("api-field-detail", code="02")).json()
    assert broad["parent"] is None
    assert slugs(every_page(client, broad["exchanges"])) == [world["exchange"].slug]


def test_exchange_detail_links_its_records(client, world):
    exchange = get(
        client, url("api-exchange-detail", slug=world["exchange"].slug)
    ).json()
    assert exchange["host"]["url"].endswith(
        f"/api/v1/institutions/{world['shcm'].slug}/"
    )
    assert [partner["slug"] for partner in exchange["partners"]] == [world["ap"].slug]
    assert [field["code"] for field in exchange["fields"]] == ["0215"]
    assert exchange["agreement"]["slug"] == world["mou"].slug
    assert exchange["countries"] == ["BE", "CN"]
    assert (exchange["city"], exchange["country"]) == ("Shanghai", "CN")
    for link in (
        exchange["host"]["url"],
        exchange["partners"][0]["url"],
        exchange["fields"][0]["url"],
        exchange["agreement"]["url"],
    ):
        assert client.get(link).status_code == 200


def test_institution_detail_links_parent_successor_and_exchanges(client, world):
    world["ap"].successor = world["shcm"]
    world["ap"].save()
    unit = get(client, url("api-institution-detail", slug=world["unit"].slug)).json()
    assert unit["parent"]["slug"] == world["ap"].slug
    ap = get(client, url("api-institution-detail", slug=world["ap"].slug)).json()
    assert ap["successor"]["slug"] == world["shcm"].slug
    assert ap["official_name"] == "AP Hogeschool Antwerpen"
    assert (ap["latitude"], ap["longitude"]) == (51.2194, 4.4025)
    assert set(slugs(every_page(client, ap["exchanges"]))) == {
        world["exchange"].slug,
        world["running"].slug,
        world["completed"].slug,
        world["draft_agreement_exchange"].slug,
    }


def test_agreement_detail_shows_parties_lineage_documents_and_exchanges(client, world):
    mou = get(client, url("api-agreement-detail", slug=world["mou"].slug)).json()
    assert [party["institution"]["slug"] for party in mou["parties"]] == [
        world["ap"].slug,
        world["shcm"].slug,
    ]
    assert mou["successors"][0]["slug"] == world["renewal"].slug
    assert [document["title"] for document in mou["documents"]] == ["Signed text"]
    download = client.get(mou["documents"][0]["url"])
    assert download.status_code == 200
    assert mou["exchanges"] == [
        f"http://testserver{url('api-exchange-detail', slug=world['exchange'].slug)}"
    ]
    renewal = get(
        client, url("api-agreement-detail", slug=world["renewal"].slug)
    ).json()
    assert renewal["predecessor"]["slug"] == world["mou"].slug
    assert (renewal["lineage"], renewal["expires_on"]) == ("renews", None)


def test_head_answers_like_get_without_a_body(client, world):
    response = client.head(url("api-exchange-list"))
    assert response.status_code == 200
    assert response["ETag"]
    assert response.content == b""


# Languages ----------------------------------------------------------------------


def test_texts_come_in_four_languages_or_in_the_one_asked_for(client, world):
    address = url("api-exchange-detail", slug=world["exchange"].slug)
    everything = get(client, address).json()
    assert everything["title"] == {
        "en": "Composition teachers in Shanghai",
        "zh-hans": "作曲教师赴上海交流",
        "nl": None,
        "fr": None,
    }
    assert everything["host"]["name"]["zh-hans"] == "上海音乐学院"
    chinese = get(client, address, {"lang": "zh-hans"}).json()
    assert chinese["title"] == "作曲教师赴上海交流"
    assert chinese["host"]["name"] == "上海音乐学院"
    assert chinese["web_url"].endswith(f"/zh-hans/exchanges/{world['exchange'].slug}/")
    assert chinese["host"]["url"].endswith("?lang=zh-hans")
    # No French title: English, as the French page shows it.
    french = get(client, address, {"lang": "fr"})
    assert french.json()["title"] == "Composition teachers in Shanghai"
    assert french["Content-Language"] == "fr"
    assert french.json()["partners"][0]["name"] == "Haute École AP d'Anvers"


def test_answers_do_not_follow_the_browsers_language(client, world):
    address = url("api-exchange-list")
    response = get(client, address, HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "en"
    assert isinstance(response.json()["results"][0]["title"], dict)


def test_unknown_language_is_refused_naming_the_choices(client, world):
    response = get(client, url("api-exchange-list"), {"lang": "de"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["parameter"] == "lang"
    assert error["value"] == "de"
    assert "en, zh-hans, nl, fr" in error["fix"]


@pytest.mark.parametrize(
    "name", ["api-root", "api-exchange-list", "api-exchange-detail", "api-field-list"]
)
def test_empty_language_is_the_same_as_no_language(client, world, name):
    """As an empty filter is no filter (?kind=&lang=): the four languages."""
    slug = {"slug": world["exchange"].slug} if name == "api-exchange-detail" else {}
    address = url(name, **slug)
    empty = get(client, address, {"lang": "", "page_size": 100})
    assert empty.status_code == 200, empty.json()
    assert empty["Content-Language"] == "en"
    absent = get(client, address, {"page_size": 100}).json()
    # The same answer (a next page's link keeps the parameters as given).
    links = ("next", "previous")
    assert {key: empty.json()[key] for key in empty.json() if key not in links} == {
        key: absent[key] for key in absent if key not in links
    }
    if name == "api-exchange-detail":
        assert isinstance(empty.json()["title"], dict)
        assert "lang=" not in empty.json()["host"]["url"]


# The catalog's filters, search and sort orders ----------------------------------


def catalog_slugs(client, name: str, params: dict) -> list[str]:
    """What the catalog page shows for ``params`` (one page: small worlds)."""
    response = client.get(url(name), params)
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert not page.has_next()
    return [row.slug for row in page.object_list]


EXCHANGE_QUERIES = [
    {"kind": "teacher"},
    {"field": "02"},
    {"field": "0215", "sort": "title"},
    {"country": "CN"},
    {"country": "BE", "sort": "newest"},
    {"institution": "Shanghai Conservatory"},
    {"open": "true"},
    {"state": "running"},
    {"state": "completed"},
    {"mode": "hybrid"},
    {"starts_from": "2027-08-01", "starts_until": "2027-12-31", "sort": "upcoming"},
    {"sort": "upcoming"},
    {"sort": "newest"},
    {"sort": "title"},
    {"q": "Shanghai"},
    {"q": "上海"},
    {"q": "teachers", "sort": "newest"},
    {"q": "exchange", "sort": "title"},
]


@pytest.mark.parametrize("params", EXCHANGE_QUERIES, ids=str)
def test_exchange_filters_search_and_sorts_match_the_catalog(client, world, params):
    expected = catalog_slugs(client, "exchange-list", params)
    found = slugs(every_page(client, url("api-exchange-list"), params))
    if "sort" in params or "q" in params:
        assert found == expected
    else:  # the API's own default order: by id
        assert sorted(found) == sorted(expected)
        ids = {row.slug: row.pk for row in world.values() if isinstance(row, Exchange)}
        assert [ids[slug] for slug in found] == sorted(ids[slug] for slug in found)


def test_institution_filter_by_slug_matches_the_catalog(client, world):
    params = {"institution": world["ap"].slug, "sort": "upcoming"}
    expected = catalog_slugs(client, "exchange-list", params)
    assert slugs(every_page(client, url("api-exchange-list"), params)) == expected
    assert len(expected) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "conservatory"},
        {"country": "CN"},
        {"sort": "name"},
        {"sort": "country"},
        {"q": "上海"},
        {"q": "Hogeschool"},
    ],
    ids=str,
)
def test_institution_filters_search_and_sorts_match_the_catalog(client, world, params):
    expected = catalog_slugs(client, "institution-list", params)
    found = slugs(every_page(client, url("api-institution-list"), params))
    assert (
        found == expected
        if "sort" in params or "q" in params
        else (sorted(found) == sorted(expected))
    )


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "cooperation"},
        {"state": "active"},
        {"country": "CN", "sort": "newest"},
        {"sort": "expiry"},
        {"sort": "title"},
        {"q": "memorandum"},
    ],
    ids=str,
)
def test_agreement_filters_search_and_sorts_match_the_catalog(client, world, params):
    expected = catalog_slugs(client, "agreement-list", params)
    found = slugs(every_page(client, url("api-agreement-list"), params))
    assert (
        found == expected
        if "sort" in params or "q" in params
        else (sorted(found) == sorted(expected))
    )


def test_every_catalog_filter_is_an_api_parameter():
    """One definition: the API's parameters are the FilterSets' fields."""
    schema = api_schema()
    for path, filterset in [
        ("/api/v1/exchanges/", ExchangeFilter),
        ("/api/v1/institutions/", InstitutionFilter),
        ("/api/v1/agreements/", AgreementFilter),
    ]:
        parameters = {
            parameter["name"]: parameter
            for parameter in schema["paths"][path]["get"]["parameters"]
        }
        assert set(filterset.base_filters) <= set(parameters), path
        for name, definition in filterset.base_filters.items():
            choices = definition.extra.get("choices")
            if choices and not callable(choices):
                enum = parameters[name]["schema"]["enum"]
                assert set(enum) == {value for value, _label in choices}, name
            assert parameters[name]["description"], name


def test_count_is_the_catalogs_count_estimated_when_large(client, world, monkeypatch):
    response = client.get(url("exchange-list"))
    assert get(client, url("api-exchange-list")).json()["count"] == (
        response.context["paginator"].total
    )
    assert get(client, url("api-exchange-list")).json()["count_is_estimate"] is False
    # Above the limit the planner's estimate is given, as the catalog does.
    monkeypatch.setattr("cooperation.api.pagination.CATALOG_EXACT_COUNT_LIMIT", 1)
    page = get(client, url("api-exchange-list"), {"page_size": 2}).json()
    assert page["count_is_estimate"] is True
    assert page["count"] >= 2


# Cursor pages -------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "upcoming"},
        {"sort": "newest"},
        {"sort": "title"},
        {"q": "Shanghai"},
    ],
    ids=str,
)
def test_cursor_pages_walk_forward_and_back_through_the_same_results(
    client, world, params
):
    address = url("api-exchange-list")
    everything = slugs(every_page(client, address, {**params, "page_size": 100}))
    assert len(everything) >= 3
    pages = []
    response = get(client, address, {**params, "page_size": 2})
    assert response.json()["previous"] is None
    while True:
        page = response.json()
        pages.append(slugs(page["results"]))
        if page["next"] is None:
            break
        response = get(client, page["next"])
    assert [slug for page in pages for slug in page] == everything
    assert all(len(page) == 2 for page in pages[:-1])
    # Back from the last page, through the previous links, to the first.
    back = []
    page = response.json()
    while page["previous"] is not None:
        page = get(client, page["previous"]).json()
        back.append(slugs(page["results"]))
    assert back == pages[-2::-1]
    # A previous page links forward again.
    assert slugs(get(client, page["next"]).json()["results"]) == pages[1]


def test_cursor_pages_stay_right_when_rows_share_a_sort_value(client, world):
    for _number in range(5):
        make_exchange(
            title_en="Same title",
            host=world["ap"],
            starts_on=datetime.date(2027, 9, 1),
            ends_on=None,
        )
    params = {"sort": "title"}
    expected = catalog_slugs(client, "exchange-list", params)
    found = slugs(
        every_page(client, url("api-exchange-list"), {**params, "page_size": 2})
    )
    assert found == expected


def test_deep_page_costs_what_the_first_does(client, world):
    """A cursor's page starts at its row: no query reads the rows before."""
    for _number in range(30):
        make_exchange(
            host=world["ap"], starts_on=datetime.date(2027, 9, 2), ends_on=None
        )
    address = url("api-exchange-list")
    response = get(client, address, {"sort": "newest", "page_size": 5})
    for _page in range(4):
        response = get(client, response.json()["next"])
    with CaptureQueriesContext(connection) as queries:
        assert get(client, response.json()["next"]).status_code == 200
    page_query = [q["sql"] for q in queries if "LIMIT 6" in q["sql"]]
    assert page_query and "OFFSET" not in page_query[0]
    assert '"cooperation_exchange"."starts_on" <=' in page_query[0]


def test_tampered_cursor_is_refused_as_json(client, world):
    first = get(client, url("api-exchange-list"), {"page_size": 1}).json()
    cursor = re.search(r"cursor=([^&]+)", first["next"])[1]
    for tampered in [cursor[:-3] + "abc", "x" + cursor, "not-a-cursor", "\x00"]:
        response = get(client, url("api-exchange-list"), {"cursor": tampered})
        assert response.status_code == 400
        (error,) = response.json()["errors"]
        assert error["parameter"] == "cursor"
        assert error["value"] == tampered
        assert "start again from the first page" in error["fix"]


def test_cursor_of_another_sort_order_is_refused(client, world):
    first = get(client, url("api-exchange-list"), {"page_size": 1}).json()
    cursor = re.search(r"cursor=([^&]+)", first["next"])[1]
    response = get(
        client,
        url("api-exchange-list"),
        {"cursor": unquote(cursor), "sort": "title"},
    )
    assert response.status_code == 400
    assert "another sort order (id)" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("size", ["0", "101", "-1", "ten", "1.5"])
def test_page_size_out_of_range_is_refused(client, world, size):
    response = get(client, url("api-exchange-list"), {"page_size": size})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["parameter"], error["value"]) == ("page_size", size)
    assert error["fix"] == "Use a whole number from 1 to 100."


def test_empty_page_size_gives_the_default_page_size(client, world):
    for number in range(21):
        make_exchange(title_en=f"Extra exchange {number}", host=world["ap"])
    response = get(client, url("api-exchange-list"), {"page_size": ""})
    assert response.status_code == 200, response.json()
    page = response.json()
    assert len(page["results"]) == 20
    assert page["next"] is not None
    assert page == get(client, url("api-exchange-list")).json() | {"next": page["next"]}
    # The next page too reads the empty size as the default one.
    following = get(client, page["next"]).json()
    assert following["results"] and len(following["results"]) <= 20


# Refusals -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "parameter", "fix"),
    [
        ({"kind": "holiday"}, "kind", "Use one of: teacher, student,"),
        ({"sort": "password"}, "sort", "Use one of: upcoming, newest, title,"),
        ({"state": "cancelled"}, "state", "Use one of: planned, open,"),
        ({"country": "ZZ"}, "country", "Use one of: BE, CN"),
        ({"starts_from": "2027-02-30"}, "starts_from", "YYYY-MM-DD"),
        ({"starts_until": "next week"}, "starts_until", "YYYY-MM-DD"),
        ({"q": "music\x00"}, "q", "U+0000"),
        ({"institution": "\x00"}, "institution", "U+0000"),
    ],
    ids=str,
)
def test_refused_filter_values_are_400s_naming_the_parameter(
    client, world, params, parameter, fix
):
    response = get(client, url("api-exchange-list"), params)
    assert response.status_code == 400
    body = response.json()
    assert parameter in body["detail"]
    (error,) = body["errors"]
    assert error["parameter"] == parameter
    assert error["value"] == params[parameter]
    assert error["message"]
    assert fix in error["fix"]


def test_unknown_parameters_are_ignored(client, world):
    assert get(client, url("api-exchange-list"), {"colour": "red"}).status_code == 200


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [
        ("api-exchange-detail", "slug", "no-such-exchange"),
        ("api-institution-detail", "slug", "ünïcode"),
        ("api-agreement-detail", "slug", "a" * 300),
        ("api-field-detail", "code", "0998"),
        ("api-field-detail", "code", "x\x00"),
    ],
)
def test_unknown_records_are_json_404s(client, world, name, key, value):
    response = get(client, url(name, **{key: value}))
    assert response.status_code == 404
    assert response.json()["detail"].startswith("No public ")
    assert response["Access-Control-Allow-Origin"] == "*"


# Throttling, conditional answers, CORS ------------------------------------------


@pytest.fixture(params=["locmem", "redis"])
def either_cache(request):
    """The test runs twice: with the cache in memory (no REDIS_URL), and with
    the Redis backend settings.py chooses when REDIS_URL is set, which counts
    and reads in one command (tests/test_caching_redis.py)."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    return request.param


def test_requests_above_the_rate_get_429_with_retry_after(
    client, world, settings, either_cache
):
    settings.API_RATE = "3/minute"
    address = url("api-field-list")
    for _ in range(3):
        assert get(client, address).status_code == 200
    throttled = get(client, address)
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert "throttled" in throttled.json()["detail"]
    # Another address has its own allowance; the limit is shared by every
    # endpoint.
    assert get(client, address, REMOTE_ADDR="192.0.2.7").status_code == 200
    assert get(client, url("api-root")).status_code == 429


def test_the_limit_holds_until_its_window_ends_and_retry_after_says_when(
    client, world, settings, time_machine, either_cache
):
    settings.API_RATE = "2/minute"
    minute = datetime.datetime(2027, 6, 16, 10, 0, tzinfo=datetime.UTC)
    time_machine.move_to(minute + datetime.timedelta(seconds=15), tick=False)
    address = url("api-root")
    assert get(client, address).status_code == 200
    assert get(client, address).status_code == 200
    throttled = get(client, address)
    assert throttled.status_code == 429
    assert throttled["Retry-After"] == "45"
    # Still refused at the window's last moment, told to wait 1 second.
    time_machine.move_to(minute + datetime.timedelta(seconds=59.5), tick=False)
    late = get(client, address)
    assert late.status_code == 429
    assert late["Retry-After"] == "1"
    # The next minute has its own allowance.
    time_machine.move_to(minute + datetime.timedelta(minutes=1), tick=False)
    assert get(client, address).status_code == 200
    assert get(client, address).status_code == 200
    assert get(client, address)["Retry-After"] == "60"


def test_a_kept_answer_costs_two_cache_operations(client, world, settings):
    """Two without Redis; one with it (the next test), where the backend
    counts and reads at once."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.API_RATE = "600/hour"
    address = url("api-exchange-detail", slug=world["exchange"].slug)
    first = get(client, address)
    calls, depth = [], [0]
    names = ["get", "get_many", "set", "add", "incr"]
    combined = hasattr(cache, "count_and_get_many")  # with REDIS_URL
    if combined:
        names.append("count_and_get_many")
    for name in names:
        original = getattr(cache, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            # Only the view's own calls (locmem's get_many calls get).
            if not depth[0]:
                calls.append(_name)
            depth[0] += 1
            try:
                return _original(*args, **kwargs)
            finally:
                depth[0] -= 1

        setattr(cache, name, counted)
    try:
        again = get(client, address)
    finally:
        for name in names:
            delattr(cache, name)
    # The throttle's count, then the data's version with the kept answer.
    assert calls == (["count_and_get_many"] if combined else ["incr", "get_many"])
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]


def test_a_kept_answer_costs_one_redis_command(client, world, settings, request):
    """With Redis (REDIS_URL), the throttle's count, the data's version and
    the kept answer are one round trip: one EVALSHA
    (caching.count_and_get_many)."""
    backend = request.getfixturevalue("redis_cache")
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.API_RATE = "600/hour"
    address = url("api-exchange-detail", slug=world["exchange"].slug)
    first = get(client, address)
    redis_client = backend._cache.get_client(write=True)
    commands = []
    original = redis_client.execute_command

    def recorded(*args, **options):
        commands.append(args[0])
        return original(*args, **options)

    redis_client.execute_command = recorded
    try:
        again = get(client, address)
        revalidated = client.get(address, HTTP_IF_NONE_MATCH=first["ETag"])
    finally:
        del redis_client.execute_command
    assert commands == ["EVALSHA", "EVALSHA"]
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == first["ETag"]


def test_throttle_counts_the_client_behind_a_trusted_proxy(client, world, settings):
    settings.API_RATE = "1/hour"
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.1")]
    address = url("api-root")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert (
        get(client, address, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code
        == 200
    )
    assert (
        get(client, address, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code
        == 200
    )
    assert (
        get(client, address, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code
        == 429
    )
    # A visitor cannot choose their address: X-Forwarded-For from elsewhere is
    # not believed.
    direct = {"REMOTE_ADDR": "203.0.113.5"}
    assert (
        get(client, address, HTTP_X_FORWARDED_FOR="1.1.1.1", **direct).status_code
        == 200
    )
    assert (
        get(client, address, HTTP_X_FORWARDED_FOR="2.2.2.2", **direct).status_code
        == 429
    )


def test_rate_off_means_no_limit(client, world, settings):
    settings.API_RATE = None
    for _ in range(5):
        assert get(client, url("api-root")).status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("api-exchange-list", {}),
        ("api-exchange-detail", {"slug": "exchange"}),
        ("api-institution-list", {}),
        ("api-agreement-detail", {"slug": "mou"}),
        ("api-field-detail", {"code": "0215"}),
    ],
)
def test_304_while_the_etag_is_current(client, world, name, kwargs, either_cache):
    kwargs = {
        key: world[value].slug if key == "slug" else value
        for key, value in kwargs.items()
    }
    address = url(name, **kwargs)
    first = get(client, address)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, no-cache"
    etag, modified = first["ETag"], first["Last-Modified"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert len(queries) == 0
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"
    assert client.get(address, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # Another address (another language) has another ETag.
    assert get(client, address, {"lang": "nl"})["ETag"] != etag
    # A change to any record: the answer is sent again, with a new ETag.
    world["ap"].save()
    changed = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.parametrize("name", ["api-exchange-list", "api-exchange-detail"])
def test_answers_come_from_the_cache_until_the_data_changes(
    client, world, settings, name
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    slug = {"slug": world["exchange"].slug} if name == "api-exchange-detail" else {}
    address = url(name, **slug)
    first = get(client, address)
    with CaptureQueriesContext(connection) as queries:
        again = get(client, address)
    assert len(queries) == 0
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]
    # Each address (here: language) is kept apart.
    chinese = get(client, address, {"lang": "zh-hans"}).json()
    assert chinese != first.json()
    # A change shows at once.
    world["exchange"].title_en = "Changed title"
    world["exchange"].save()
    assert "Changed title" in get(client, address).content.decode()
    # Refusals are not kept: the next good request is answered.
    assert get(client, address, {"lang": "xx"}).status_code == 400


def test_answers_are_not_kept_without_the_page_cache(client, world, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    address = url("api-exchange-list")
    get(client, address)
    with CaptureQueriesContext(connection) as queries:
        get(client, address)
    assert len(queries) > 0


def test_etag_changes_with_the_day(client, world, time_machine):
    address = url("api-exchange-detail", slug=world["exchange"].slug)
    etag = get(client, address)["ETag"]
    time_machine.move_to(datetime.datetime(2027, 6, 16, 10, 0, tzinfo=datetime.UTC))
    assert client.get(address, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_cors_is_open_for_reading_only(client, world):
    address = url("api-exchange-list")
    response = get(client, address, HTTP_ORIGIN="https://partner.example.com")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        address,
        HTTP_ORIGIN="https://partner.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    for method in (client.post, client.put, client.patch, client.delete):
        refused = method(address, HTTP_ORIGIN="https://partner.example.com")
        assert refused.status_code == 405
        assert "Access-Control-Allow-Origin" not in refused
        assert refused.json()["detail"]


def test_nothing_is_written_through_the_api(client, world):
    detail = url("api-exchange-detail", slug=world["exchange"].slug)
    response = client.post(
        detail, {"title": "Changed"}, content_type="application/json"
    )
    assert response.status_code == 405
    world["exchange"].refresh_from_db()
    assert world["exchange"].title_en == "Composition teachers in Shanghai"


# Never leak ---------------------------------------------------------------------


def api_addresses(world) -> list[str]:
    return [
        url("api-root"),
        url("api-exchange-list"),
        url("api-institution-list"),
        url("api-agreement-list"),
        url("api-field-list") + "?page_size=100",
        *(
            url("api-exchange-detail", slug=world[name].slug)
            for name in ("exchange", "running", "draft_agreement_exchange")
        ),
        *(
            url("api-institution-detail", slug=world[name].slug)
            for name in ("ap", "shcm", "hidden_parent_unit")
        ),
        *(
            url("api-agreement-detail", slug=world[name].slug)
            for name in ("mou", "renewal", "renewal_of_draft")
        ),
    ]


def test_no_answer_shows_hidden_or_internal_things(client, world):
    for address in api_addresses(world):
        for params in ({}, {"lang": "en"}, {"lang": "zh-hans"}):
            response = get(client, address, params)
            assert response.status_code == 200, address
            assert_nothing_hidden(response.content.decode())


def test_hidden_records_are_not_found_by_address(client, world):
    for name, record in [
        ("api-exchange-detail", "hidden_exchange"),
        ("api-exchange-detail", "hidden_host_exchange"),
        ("api-institution-detail", "hidden_institution"),
        ("api-agreement-detail", "draft_agreement"),
    ]:
        response = get(client, url(name, slug=world[record].slug))
        assert response.status_code == 404
        assert_nothing_hidden(response.content.decode())


def test_links_to_hidden_records_are_left_out(client, world):
    exchange = get(
        client, url("api-exchange-detail", slug=world["draft_agreement_exchange"].slug)
    ).json()
    assert exchange["agreement"] is None
    unit = get(
        client, url("api-institution-detail", slug=world["hidden_parent_unit"].slug)
    ).json()
    assert unit["parent"] is None
    amendment = get(
        client, url("api-agreement-detail", slug=world["renewal_of_draft"].slug)
    ).json()
    assert amendment["predecessor"] is None
    assert AgreementParty.objects.filter(
        agreement=world["mou"], institution=world["hidden_institution"]
    ).exists()


def test_search_and_filters_find_no_hidden_record(client, world):
    for term in ("Hidden", "Unpublished", "Draft agreement", "INTERNAL", "STAFF"):
        for name in ("api-exchange-list", "api-institution-list", "api-agreement-list"):
            response = get(client, url(name), {"q": term})
            assert response.status_code == 200
            assert_nothing_hidden(response.content.decode())
    hidden = world["hidden_institution"].slug
    response = get(client, url("api-exchange-list"), {"institution": hidden})
    assert response.json()["results"] == []
    # No public institution in France: its code is not even a choice.
    assert get(client, url("api-exchange-list"), {"country": "FR"}).status_code == 400


def test_counts_exclude_hidden_records(client, world):
    assert get(client, url("api-exchange-list")).json()["count"] == 5
    assert get(client, url("api-institution-list")).json()["count"] == 4
    assert get(client, url("api-agreement-list")).json()["count"] == 3


# Query counts -------------------------------------------------------------------


def count_queries(client, address) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "pinned"),
    [
        # The planner's estimate, the capped count, the page.
        ("api-exchange-list", 3),
        ("api-institution-list", 3),
        # And the agreements' public parties.
        ("api-agreement-list", 4),
    ],
)
def test_list_query_count_does_not_grow(client, world, name, pinned):
    one = count_queries(client, url(name))
    for _ in range(30):
        host = make_institution(country="FR")
        agreement = make_agreement(parties=[host, world["ap"]])
        make_exchange(host=host, partners=[world["ap"]], agreement=agreement)
    thirty = count_queries(client, url(name))
    assert (one, thirty) == (pinned, pinned)


@pytest.mark.parametrize(
    ("name", "record", "pinned"),
    [
        # The exchange, its partners, fields and agreement.
        ("api-exchange-detail", "exchange", 4),
        # The institution, its parent and successor (one query).
        ("api-institution-detail", "unit", 2),
        # The agreement, parties, fields, kinds, successors, documents,
        # exchanges (it has no predecessor to look up).
        ("api-agreement-detail", "mou", 7),
    ],
)
def test_detail_query_count_does_not_grow(client, world, name, record, pinned):
    address = url(name, slug=world[record].slug)
    one = count_queries(client, address)
    partners = [make_institution() for _ in range(30)]
    world["exchange"].partners.add(*partners)
    for partner in partners:
        world["mou"].parties.create(institution=partner)
        make_exchange(host=world["ap"], partners=[partner], agreement=world["mou"])
    assert (one, count_queries(client, address)) == (pinned, pinned)


# The description and the documentation ------------------------------------------


def api_schema() -> dict:
    from django.test import Client

    response = Client().get(reverse("api-schema"))
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3_1(client):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    schema = response.json()
    assert schema["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(schema).validate()
    assert (
        client.get(
            reverse("api-schema"), HTTP_IF_NONE_MATCH=response["ETag"]
        ).status_code
        == 304
    )


def test_schema_describes_every_operation_with_responses_and_examples():
    schema = api_schema()
    operations = {path: item["get"] for path, item in schema["paths"].items()}
    assert set(operations) == {
        "/api/v1/",
        "/api/v1/exchanges/",
        "/api/v1/exchanges/{slug}/",
        "/api/v1/institutions/",
        "/api/v1/institutions/{slug}/",
        "/api/v1/agreements/",
        "/api/v1/agreements/{slug}/",
        "/api/v1/fields/",
        "/api/v1/fields/{code}/",
    }
    assert all(set(item) == {"get"} for item in schema["paths"].values())
    for path, operation in operations.items():
        responses = operation["responses"]
        assert {"200", "304", "400", "429"} <= set(responses), path
        for status, response in responses.items():
            if status != "304":
                content = response["content"]["application/json"]
                assert content["schema"], (path, status)
                assert content["examples"], (path, status)
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert "lang" in names, path
        # Every query parameter may be sent empty: it is then absent.
        for parameter in operation["parameters"]:
            if parameter["in"] == "query":
                assert parameter.get("allowEmptyValue") is True, (path, parameter)
        if "{" not in path and path != "/api/v1/":
            assert {"cursor", "page_size"} <= names, path
            page = responses["200"]["content"]["application/json"]
            example = next(iter(page["examples"].values()))["value"]
            assert set(example) == {
                "count",
                "count_is_estimate",
                "next",
                "previous",
                "results",
            }


def test_schema_examples_match_what_the_api_answers(client, world):
    """The examples show every key an answer has (and no other)."""
    schema = api_schema()
    for path, address in [
        (
            "/api/v1/exchanges/{slug}/",
            url("api-exchange-detail", slug=world["exchange"].slug),
        ),
        (
            "/api/v1/institutions/{slug}/",
            url("api-institution-detail", slug=world["ap"].slug),
        ),
        (
            "/api/v1/agreements/{slug}/",
            url("api-agreement-detail", slug=world["mou"].slug),
        ),
        ("/api/v1/fields/{code}/", url("api-field-detail", code="0215")),
        ("/api/v1/exchanges/", url("api-exchange-list")),
        ("/api/v1/", url("api-root")),
    ]:
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        example = next(iter(content["application/json"]["examples"].values()))
        answer = get(client, address).json()
        assert set(example["value"]) == set(answer), path
        if "results" in answer:
            assert set(example["value"]["results"][0]) == set(answer["results"][0])


def test_docs_page_loads_swagger_ui_from_static_files_under_the_csp(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    page = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert f'data-schema-url="{reverse("api-schema")}"' in page
    # No inline script or style: only files, each found by the static files
    # finders (served by WhiteNoise, collected by collectstatic).
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "<style" not in page and "style=" not in page
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', page)
    assert {
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui.css",
        "js/api_docs.js",
        "css/api_docs.css",
    } <= set(assets)
    for asset in assets:
        assert finders.find(asset), asset
    assert "https://" not in page.split("</head>")[0]  # nothing from a CDN


# The "Open data" page -----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_open_data_page_links_the_api_feeds_csv_and_licence(client, settings, language):
    settings.DATA_LICENCE_NAME = "CC0 1.0"
    settings.DATA_LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
    response = client.get(url("open-data", language))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'lang="{"zh-Hans" if language == "zh-hans" else language}"' in page
    for address in (
        reverse("api-docs"),
        reverse("api-schema"),
        url("exchange-feed", language),
        url("exchange-calendar", language),
        url("exchange-csv", language),
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ):
        assert f'href="{address}"' in page, address
    assert 'rel="license"' in page and "CC0 1.0" in page
    with translation.override(language):
        assert escape(translation.gettext("Open data")) in page


def test_every_page_footer_links_the_open_data_page(client):
    assert f'href="{url("open-data")}"' in client.get(url("home")).content.decode()


def test_open_data_page_default_licence_is_cc_by_4(client):
    page = client.get(url("open-data")).content.decode()
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in page
    assert "CC BY 4.0" in page


@pytest.mark.parametrize("value", ["600 per hour", "0/hour", "10/fortnight", "many"])
def test_unreadable_api_rate_is_refused(value):
    refused = load_settings(DJANGO_DEBUG="1", API_RATE=value)
    assert refused.returncode != 0
    assert (
        "API_RATE must be a number of requests per second, minute, hour or day, "
        f"such as 600/hour, or off; not {value!r}." in refused.stderr
    )


@pytest.mark.parametrize("value", ["600/hour", "5/second", "off"])
def test_api_rate_accepts_a_rate_or_off(value):
    assert load_settings(DJANGO_DEBUG="1", API_RATE=value).returncode == 0
