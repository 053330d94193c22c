"""No input answers 500 (issue 9, part 3): hypothesis sends every public
page odd values for every GET parameter its filters accept (read from the
FilterSets, so the list follows them), for its page number and sort order
and for parameters it does not know; odd path segments to every route with
one; odd fields to the public forms. Chinese text, NUL and other control
characters, lone surrogates and bytes that are not UTF-8, 100 kB strings,
negative and huge page numbers, malformed dates, unknown choices and
repeated parameters.

Every answer is below 500, says something when it refuses (a page, not an
empty body), and an export that answers 200 is complete. Bounded: a fixed
number of examples per test, derandomised (the same inputs on every run, no
example database), about a minute in all on two cores."""

import csv
import datetime
import io
import ipaddress
import json
from urllib.parse import quote_from_bytes, quote_plus

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st
from icalendar import Calendar

from cooperation.models import AgreementDocument
from cooperation.public.filters import (
    AgreementFilter,
    ExchangeFilter,
    InstitutionFilter,
)
from cooperation.public.forms import InterestForm
from tests.factories import (
    PDF_BYTES,
    field,
    make_agreement,
    make_exchange,
    make_institution,
)
from tests.test_object_storage import bucket, s3_endpoint  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def fuzz(examples: int):
    """The same bounded, repeatable run everywhere: the data fixture is made
    once per test and shared by its examples (they only read it, or add
    interest registrations)."""
    return fuzz_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# Values -------------------------------------------------------------------------

CHINESE = st.text(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12
)
CONTROL = st.text(
    st.characters(max_codepoint=0x9F, categories=["Cc"]), min_size=1, max_size=6
)
# Lone surrogates cannot be encoded as UTF-8: sent as the bytes Python's
# "surrogatepass" gives (ED A0 80 ...), which are not UTF-8 either.
WITH_SURROGATES = st.lists(
    st.characters(categories=["Cs"]) | st.characters(max_codepoint=0x7F),
    min_size=1,
    max_size=8,
).map("".join)
# 100 kB of one character, repeated: cheap to make, costly to mishandle.
LONG = st.sampled_from(["x", "9", "上", "\x00", "%", "-", " ", "&=", "\ufffd"]).map(
    lambda unit: unit * (100_000 // len(unit.encode()))
)
NUMBERS = st.integers(-(10**40), 10**40).map(str) | st.sampled_from(
    [
        "0",
        "-1",
        "1",
        "2",
        "3",
        "last",
        "1e9",
        "1.5",
        "0x1f",
        " 2 ",
        "１２",  # full-width digits: int() reads them
        "٣",
        "NaN",
        "inf",
        "9" * 5000,  # beyond int()'s 4,300 digits
        "2147483648",
        "9223372036854775808",
    ]
)
DATES = (
    st.builds(
        "{}-{:02}-{:02}".format,
        st.integers(-1, 100_000),
        st.integers(-1, 14),
        st.integers(-1, 40),
    )
    | st.dates().map(datetime.date.isoformat)
    | st.sampled_from(
        [
            "2027-02-30",
            "0000-00-00",
            "0001-01-01",
            "9999-12-31",
            "10000-01-01",
            "27/6/2027",
            "2027-06-15T25:00",
            "yesterday",
            "2027-W24",
            "二〇二七年六月",
        ]
    )
)
# Search syntax: tsquery's operators, the edges of the ranges the search
# treats as Chinese, Japanese and Korean, combining marks, wide punctuation.
SEARCH_SYNTAX = st.lists(
    st.sampled_from(
        [
            *"&|!():*<>'\\\"-_%",
            *"\u3040\u30ff\u3400\u4dbf\u4e00\u9fff\uac00\ud7af\uf900\ufaff",
            *"・゠ー\u3099\u0301\u200b\u3000。²ßİﬁ",
            "\U00020000",
            "\U0003134f",
            "上海",
            "the",
            "van",
            " ",
        ]
    ),
    min_size=1,
    max_size=12,
).map("".join)
ODD_TEXT = st.one_of(
    st.just(""),
    SEARCH_SYNTAX,
    st.text(max_size=20),
    CHINESE,
    CONTROL,
    WITH_SURROGATES,
    LONG,
    NUMBERS,
    DATES,
)


def known_values(*filtersets) -> list[str]:
    """Every choice the filters offer (and some that look like one), so that
    valid filters meet the odd ones."""
    values = {"relevance", "on", "off", "true", "false", "BE", "CN", "ZZ", "02", "0215"}
    for filterset in filtersets:
        for filter_ in filterset.base_filters.values():
            choices = filter_.extra.get("choices")
            if isinstance(choices, list | tuple):
                values.update(str(value) for value, _label in choices)
    variants = set()
    for value in values:
        variants |= {value, value.upper(), f" {value}", f"{value}\x00"}
    return sorted(variants)


HOSTILE = [
    "",
    "\x00",
    "a\x00b",
    "\x1b[2J\r\n\t",
    "\ud800",  # sent as the bytes ED A0 80, which are not UTF-8
    "x\udfff",
    "上海音乐学院",
    "x" * 100_000,
    "-1",
    "0",
    "9" * 5000,
    "99999999999999999999",
    "2027-02-30",
    "0000-00-00",
    "no-such-choice",
]
HOSTILE_VALUES = st.sampled_from(HOSTILE)
KNOWN = st.sampled_from(
    known_values(ExchangeFilter, InstitutionFilter, AgreementFilter)
)
VALUES = KNOWN | HOSTILE_VALUES | ODD_TEXT
UNKNOWN_NAMES = [
    "utm_source",
    "page[]",
    "sort[]",
    "q[]",
    "csrfmiddlewaretoken",
    "format",
    "p",
    "",
    "\x00",
    "上海",
]
# Pieces of a query string that are not name=value pairs.
MALFORMED = st.sampled_from(["", "&", "=", "==", "%", "%zz", "%E4%B8", "a=%", ";", "+"])


def encoded(text: str, how: str) -> str:
    """``text`` as it stands in a query string as WSGI hands it over (a
    str of bytes): percent-encoded, form-encoded, or raw bytes."""
    data = text.encode("utf-8", "surrogatepass")
    if how == "quote":
        return quote_from_bytes(data, safe="")
    if how == "plus":
        return quote_plus(data, safe="")
    return data.decode("latin-1")


@st.composite
def query_strings(draw, names) -> str:
    """A query string of the given parameter names, ``page``, ``sort`` and
    unknown names, with odd values, some repeated, some malformed."""
    name = st.sampled_from([*names, "page", "sort"]) | st.sampled_from(UNKNOWN_NAMES)
    value = VALUES | NUMBERS  # page numbers weigh more
    pairs = draw(st.lists(st.tuples(name, value), max_size=6))
    if pairs and draw(st.booleans()):
        pairs += draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=3))
    how = st.sampled_from(["quote", "plus", "raw"])
    parts = [f"{encoded(k, draw(how))}={encoded(v, draw(how))}" for k, v in pairs]
    if draw(st.integers(0, 4)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), draw(MALFORMED))
    return "&".join(parts)


