"""Where things land on the visitor's screen: no public page scrolls sideways
on a phone, and the answer to the interest form is where the browser is."""

import re

import pytest
from playwright.sync_api import expect

from cooperation.models import Exchange, Institution

LANGUAGES = ["en", "zh-hans", "nl", "fr"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def phone_pages(site: str, language: str) -> dict[str, str]:
    exchange = Exchange.objects.public().get(
        slug="antwerp-composition-teachers-in-shanghai"
    )
    institution = Institution.objects.public().get(
        slug="shanghai-conservatory-of-music"
    )
    base = f"{site}/{language}"
    return {
        "home": f"{base}/",
        "catalog": f"{base}/exchanges/",
        "statistics": f"{base}/statistics/",
        "exchange": f"{base}/exchanges/{exchange.slug}/",
        "institution": f"{base}/institutions/{institution.slug}/",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_do_not_scroll_sideways_at_phone_width(page, site, language):
    page.set_viewport_size(PHONE)
    too_wide = {}
    for name, address in phone_pages(site, language).items():
        page.goto(address)
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth,"
            " document.documentElement.clientWidth]"
        )
        if scroll_width > client_width:
            too_wide[name] = (scroll_width, client_width)
    assert too_wide == {}


def within_view(page, locator) -> bool:
    """Whether all of ``locator`` is inside the window, as scrolled now."""
    top, bottom = locator.evaluate(
        "element => { const box = element.getBoundingClientRect();"
        " return [box.top, box.bottom]; }"
    )
    height = page.evaluate("window.innerHeight")
    return 0 <= top and bottom <= height


def test_interest_thanks_are_in_view_after_sending(page, site):
    page.set_viewport_size(DESKTOP)
    # Bootstrap scrolls smoothly to #interest: measure where it stops.
    page.emulate_media(reduced_motion="reduce")
    exchange = Exchange.objects.public().open_for_applications().first()
    page.goto(f"{site}/en/exchanges/{exchange.slug}/")
    form = page.locator("#interest-form")
    form.get_by_label("Your name").fill("Li Wei")
    form.get_by_label("Your e-mail address").fill("li.wei@example.org")
    form.get_by_label("I agree", exact=False).check()
    form.get_by_role("button", name="Register my interest").click()
    expect(page).to_have_url(re.compile(r"#interest$"))
    thanks = page.get_by_role("status").filter(
        has_text="your interest has been registered"
    )
    expect(thanks).to_have_count(1)
    # Where the browser is once it has jumped to #interest (on loading).
    page.wait_for_load_state("load")
    assert within_view(page, thanks)


def test_interest_errors_are_in_view_after_sending(page, site):
    page.set_viewport_size(DESKTOP)
    # Bootstrap scrolls smoothly to #interest: measure where it stops.
    page.emulate_media(reduced_motion="reduce")
    exchange = Exchange.objects.public().open_for_applications().first()
    page.goto(f"{site}/en/exchanges/{exchange.slug}/")
    form = page.locator("#interest-form")
    form.get_by_label("Your name").fill("Li Wei")
    form.get_by_label("Your e-mail address").fill("not an address")
    form.get_by_role("button", name="Register my interest").click()
    expect(page.locator("#id_email")).to_have_class(re.compile("is-invalid"))
    page.wait_for_load_state("load")
    assert within_view(page, page.locator("#id_email"))
