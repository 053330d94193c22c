"""What only a browser shows: accessibility, the language switch, search,
filters and pagination, the interest form, the map, a phone-sized screen."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from cooperation.models import Agreement, Exchange, Institution, Interest
from tests.browser.conftest import axe_violations

LANGUAGES = ["en", "zh-hans", "nl", "fr"]


def page_types(site: str, language: str) -> dict[str, str]:
    exchange = Exchange.objects.public().get(
        slug="antwerp-composition-teachers-in-shanghai"
    )
    institution = Institution.objects.public().get(
        slug="shanghai-conservatory-of-music"
    )
    agreement = Agreement.objects.public().get(slug="shcm-ap-mou-musical-talent")
    base = f"{site}/{language}"
    return {
        "home": f"{base}/",
        "exchange list": f"{base}/exchanges/",
        "exchange detail": f"{base}/exchanges/{exchange.slug}/",
        "institution list": f"{base}/institutions/",
        "institution detail": f"{base}/institutions/{institution.slug}/",
        "agreement list": f"{base}/agreements/",
        "agreement detail": f"{base}/agreements/{agreement.slug}/",
        "map": f"{base}/institutions/map/",
        "statistics": f"{base}/statistics/",
        "not found": f"{base}/no-such-page/",
        "embed": f"{site}/embed/exchanges/?institution={institution.slug}"
        f"&lang={language}",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_type_has_no_accessibility_violations(browser, site, language):
    # axe is injected as a script, which the site's CSP rightly refuses.
    page = browser.new_context(bypass_csp=True).new_page()
    failures = {}
    for name, address in page_types(site, language).items():
        page.goto(address)
        violations = axe_violations(page)
        if violations:
            failures[name] = violations
    assert failures == {}


def test_language_switch_keeps_page_and_filters(page, site):
    page.goto(f"{site}/en/exchanges/?kind=teacher&sort=title")
    page.get_by_role("link", name="简体中文").click()
    expect(page).to_have_url(
        re.compile(r"/zh-hans/exchanges/\?kind=teacher&sort=title$")
    )
    expect(page.locator("#id_kind")).to_have_value("teacher")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/exchanges/\?kind=teacher&sort=title$"))


def test_search_filter_and_paginate(page, site):
    page.goto(f"{site}/zh-hans/exchanges/")
    page.locator("#id_q").fill("上海")
    page.locator("form.catalog-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"q=%E4%B8%8A%E6%B5%B7"))
    titles = page.locator(".list-results .card-title").all_inner_texts()
    with translation.override("zh-hans"):
        expected = [e.title for e in Exchange.objects.public().search("上海")]
    # The demo data's matches fit on one page: exactly those, each once.
    assert 0 < len(expected) <= 20
    assert sorted(title.strip() for title in titles) == sorted(expected)

    page.goto(f"{site}/en/exchanges/")
    page.locator("#id_kind").select_option("internship")
    page.locator("form.catalog-filters button[type=submit]").click()
    subtitles = page.locator(".list-results .card-subtitle").all_inner_texts()
    assert subtitles and all(s.startswith("Internship") for s in subtitles)

    page.goto(f"{site}/en/exchanges/")
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("2")


def test_interest_form_shows_errors_then_registers(page, site):
    exchange = Exchange.objects.public().open_for_applications().first()
    page.goto(f"{site}/en/exchanges/{exchange.slug}/")
    form = page.locator("#interest-form")
    form.get_by_label("Your name").fill("Li Wei")
    form.get_by_label("Your e-mail address").fill("not an address")
    form.get_by_role("button", name="Register my interest").click()
    expect(page.locator("#id_email")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#id_name")).to_have_value("Li Wei")
    assert not Interest.objects.filter(name="Li Wei").exists()

    form = page.locator("#interest-form")
    form.get_by_label("Your e-mail address").fill("li.wei@example.org")
    form.get_by_label(re.compile("I agree")).check()
    form.get_by_role("button", name="Register my interest").click()
    expect(page.get_by_role("status")).to_contain_text(
        "your interest has been registered"
    )
    assert Interest.objects.filter(email="li.wei@example.org").exists()


def wait_for_every_marker(page) -> None:
    """Until every located institution is on the map, alone or in a group
    showing its size."""
    located = Institution.objects.public().filter(latitude__isnull=False).count()
    page.wait_for_function(
        """located => {
          const alone = document.querySelectorAll(
            ".leaflet-marker-icon:not(.marker-cluster)").length;
          const sizes = [...document.querySelectorAll(".marker-cluster-count")]
            .map(size => Number(size.textContent));
          return alone + sizes.reduce((sum, size) => sum + size, 0) === located;
        }""",
        arg=located,
    )


def test_map_fetches_and_groups_a_marker_per_located_institution(page, site):
    refused = []
    page.on(
        "console",
        lambda message: "Refused" in message.text and refused.append(message.text),
    )
    page.goto(f"{site}/en/institutions/map/")
    markers = page.locator(".leaflet-marker-icon:not(.marker-cluster)")
    wait_for_every_marker(page)
    assert page.locator(".marker-cluster").count() > 0
    # A group opens from the keyboard: the map zooms in on it (or spreads
    # out institutions at one address), down to single institutions.
    for _ in range(10):
        page.get_by_role("button", name=re.compile(r"^\d+ institutions$")).first.focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(100)
        expect(page.locator(".leaflet-zoom-anim, .leaflet-cluster-anim")).to_have_count(
            0
        )
        if markers.count():
            break
    marker = markers.first
    name = marker.get_attribute("alt")
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content a")).to_have_text(name)
    link = page.locator(".leaflet-popup-content a").get_attribute("href")
    slug = re.fullmatch(r"/en/institutions/([\w-]+)/", link)[1]
    assert Institution.objects.public().get(slug=slug).name == name
    # Nothing the map does needs an exception to the content security policy.
    assert refused == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_map_with_its_markers_has_no_accessibility_violations(browser, site, language):
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{site}/{language}/institutions/map/")
    wait_for_every_marker(page)
    assert axe_violations(page) == []


def test_map_page_without_javascript_lists_countries(browser, site):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{site}/en/institutions/map/")
    expect(page.locator("#map")).to_be_hidden()
    page.get_by_role("link", name="China").click()
    expect(page).to_have_url(re.compile(r"/en/institutions/\?country=CN$"))


@pytest.mark.parametrize("path", ["/zh-hans/exchanges/", "/zh-hans/statistics/"])
def test_phone_width_needs_no_sideways_scrolling(page, site, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


def test_detail_pages_print_without_navigation_or_form(page, site):
    exchange = Exchange.objects.public().open_for_applications().first()
    page.goto(f"{site}/en/exchanges/{exchange.slug}/")
    page.emulate_media(media="print")
    expect(page.locator("nav.site-navbar")).to_be_hidden()
    expect(page.locator("#interest")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
