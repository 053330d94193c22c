"""While the admin's import works on a file (the preview, then "Confirm
import"), the page says so at once, with the time so far and how much there
is to do, and the form is not sent twice (static/js/import_progress.js).

The browser is kept from sending a form until the test has looked at the
page as staff see it while the server works; the page's clock is
Playwright's, moved on by the test."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from cooperation.models import Institution
from tests.browser.conftest import axe_violations
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

WORLD_UNIVERSITIES = (
    b"name,country,alpha_two_code,state-province,web_pages,domains\n"
    b"Moscow State University,Russian Federation,RU,,http://www.msu.ru/,msu.ru\n"
    b'Seoul National University,"Korea, Republic of",KR,Seoul,'
    b"http://www.snu.ac.kr/;http://en.snu.ac.kr/,snu.ac.kr\n"
)


@pytest.fixture
def import_page(browser, live_server):
    """The institutions' import page, signed in as an editor who may import."""

    contexts = []

    def open_page(*, javascript: bool = True):
        context = browser.new_context(java_script_enabled=javascript)
        contexts.append(context)
        client = Client()
        client.force_login(make_user("importer", is_superuser=True))
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        if javascript:
            page.clock.install()
        page.goto(f"{live_server.url}/admin/cooperation/institution/import/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def hold_submissions(page) -> None:
    """Keep the browser from sending the page's forms, after the page's own
    handlers have run (a listener on the document runs after the form's),
    noting for each submission whether the page had stopped it already:
    the page as staff see it while the server works, for as long as the
    test needs. ``send`` then sends the form as it is."""
    page.evaluate(
        """() => {
            window.submissions = [];
            document.addEventListener("submit", (event) => {
                window.submissions.push(event.defaultPrevented);
                event.preventDefault();
            });
        }"""
    )


def send(page, form: str) -> None:
    page.evaluate("(form) => document.querySelector(form).submit()", form)


def upload(page) -> None:
    page.set_input_files(
        "#id_import_file",
        files=[
            {"name": "world.csv", "mimeType": "text/csv", "buffer": WORLD_UNIVERSITIES}
        ],
    )
    page.select_option("#id_format", label="csv")
    page.select_option("#id_default_kind", value=Institution.Kind.UNIVERSITY)


def test_preview_and_confirm_say_they_are_under_way_and_are_sent_once(import_page):
    page = import_page()
    hold_submissions(page)
    upload(page)
    submit = page.locator("#content form .submit-row input[type=submit]")
    submit.click()

    status = page.locator(".import-progress-status")
    expect(status).to_contain_text("Checking the file for the preview")
    expect(status).to_contain_text("File world.csv")
    expect(status).to_contain_text("about 2 rows")  # counted in the browser
    expect(page.get_by_role("status").first).to_contain_text("File world.csv")
    page.clock.run_for(1000)
    expect(submit).to_be_disabled()
    # Sent again (the Enter key, a script): the page stops it.
    page.evaluate("() => document.querySelector('#content form').requestSubmit()")
    assert page.evaluate("() => window.submissions") == [False, True]
    page.clock.run_for(64_000)
    expect(page.locator(".import-progress-time")).to_have_text("Time so far: 1:05")
    expect(page.locator(".import-progress-reminder")).to_contain_text(
        "Still working after 1:00"
    )
    assert axe_violations(page) == []

    send(page, "#content form")
    confirm = page.get_by_role("button", name="Confirm import")
    expect(confirm).to_be_visible()
    assert not Institution.objects.exists()
    hold_submissions(page)
    confirm.click()
    status = page.locator("#confirm-import .import-progress-status")
    expect(status).to_have_text(
        "Importing 2 new or updated records: every row of the file is checked "
        "again, then they are saved together. Nothing is saved if a row fails."
    )
    page.clock.run_for(1000)
    expect(confirm).to_be_disabled()
    expect(page.locator("#confirm-import .import-progress-time")).to_have_text(
        "Time so far: 0:01"
    )
    send(page, "#confirm-import")
    expect(page.locator(".messagelist")).to_contain_text("Import finished")
    assert Institution.objects.count() == 2


def test_import_works_without_javascript(import_page):
    page = import_page(javascript=False)
    upload(page)
    page.locator("#content form .submit-row input[type=submit]").click()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("Import finished")
    assert sorted(Institution.objects.values_list("name_en", flat=True)) == [
        "Moscow State University",
        "Seoul National University",
    ]
