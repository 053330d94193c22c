"""The embeddable catalog (/embed/exchanges/, embed.py) and its snippet."""

import datetime
import html
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import override

from cooperation.models import Exchange
from cooperation.public import embed

from . import factories

EMBED = "/embed/exchanges/"


@pytest.fixture
def records(db):
    host = factories.make_institution(
        name="Royal Conservatoire Antwerp",
        name_zh_hans="安特卫普皇家音乐学院",
        slug="royal-conservatoire",
        country="BE",
    )
    other = factories.make_institution(
        name="Shanghai Conservatory", slug="shanghai-conservatory", country="CN"
    )
    hidden_host = factories.make_institution(
        name="Hidden school", slug="hidden-school", published=False
    )
    return {
        "host": host,
        "other": other,
        "exchange": factories.make_exchange(
            title="Composition teachers to Shanghai",
            title_zh_hans="作曲教师赴上海交流",
            host=host,
            kind=Exchange.Kind.TEACHER_EXCHANGE,
            fields_of_education=[factories.field("0215")],
        ),
        "student": factories.make_exchange(
            title="Piano students in Antwerp",
            host=host,
            kind=Exchange.Kind.STUDENT_EXCHANGE,
        ),
        "elsewhere": factories.make_exchange(
            title="Erhu masterclass", host=other, kind=Exchange.Kind.TRAINING_COURSE
        ),
        "unpublished": factories.make_exchange(
            title="Draft exchange", host=host, published=False
        ),
        "hidden": factories.make_exchange(
            title="Exchange of a hidden host", host=hidden_host
        ),
    }


def titles(response) -> str:
    return response.content.decode()


def test_lists_the_public_exchanges_of_an_institution(client, records):
    response = client.get(EMBED, {"institution": "royal-conservatoire"})
    assert response.status_code == 200
    page = titles(response)
    assert "Composition teachers to Shanghai" in page
    assert "Piano students in Antwerp" in page
    assert "Erhu masterclass" not in page
    assert "Draft exchange" not in page
    assert escape("Exchanges of Royal Conservatoire Antwerp") in page
    # Each title opens the public page on the registry, in a new tab.
    link = records["exchange"].get_absolute_url()
    assert f'<a href="{link}" target="_blank" rel="noopener">' in page
    # A page of its own: a language, a heading, a list; no site navigation.
    assert '<html lang="en">' in page
    assert "<h1" in page and "<ul" in page
    assert "<nav" not in page


def test_never_shows_what_is_not_public(client, records):
    page = titles(client.get(EMBED))
    assert "Erhu masterclass" in page
    assert "Draft exchange" not in page
    assert "Exchange of a hidden host" not in page
    hidden = titles(client.get(EMBED, {"institution": "hidden-school"}))
    assert "Exchange of a hidden host" not in hidden
    assert "No public exchanges match these filters." in hidden


@pytest.mark.parametrize(
    ("query", "shown", "not_shown"),
    [
        ({"country": "CN"}, "Erhu masterclass", "Piano students in Antwerp"),
        ({"kind": "student"}, "Piano students in Antwerp", "Erhu masterclass"),
        ({"field": "0215"}, "Composition teachers to Shanghai", "Erhu masterclass"),
        (
            {"institution": "royal-conservatoire", "kind": "teacher"},
            "Composition teachers to Shanghai",
            "Piano students in Antwerp",
        ),
    ],
)
def test_filters_like_the_catalog(client, records, query, shown, not_shown):
    page = titles(client.get(EMBED, query))
    assert shown in page
    assert not_shown not in page


def test_in_chinese_when_asked(client, records):
    response = client.get(
        EMBED, {"institution": "royal-conservatoire", "lang": "zh-hans"}
    )
    page = titles(response)
    assert '<html lang="zh-Hans">' in page
    assert "作曲教师赴上海交流" in page
    assert "安特卫普皇家音乐学院" in page
    assert "学生交流" in page  # the kind, "student exchange"
    with override("zh-hans"):
        link = records["exchange"].get_absolute_url()
    assert link.startswith("/zh-hans/") and link in page


@pytest.mark.parametrize("lang", ["xx", "", "../en", "zh"])
def test_an_unknown_language_gives_the_default(client, records, lang):
    response = client.get(EMBED, {"institution": "royal-conservatoire", "lang": lang})
    assert response.status_code == 200
    assert '<html lang="en">' in titles(response)


