"""The staff story of issue 11 in a browser, on a desktop and on a phone: an
editor adds an institution, an agreement between it and a partner (the
parties inline, institutions picked through the autocomplete), an exchange
under it, publishes the exchange, renews the agreement, imports two
institutions from a file and marks an interest registration answered; no
page of it scrolls sideways."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cooperation.models import Agreement, Exchange, Institution, Interest
from tests.factories import make_exchange, make_institution, make_user

pytestmark = pytest.mark.django_db(transaction=True)

IMPORTED = (
    b"name,country,alpha_two_code,state-province,web_pages,domains\n"
    b"Tianjin Light Industry Vocational Technical College,China,CN,Tianjin,"
    b"http://www.tjlivtc.edu.cn/,tjlivtc.edu.cn\n"
    b"Karel de Grote University of Applied Sciences and Arts,Belgium,BE,"
    b"Antwerp,https://www.kdg.be/,kdg.be\n"
)

# What sticks out on the right of the window, for the message of a failure:
# the elements that do while none of their children does.
TOO_WIDE = """() => {
    const width = document.documentElement.clientWidth;
    const out = (element) => element.getBoundingClientRect().right > width + 1;
    return [...document.querySelectorAll("body *")]
        .filter((element) => out(element) && ![...element.children].some(out))
        .slice(0, 5)
        .map((element) => `${element.tagName}#${element.id}.${element.className}`
            + ` ${Math.round(element.getBoundingClientRect().right)}`);
}"""


def fits(page) -> None:
    """The page, once loaded, is no wider than the window."""
    page.wait_for_load_state("load")
    root = page.evaluate(
        "() => [document.documentElement.scrollWidth,"
        " document.documentElement.clientWidth]"
    )
    assert root[0] <= root[1], (page.url, root, page.evaluate(TOO_WIDE))


def pick(page, field: str, search: str, choice: str) -> None:
    """Choose ``choice`` in the autocomplete of the field ``field`` (its
    select's id), found by typing ``search``."""
    page.locator(f"#{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=choice).first.click()


def submit(page, button) -> None:
    """Send a form with its ``button`` and check the page that answers."""
    with page.expect_navigation():
        button.click()
    fits(page)


def save(page) -> None:
    submit(page, page.locator("input[name=_save]").last)
    expect(page.locator(".errornote")).to_have_count(0)
    expect(page.locator(".messagelist .success")).to_have_count(1)


def run_action(page, row: str, action: str) -> None:
    """Tick the list's row that links to ``row`` and run ``action``."""
    page.locator("#result_list tr", has_text=row).locator("input.action-select").check()
    page.select_option("select[name=action]", action)
    submit(page, page.locator("button[name=index]"))


@pytest.mark.parametrize(
    "width,height", [(1280, 800), (360, 740)], ids=["desktop", "phone"]
)
def test_the_staff_story_works_without_sideways_scrolling(
    live_server, staff_page, width, height
):
    partner = make_institution(
        name="Hainan Vocational University of Science and Technology",
        country="CN",
        city="Haikou",
    )
    catalogued = make_exchange(title="Rehabilitation internships in Haikou")
    interest = Interest.objects.create(
        exchange=catalogued, name="Li Wei", email="li@example.org", consent=True
    )
    editor = make_user("story-editor", group=Group.objects.get(name="Editors"))
    page = staff_page(width=width, height=height, user=editor)
    admin = f"{live_server.url}/admin/cooperation"

    # An institution.
    page.goto(f"{admin}/institution/add/")
    fits(page)
    page.fill("#id_name_en", "Royal Conservatoire of Antwerp")
    page.select_option("#id_kind", Institution.Kind.UNIVERSITY)
    page.select_option("#id_country", "BE")
    page.fill("#id_city", "Antwerp")
    save(page)

    # An agreement between it and the partner, signed.
    page.goto(f"{admin}/agreement/add/")
    fits(page)
    page.select_option("#id_kind", Agreement.Kind.MOU)
    page.fill("#id_title_en", "Memorandum on music teacher exchanges")
    for number, (search, name) in enumerate(
        [("Royal Conservatoire", "Royal Conservatoire"), ("Hainan", "Hainan")]
    ):
        page.locator("#parties-group .add-row a").click()
        pick(page, f"id_parties-{number}-institution", search, name)
    page.select_option("#id_status", Agreement.Status.SIGNED)
    page.fill("#id_signed_on", "2026-01-10")
    page.fill("#id_valid_from", "2026-02-01")
    page.fill("#id_expires_on", "2030-01-31")
    save(page)
    agreement = Agreement.objects.get(title_en="Memorandum on music teacher exchanges")

    # An exchange under it, hosted by a party, not yet published.
    page.goto(f"{admin}/exchange/add/")
    fits(page)
    page.select_option("#id_kind", Exchange.Kind.STUDENT_EXCHANGE)
    page.fill("#id_title_en", "Piano masterclasses in Haikou")
    pick(page, "id_agreement", "music teacher", "Memorandum on music teacher")
    pick(page, "id_host", "Hainan", "Hainan")
    page.fill("#id_starts_on", "2027-03-01")
    page.fill("#id_ends_on", "2027-03-31")
    page.locator("#id_published").uncheck()
    save(page)
    assert not Exchange.objects.get(title_en="Piano masterclasses in Haikou").published

    # Published from the list.
    page.goto(f"{admin}/exchange/")
    fits(page)
    run_action(page, "Piano masterclasses", "publish")
    expect(page.locator(".messagelist")).to_contain_text("1 record published")

    # The agreement renewed: the action opens the draft successor.
    page.goto(f"{admin}/agreement/")
    fits(page)
    run_action(page, "Memorandum on music teacher", "renew")
    expect(page.locator(".messagelist")).to_contain_text("draft renewal was made")
    renewal_page = page.url

    # Two institutions imported from a file: the preview, then the import.
    page.goto(f"{admin}/institution/import/")
    fits(page)
    page.set_input_files(
        "#id_import_file",
        files=[{"name": "colleges.csv", "mimeType": "text/csv", "buffer": IMPORTED}],
    )
    page.select_option("#id_format", label="csv")
    page.select_option("#id_default_kind", Institution.Kind.UNIVERSITY)
    submit(page, page.locator("#content form .submit-row input[type=submit]"))
    submit(page, page.get_by_role("button", name="Confirm import"))
    expect(page.locator(".messagelist")).to_contain_text("Import finished")

    # The interest registration answered, in the list's status column.
    page.goto(f"{admin}/interest/")
    fits(page)
    row = page.locator("#result_list tr", has_text="Li Wei")
    row.locator("select[name$=-status]").select_option(Interest.Status.ANSWERED)
    submit(page, page.locator("#changelist-form input[name=_save]"))
    expect(page.locator(".messagelist .success")).to_have_count(1)

    institution = Institution.objects.get(name_en="Royal Conservatoire of Antwerp")
    assert (institution.kind, institution.country.code, institution.city) == (
        Institution.Kind.UNIVERSITY,
        "BE",
        "Antwerp",
    )
    assert agreement.status == Agreement.Status.SIGNED
    assert set(agreement.parties.values_list("institution", flat=True)) == {
        institution.pk,
        partner.pk,
    }
    exchange = Exchange.objects.get(title_en="Piano masterclasses in Haikou")
    assert (exchange.agreement, exchange.host, exchange.published) == (
        agreement,
        partner,
        True,
    )
    renewal = Agreement.objects.get(predecessor=agreement)
    assert renewal.status == Agreement.Status.DRAFT
    assert set(renewal.parties.values_list("institution", flat=True)) == {
        institution.pk,
        partner.pk,
    }
    assert renewal_page == f"{admin}/agreement/{renewal.pk}/change/"
    assert sorted(
        Institution.objects.filter(country__in=["CN", "BE"])
        .exclude(pk__in=[institution.pk, partner.pk, catalogued.host_id])
        .values_list("name_en", flat=True)
    ) == [
        "Karel de Grote University of Applied Sciences and Arts",
        "Tianjin Light Industry Vocational Technical College",
    ]
    interest.refresh_from_db()
    assert interest.status == Interest.Status.ANSWERED
