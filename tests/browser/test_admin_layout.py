"""The admin at the sizes staff use (issue 11): every list, add and change
page of every record type fits 1280 px without sideways scrolling, with
long titles and names among the demo data; the dashboard fits a phone; the
exchange form is short; its error summary leads to the fields; the language
menu changes the admin's language for good."""

import pytest
from django.contrib import admin
from playwright.sync_api import expect

from cooperation.models import AgreementParty, Exchange, User
from tests.browser.test_admin_axe import admin_pages
from tests.factories import make_agreement, make_exchange, make_institution

LONG = (
    "International joint programme of the Hainan Vocational University of "
    "Science and Technology and AP University of Applied Sciences and Arts "
    "Antwerp in rehabilitation, care and modern services"
)

# Whatever scrolls sideways: the page, or a box in it (Django puts a list's
# table in a box that scrolls rather than widen the page). Not a list box's
# own options (a permission's long name in the group form's chooser).
SIDEWAYS = """() => {
    const root = document.documentElement;
    const boxes = [];
    for (const element of document.querySelectorAll('*')) {
        const overflow = getComputedStyle(element).overflowX;
        if (element.tagName !== 'SELECT'
                && (overflow === 'auto' || overflow === 'scroll')
                && element.scrollWidth > element.clientWidth + 1) {
            boxes.push(`${element.tagName}.${element.className}: `
                + `${element.scrollWidth} > ${element.clientWidth}`);
        }
    }
    if (root.scrollWidth > root.clientWidth) {
        boxes.push(`page: ${root.scrollWidth} > ${root.clientWidth}`);
    }
    return boxes;
}"""


@pytest.fixture
def long_records(registry):
    """Records with the longest texts staff write, listed first."""
    host = make_institution(name=LONG[:200], city="Haikou", country="CN")
    partner = make_institution(name="Royal Conservatoire Antwerp " + "x" * 100)
    agreement = make_agreement(title=LONG, parties=[host, partner])
    AgreementParty.objects.filter(agreement=agreement).update(
        signatory_name="Prof. Dr. " + "Maximiliaan " * 5,
        signatory_title="Vice-rector for international relations and " * 2,
    )
    make_exchange(title=LONG, host=host, partners=[partner], agreement=agreement)
    return agreement


def test_every_list_and_form_fits_1280_pixels(registry, staff_page, long_records):
    page = staff_page(width=1280, height=800)
    user = User.objects.get(username="admin-tester")
    pages = {
        name: address
        for name, address in admin_pages(registry, user).items()
        if name.endswith((" list", " add", " change"))
    }
    # The agreement and the exchange with the long texts, parties included.
    exchange = Exchange.objects.get(title_en=LONG)
    pages["long agreement change"] = (
        f"{registry}/admin/cooperation/agreement/{long_records.pk}/change/"
    )
    pages["long exchange change"] = (
        f"{registry}/admin/cooperation/exchange/{exchange.pk}/change/"
    )
    assert {model._meta.model_name for model in admin.site._registry} <= {
        name.split()[0] for name in pages
    }
    failures = {}
    for name, address in pages.items():
        page.goto(address)
        sideways = page.evaluate(SIDEWAYS)
        if sideways:
            failures[name] = sideways
    assert failures == {}


def test_long_titles_are_cut_in_lists_and_whole_on_hover(
    registry, staff_page, long_records
):
    page = staff_page()
    page.goto(f"{registry}/admin/cooperation/exchange/?q=rehabilitation")
    link = page.locator("#result_list a", has_text="International joint programme")
    expect(link).to_have_count(1)
    assert len(link.inner_text()) < 70
    expect(link.locator("span")).to_have_attribute("title", LONG)


def test_dashboard_fits_a_phone(registry, staff_page, long_records):
    page = staff_page(width=360, height=740)
    page.goto(f"{registry}/admin/")
    assert page.evaluate(SIDEWAYS) == []


def test_navigation_sidebar_starts_closed(registry, staff_page):
    page = staff_page()
    page.goto(f"{registry}/admin/cooperation/exchange/")
    expect(page.locator("#nav-sidebar")).to_have_attribute("aria-expanded", "false")
    # Opened, it stays open on the next page.
    page.locator("#toggle-nav-sidebar").click()
    page.goto(f"{registry}/admin/cooperation/agreement/")
    expect(page.locator("#nav-sidebar")).to_have_attribute("aria-expanded", "true")


def test_exchange_form_is_short(registry, staff_page):
    """The exchange add page was 5,893 px tall at 1280 px with its 24
    translation boxes in a row; with the other languages in collapsed
    sections it measures about 2,900 px. The bound leaves room for a few
    more fields, not for the translation boxes to come back (each language
    adds some 1,000 px)."""
    page = staff_page()
    page.goto(f"{registry}/admin/cooperation/exchange/add/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3500
    # The other languages are one click away, in their own sections.
    section = page.locator("details", has=page.locator("summary", has_text="French"))
    expect(section.locator("#id_title_fr")).to_be_hidden()
    section.locator("summary").click()
    expect(section.locator("#id_title_fr")).to_be_visible()


def test_error_summary_links_to_each_field_in_error(registry, staff_page):
    page = staff_page()
    page.goto(f"{registry}/admin/cooperation/exchange/add/")
    page.locator("input[name=_save]").first.click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    links = summary.locator("a")
    assert links.count() >= 2
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        assert page.locator(target).count() == 1, target
    summary.get_by_role("link", name="Title (English)").click()
    expect(page).to_have_url(page.url.split("#")[0] + "#id_title_en")
    # The summary is above the form's first field.
    top = summary.bounding_box()["y"]
    assert top < page.locator("#id_kind").bounding_box()["y"]


def test_agreement_parties_come_right_after_the_title(
    registry, staff_page, long_records
):
    page = staff_page()
    page.goto(f"{registry}/admin/cooperation/agreement/{long_records.pk}/change/")
    parties = page.locator("#parties-group").bounding_box()["y"]
    assert page.locator("#id_title_en").bounding_box()["y"] < parties
    assert parties < page.locator("#id_status").bounding_box()["y"]


def test_language_menu_changes_the_admin_language_for_good(
    registry, staff_page, browser
):
    page = staff_page()
    page.goto(f"{registry}/admin/cooperation/exchange/")
    page.get_by_role("button", name="français").click()
    expect(page).to_have_url(f"{registry}/admin/cooperation/exchange/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="français")).to_have_attribute(
        "aria-current", "true"
    )
    # Another browser of the same staff member, asking for Dutch.
    other = staff_page(user=User.objects.get(username="admin-tester"))
    other.context.set_extra_http_headers({"Accept-Language": "nl"})
    other.goto(f"{registry}/admin/")
    expect(other.locator("html")).to_have_attribute("lang", "fr")
    other.get_by_role("button", name="简体中文").click()
    expect(other.locator("html")).to_have_attribute("lang", "zh-hans")
    assert User.objects.get(username="admin-tester").language == "zh-hans"