# The data ------------------------------------------------------------------------


@pytest.fixture
def world():
    """A few published records of each kind in every state, and names that
    test the exports (a formula, quotes, commas, a line break, Chinese)."""
    today = timezone.localdate()
    days = datetime.timedelta
    ap = make_institution(
        name_en="AP University of Applied Sciences and Arts Antwerp",
        name_zh_hans="安特卫普AP应用科学与艺术大学",
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
    odd = make_institution(
        name_en='=HYPERLINK("http://evil.example","x"), "quoted"\nline',
        country="NL",
        city="-Delft",
    )
    mou = make_agreement(
        title_en="Memorandum on musical talent",
        title_zh_hans="音乐人才培养谅解备忘录",
        parties=[ap, shcm],
    )
    make_agreement(
        title_en="Expired letter of intent",
        signed_on=datetime.date(2019, 1, 1),
        valid_from=datetime.date(2019, 1, 1),
        expires_on=datetime.date(2020, 1, 1),
        parties=[ap, odd],
    )
    document = AgreementDocument.objects.create(
        agreement=mou,
        title="Signed text",
        language="en",
        public=True,
        file=ContentFile(PDF_BYTES, name="signed.pdf"),
    )
    open_exchange = make_exchange(
        title_en="Composition teachers in Shanghai",
        title_zh_hans="作曲教师赴上海交流",
        host=shcm,
        partners=[ap],
        agreement=mou,
        fields_of_education=[field("0215")],
        starts_on=datetime.date(2031, 3, 1),
        ends_on=datetime.date(2031, 3, 31),
        application_deadline=datetime.date(2031, 1, 1),
        kind="teacher",
    )
    make_exchange(
        title_en="Running exchange",
        host=ap,
        starts_on=today - days(5),
        ends_on=today + days(5),
    )
    make_exchange(
        title_en="=1+1 finished exchange",
        host=odd,
        starts_on=datetime.date(2020, 3, 1),
        ends_on=datetime.date(2020, 3, 31),
    )
    make_exchange(title_en="Cancelled exchange", host=ap, cancelled=True)
    return {
        "ap": ap,
        "shcm": shcm,
        "mou": mou,
        "document": document,
        "exchange": open_exchange,
    }


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


# What every answer must be ----------------------------------------------------


def body(response) -> bytes:
    """The whole body; a stream is read to its end (an error while streaming
    is raised here, and fails the test: the download would be cut short)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def check(response, address: str) -> bytes:
    """Below 500; a refusal with a message; a 200 export that parses."""
    assert response.status_code < 500, address[:300]
    content = body(response)
    # A refusal says why; Django's 405 (a method the view does not take)
    # names the allowed ones in its Allow header only, and HEAD has no body.
    method = response.request["REQUEST_METHOD"]
    if response.status_code >= 400 and response.status_code != 405:
        assert content.strip() or method == "HEAD", f"{response.status_code}, empty"
    if response.status_code == 200 and method != "HEAD":
        kind = response.get("Content-Type", "")
        if kind.startswith("text/csv"):
            check_csv(content)
        elif kind.startswith("text/calendar"):
            Calendar.from_ical(content)
        elif kind.startswith(("application/json", "application/geo+json")):
            json.loads(content)
    return content


def check_csv(content: bytes) -> None:
    """A complete export: a header, then rows of as many columns, and a
    final line break (a stream cut short would end mid-row)."""
    text = content.decode("utf-8-sig")
    assert text.endswith("\n"), "the export ends without a line break"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows, "the export has no header"
    assert {len(row) for row in rows} == {len(rows[0])}


def get(client, path: str, query: str = "", **extra):
    """A GET of ``path`` (a WSGI PATH_INFO: a str of bytes) with a raw query
    string, as a server would pass them on."""
    return client.get("/", PATH_INFO=path, QUERY_STRING=query, **extra)


# GET parameters of every public page --------------------------------------------


def sweep(names) -> list[str]:
    """Query strings: for each hostile value, every parameter (and ``sort``
    and an unknown one) holding it, percent-encoded and as raw bytes, and
    ``page`` holding it; each parameter repeated with different values."""
    names = [*names, "sort", "utm_source"]
    queries = []
    for value in HOSTILE:
        for how in ("quote", "raw"):
            queries.append("&".join(f"{name}={encoded(value, how)}" for name in names))
        queries.append(f"page={encoded(value, 'quote')}")
    queries += [f"{name}=a&{name}=%00&{name}=&{name}=2" for name in [*names, "page"]]
    return queries


# (URL name, the parameters it reads: its FilterSet's, and the API's own)
API_PARAMETERS = ["cursor", "page_size", "lang"]
CATALOGS = [
    ("exchange-list", [*ExchangeFilter.base_filters]),
    ("institution-list", [*InstitutionFilter.base_filters]),
    ("agreement-list", [*AgreementFilter.base_filters]),
    ("exchange-calendar", [*ExchangeFilter.base_filters]),
    ("exchange-csv", [*ExchangeFilter.base_filters]),
    ("exchange-embed", [*ExchangeFilter.base_filters, "lang"]),
    ("api-exchange-list", [*ExchangeFilter.base_filters, *API_PARAMETERS]),
    ("api-institution-list", [*InstitutionFilter.base_filters, *API_PARAMETERS]),
    ("api-agreement-list", [*AgreementFilter.base_filters, *API_PARAMETERS]),
    ("api-field-list", API_PARAMETERS),
]


@pytest.mark.parametrize(("name", "names"), CATALOGS)
@fuzz(examples=40)
@given(data=st.data())
def test_catalog_parameters_never_fail(client, world, name, names, data):
    language = data.draw(st.sampled_from(LANGUAGES))
    query = data.draw(query_strings(names))
    cached = data.draw(st.booleans())
    address = url(name, language)
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=300 if cached else 0):
        check(get(client, address, query), f"{address}?{query}")
        if cached:  # the second answer may come from the page cache
            check(get(client, address, query), f"{address}?{query}")


@pytest.mark.parametrize(("name", "names"), CATALOGS)
def test_every_catalog_parameter_meets_every_hostile_value(client, world, name, names):
    for number, query in enumerate(sweep(names)):
        address = url(name, LANGUAGES[number % len(LANGUAGES)])
        check(get(client, address, query), f"{address}?{query}")


PAGES = [
    ("home", ()),
    ("exchange-feed", ()),
    ("institution-suggestions", ("q",)),
    ("institution-map", ()),
    ("institution-map-geojson", ()),
    ("statistics", ()),
    ("open-data", ()),
    ("api-root", ("lang",)),
    ("api-schema", ("lang",)),
    ("api-docs", ("lang",)),
    ("healthz", ()),
    ("readyz", ()),
]


@pytest.mark.parametrize(("name", "names"), PAGES)
@fuzz(examples=20)
@given(data=st.data())
def test_page_parameters_never_fail(client, world, name, names, data):
    language = data.draw(st.sampled_from(LANGUAGES))
    query = data.draw(query_strings(names))
    address = url(name, language)
    check(get(client, address, query), f"{address}?{query}")


SITEMAP_SECTIONS = ["pages", "exchanges", "institutions", "agreements"]


def record_addresses(world, language: str) -> list[str]:
    return [
        url("exchange-detail", language, slug=world["exchange"].slug),
        url("exchange-ical", language, slug=world["exchange"].slug),
        url("institution-detail", language, slug=world["shcm"].slug),
        url("agreement-detail", language, slug=world["mou"].slug),
    ]


@fuzz(examples=40)
@given(data=st.data())
def test_record_and_site_pages_ignore_odd_parameters(client, world, data):
    language = data.draw(st.sampled_from(LANGUAGES))
    address = data.draw(
        st.sampled_from(
            [
                *record_addresses(world, language),
                url("api-exchange-detail", slug=world["exchange"].slug),
                url("api-institution-detail", slug=world["shcm"].slug),
                url("api-agreement-detail", slug=world["mou"].slug),
                url("api-field-detail", code="0215"),
                url("document-download", pk=world["document"].pk),
                url("robots"),
                url("sitemap"),
                *(url("sitemap-section", section=name) for name in SITEMAP_SECTIONS),
            ]
        )
    )
    query = data.draw(query_strings(["p", "lang"]))
    check(get(client, address, query), f"{address}?{query}")


# Path segments ------------------------------------------------------------------

ROUTES = [
    "/{language}/exchanges/{segment}/",
    "/{language}/exchanges/{segment}/calendar.ics",
    "/{language}/institutions/{segment}/",
    "/{language}/agreements/{segment}/",
    "/api/v1/exchanges/{segment}/",
    "/api/v1/institutions/{segment}/",
    "/api/v1/agreements/{segment}/",
    "/api/v1/fields/{segment}/",
    "/api/v1/{segment}/",
    "/{language}/{segment}/",
    "/{segment}/exchanges/",
    "/documents/{segment}/",
    "/documents/file/{segment}",
    "/sitemap-{segment}.xml",
    "/media/{segment}",
    "/{segment}",
    "/admin/{segment}/",
]
SLUGS = st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True)
SEGMENTS = st.one_of(
    SLUGS,
    ODD_TEXT,
    st.integers(0, 10**30).map(str),
    st.sampled_from(
        [
            "%00",
            "a%00b",
            "..",
            "../../etc/passwd",
            "..%2f..%2fsettings.py",
            "signed.pdf",
            "documents/signed.pdf",
            "//evil.example/x",
            "exchanges.csv",
            "calendar.ics",
            "map.geojson",
            "suggestions.json",
        ]
    ),
)


# Longer than a file name may be (255 bytes), a document's stored name, a
# way out of the folder, a number no key reaches.
HOSTILE_SEGMENTS = [
    *HOSTILE,
    "x" * 300,
    "上" * 100,
    "..",
    "../../etc/passwd",
    "%00",
    "9" * 30,
]


def test_every_route_meets_every_hostile_segment(client, world):
    for number, segment in enumerate(HOSTILE_SEGMENTS * 2):
        how = "quote" if number < len(HOSTILE_SEGMENTS) else "raw"
        for route in ROUTES:
            path = route.format(
                language=LANGUAGES[number % len(LANGUAGES)],
                segment=encoded(segment, how),
            )
            check(get(client, path), path)


@pytest.mark.usefixtures("bucket")
def test_logos_in_a_bucket_meet_every_hostile_segment(client):
    """With DJANGO_S3_BUCKET the logos are asked of the bucket (moto's S3
    server here), which refuses some names itself."""
    for how in ("quote", "raw"):
        for segment in [*HOSTILE_SEGMENTS, "a/" * 600]:
            path = f"/media/{encoded(segment, how)}"
            check(get(client, path), path)


@fuzz(examples=200)
@given(data=st.data())
def test_odd_path_segments_never_fail(client, world, data):
    segment = data.draw(SEGMENTS | st.sampled_from([world["exchange"].slug]))
    if data.draw(st.booleans()):
        segment += data.draw(ODD_TEXT)
    route = data.draw(st.sampled_from(ROUTES))
    path = route.format(
        language=data.draw(st.sampled_from(LANGUAGES)),
        segment=encoded(segment, data.draw(st.sampled_from(["raw", "quote"]))),
    )
    check(get(client, path), path)


# The interest form --------------------------------------------------------------

FORM_FIELDS = [*InterestForm.base_fields]
PLAUSIBLE = {
    "name": "Li Wei",
    "email": "li.wei@example.org",
    "organisation": "Shanghai Conservatory of Music",
    "message": "I teach composition.",
    "consent": "on",
    "website": "",
}


@st.composite
def form_bodies(draw) -> str:
    """An urlencoded body: each field of the form plausible, odd, repeated or
    missing, plus unknown fields."""
    pairs = []
    for name in FORM_FIELDS:
        choice = draw(st.sampled_from(["plausible", "odd", "missing", "repeated"]))
        if choice == "plausible":
            pairs.append((name, PLAUSIBLE.get(name, "")))
        elif choice == "odd":
            pairs.append((name, draw(VALUES)))
        elif choice == "repeated":
            pairs += [(name, draw(VALUES)), (name, PLAUSIBLE.get(name, ""))]
    pairs += draw(
        st.lists(st.tuples(st.sampled_from(UNKNOWN_NAMES), VALUES), max_size=2)
    )
    how = st.sampled_from(["quote", "plus", "raw"])
    return "&".join(
        f"{encoded(k, draw(how))}={encoded(v, draw(how))}" for k, v in pairs
    )


FORM_TYPE = "application/x-www-form-urlencoded"
# What else a body may claim to be: a form in another or no known character
# set, multipart without or with a boundary the body does not have, others.
CONTENT_TYPES = [
    FORM_TYPE,
    f"{FORM_TYPE}; charset=latin-1",
    f"{FORM_TYPE}; charset=no-such-charset",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "text/plain",
    "application/json",
    "",
]


def post(client, path: str, form: str, content_type: str = FORM_TYPE):
    return client.generic(
        "POST",
        "/",
        form.encode("latin-1"),
        content_type=content_type,
        PATH_INFO=path,
    )


def test_every_interest_field_meets_every_hostile_value(client, world):
    """Each field hostile, the others plausible: the form says what is
    wrong (or accepts it, until the rate limit refuses more)."""
    path = url("exchange-detail", slug=world["exchange"].slug)
    for name in FORM_FIELDS:
        for value in HOSTILE:
            form = "&".join(
                f"{key}={encoded(value if key == name else plausible, 'quote')}"
                for key, plausible in PLAUSIBLE.items()
            )
            response = post(client, path, form)
            check(response, f"POST {path} {form[:300]}")
            assert response.status_code in (200, 302)
    # Some of those were accepted: by now the rate limit answers, with a page.
    response = client.post(path, PLAUSIBLE)
    assert response.status_code == 200
    assert "several registrations in a short time" in response.text


@fuzz(examples=80)
@given(data=st.data())
def test_interest_form_fields_never_fail(client, world, data):
    """Odd fields are refused with the form's messages; plausible ones are
    saved until the rate limit says to wait (both answers below 500)."""
    language = data.draw(st.sampled_from(LANGUAGES))
    path = url("exchange-detail", language, slug=world["exchange"].slug)
    form = data.draw(form_bodies())
    content_type = data.draw(st.sampled_from(CONTENT_TYPES))
    response = post(client, path, form, content_type)
    check(response, f"POST {path} {content_type} {form[:300]}")
    # 400: more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields ("&=" 50,000 times),
    # a multipart body that is not one.
    assert response.status_code in (200, 302, 400)


def test_interest_form_without_csrf_token_is_refused_with_a_page(world):
    browser = Client(enforce_csrf_checks=True)
    address = url("exchange-detail", slug=world["exchange"].slug)
    response = browser.post(address, PLAUSIBLE)
    assert response.status_code == 403
    assert "Form not sent" in response.text  # templates/403_csrf.html


@fuzz(examples=20)
@given(form=form_bodies(), language=st.sampled_from(LANGUAGES))
def test_language_switch_form_never_fails(client, world, form, language):
    """Django's language switch, with the interest form's odd fields plus
    odd ``language`` and ``next`` values."""
    extra = f"&language={encoded(language, 'quote')}&next=/{language}/exchanges/"
    response = post(client, url("set_language"), form + extra)
    check(response, f"POST set_language {form[:300]}")


# Methods, headers and cookies ------------------------------------------------------

METHODS = ["HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE", "FOO"]


def one_address_per_view(world) -> list[str]:
    return [
        *(url(name) for name, _names in CATALOGS),
        *(url(name) for name, _names in PAGES),
        *record_addresses(world, "en"),
        url("api-exchange-detail", slug=world["exchange"].slug),
        url("document-download", pk=world["document"].pk),
        reverse("document-file", kwargs={"name": world["document"].file.name}),
        url("robots"),
        url("sitemap"),
        url("sitemap-section", section="exchanges"),
        "/media/logos/none.png",
    ]


def test_every_view_answers_every_method(client, world):
    for address in one_address_per_view(world):
        for method in METHODS:
            response = client.generic(method, address)
            check(response, f"{method} {address}")


HEADERS = [
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_REQUEST_ID",
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_ORIGIN",
    "HTTP_RANGE",
]
COOKIES = ["django_language", "sessionid", "csrftoken", "messages"]


@fuzz(examples=60)
@given(data=st.data())
def test_odd_headers_and_cookies_never_fail(world, data):
    """Headers and cookies as a client may send them (latin-1 text, as WSGI
    passes them on), from an ordinary address or through a trusted proxy."""
    client = Client()
    for name in data.draw(st.lists(st.sampled_from(COOKIES), unique=True)):
        client.cookies[name] = (
            data.draw(VALUES).encode("utf-8", "surrogatepass")[:4000].decode("latin-1")
        )
    headers = {
        name: encoded(data.draw(VALUES), data.draw(st.sampled_from(["raw", "quote"])))[
            :8000
        ]
        for name in data.draw(st.lists(st.sampled_from(HEADERS), unique=True))
    }
    proxied = data.draw(st.booleans())
    address = data.draw(st.sampled_from(one_address_per_view(world)))
    method = data.draw(st.sampled_from(["GET", "HEAD", "POST"]))
    with override_settings(TRUSTED_PROXIES=[ipaddress.ip_network("10.0.0.0/8")]):
        response = client.generic(
            method,
            address,
            REMOTE_ADDR="10.0.0.2" if proxied else "203.0.113.9",
            **headers,
        )
    check(response, f"{method} {address} {headers!r:.300}")


# The staff sign-in form: public, whatever it is sent ----------------------------


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_the_sign_in_form_meets_every_hostile_value(client, world):
    login = reverse("admin:login")
    for value in HOSTILE:
        query = f"next={encoded(value, 'quote')}"
        check(get(client, login, query), f"{login}?{query}")
        for name in ("username", "password"):
            form = f"username=editor&password=wrong&{name}={encoded(value, 'quote')}"
            check(post(client, login, form), f"POST {login} {form[:300]}")


def test_every_public_route_is_fuzzed():
    """A new public route joins the fuzzing: this list names them all."""
    from cooperation.urls import urlpatterns

    fuzzed = (
        {name for name, _ in CATALOGS}
        | {name for name, _ in PAGES}
        | {
            "exchange-detail",
            "exchange-ical",
            "institution-detail",
            "agreement-detail",
            "document-download",
            "document-file",
            "robots",
            "sitemap",
            "sitemap-section",
            "media-file",
            "set_language",
            "api-exchange-detail",
            "api-institution-detail",
            "api-agreement-detail",
            "api-field-detail",
        }
    )
    names = set()
    for pattern in urlpatterns:
        if getattr(pattern, "namespace", None) == "admin":
            continue  # staff pages (the sign-in page is django-axes' to guard)
        for inner in getattr(pattern, "url_patterns", [pattern]):
            names.add(inner.name)
    assert names <= fuzzed, names - fuzzed