def test_shows_at_most_a_page_and_links_to_the_rest(client, records):
    host = records["host"]
    for number in range(embed.EMBED_ROWS + 3):
        factories.make_exchange(
            title=f"Series {number}",
            host=host,
            starts_on=datetime.date(2028, 1, 1) + datetime.timedelta(days=number),
            ends_on=None,
        )
    page = titles(client.get(EMBED, {"institution": host.slug, "lang": "fr"}))
    assert page.count('<li class="mb-2">') == embed.EMBED_ROWS
    total = embed.EMBED_ROWS + 3 + 2  # and the two made by the fixture
    with override("fr"):
        catalog = reverse("exchange-list")
    assert f"http://testserver{catalog}?institution={host.slug}" in page
    assert f"{total}" in page


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("kind=nonsense", "nonsense"),
        ("starts_from=2027-13-45", "2027-13-45"),
        ("country=ZZ", "ZZ"),
    ],
)
def test_bad_parameters_say_what_is_wrong(client, records, query, named):
    response = client.get(f"{EMBED}?{query}")
    assert response.status_code == 400
    page = html.unescape(titles(response))
    assert "a parameter of its address is not valid" in page
    assert named in page


def test_the_embed_may_be_framed_by_any_site(client, records):
    response = client.get(EMBED, {"institution": "royal-conservatoire"})
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in response["Content-Security-Policy"]


def test_the_framing_allow_list_is_configurable(client, records, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://partner.example.org"]
    response = client.get(EMBED)
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https://partner.example.org" in policy


def test_the_embed_from_the_page_cache_may_still_be_framed(client, records, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    first = client.get(EMBED, {"lang": "nl"})
    second = client.get(EMBED, {"lang": "nl"})
    assert second.content == first.content
    for response in (first, second):
        assert "X-Frame-Options" not in response
        assert "frame-ancestors *" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["exchange-list", "home"])
def test_other_pages_still_refuse_framing(client, records, name):
    response = client.get(reverse(name))
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_institution_page_shows_the_snippet(client, records):
    host = records["host"]
    with override("nl"):
        address = host.get_absolute_url()
    page = titles(client.get(address))
    snippet = (
        '<iframe src="http://testserver/embed/exchanges/?institution='
        'royal-conservatoire&amp;lang=nl" title="'
    )
    assert "Show these exchanges on your website" not in page  # in Dutch
    assert escape(snippet) in page
    assert 'height="400" loading="lazy"' in html.unescape(page)
    assert escape(embed.snippet(RequestFactory().get("/"), host, "nl")) in page
    assert "<textarea" in page and "readonly" in page


def test_the_embed_reports_its_height_with_a_script_file_only(client, records):
    page = titles(client.get(EMBED, {"institution": "royal-conservatoire"}))
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script src="/static/js/embed-frame.js" defer>']
    assert finders.find("js/embed-frame.js")
    assert not re.search(r"\son[a-z]+=", page)  # no inline handlers (CSP)


def test_the_snippet_includes_the_host_script_from_the_registry(rf, records):
    text = embed.snippet(rf.get("/"), records["host"], "nl")
    frame, script = text.split("\n")
    assert frame.startswith(
        '<iframe src="http://testserver/embed/exchanges/?institution='
        'royal-conservatoire&amp;lang=nl" title="'
    )
    # An initial height only: the host script sizes the frame to its content.
    assert 'height="400" loading="lazy"></iframe>' in frame
    # The file's plain name (not the hashed one), absolute: a partner's copy
    # keeps working after the file changes.
    assert script == (
        '<script src="http://testserver/static/js/embed-host.js" async></script>'
    )
    assert finders.find("js/embed-host.js")
    assert not re.search(r"\son[a-z]+=", text)  # nothing inline


def test_the_snippet_is_https_behind_the_tls_proxy(rf, records, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["registry.example.org"]
    request = rf.get(
        "/", HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="registry.example.org"
    )
    text = embed.snippet(request, records["host"], "fr")
    assert text.startswith(
        '<iframe src="https://registry.example.org/embed/exchanges/?institution='
        'royal-conservatoire&amp;lang=fr"'
    )
    assert '<script src="https://registry.example.org/static/js/embed-host.js"' in (
        text
    )


def test_the_admin_change_page_shows_the_snippet(client, records, superuser):
    client.force_login(superuser)
    host = records["host"]
    response = client.get(
        reverse("admin:cooperation_institution_change", args=[host.pk])
    )
    assert response.status_code == 200
    page = titles(response)
    assert 'id="embed-snippet"' in page
    assert escape("/embed/exchanges/?institution=royal-conservatoire") in page
    assert escape('<script src="http://testserver/static/js/embed-host.js"') in page
