"""The admin in a browser: date fields in a time zone that is not the
registry's have no "Note: You are 1 hour behind server time" (a date has no
hour; the note stays under a time); the dashboard uses the page's width;
pickers tell two institutions of one name apart."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import make_agreement, make_institution, make_user


@pytest.fixture
def london_page(browser, live_server, transactional_db):
    """A superuser's admin in a browser one hour behind Europe/Brussels."""
    assert settings.TIME_ZONE == "Europe/Brussels"
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, timezone_id="Europe/London"
    )
    client = Client()
    user = make_user("dates-tester", is_superuser=True)
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    yield context.new_page(), user
    context.close()


def test_date_fields_have_no_time_zone_note(london_page, live_server):
    page, _user = london_page
    agreement = make_agreement()
    page.goto(
        live_server.url
        + reverse("admin:cooperation_agreement_change", args=[agreement.pk])
    )
    page.wait_for_load_state("load")
    # The calendar shortcuts are there: DateTimeShortcuts ran on the fields.
    assert page.locator("#id_signed_on ~ .datetimeshortcuts").count() == 1
    assert page.locator(".timezonewarning").count() == 0


def test_time_fields_keep_the_time_zone_note(london_page, live_server):
    page, user = london_page
    page.goto(
        live_server.url + reverse("admin:cooperation_user_change", args=[user.pk])
    )
    page.wait_for_load_state("load")
    notes = page.locator(".timezonewarning")
    # One for each date and time pair (last sign-in, date joined).
    assert notes.count() == page.locator("input.vTimeField").count() == 2
    assert "hour behind server time" in notes.first.inner_text()


def test_dashboard_uses_the_width_with_the_model_list_first(staff_page, live_server):
    """At 1280 px the dashboard spans the page (Django's dashboard.css gave it
    600 px), the model list on the left of the panels; at 360 px it comes
    first, above them."""
    page = staff_page(width=1280)
    page.goto(live_server.url + reverse("admin:index"))
    content = page.locator("#content").bounding_box()
    models = page.locator(".dashboard-models").bounding_box()
    panels = page.locator(".dashboard-panels").bounding_box()
    assert content["width"] > 1100
    assert models["x"] < panels["x"] and models["y"] <= panels["y"] + 100
    assert page.locator("#recent-actions-module").count() == 0
    narrow = staff_page(width=360)
    narrow.goto(live_server.url + reverse("admin:index"))
    models = narrow.locator(".dashboard-models").bounding_box()
    panels = narrow.locator(".dashboard-panels").bounding_box()
    assert models["y"] < panels["y"]


def test_host_picker_tells_two_institutions_of_one_name_apart(staff_page, live_server):
    make_institution(
        name_en="Shenzhen Polytechnic University", city="Shenzhen", country="CN"
    )
    make_institution(
        name_en="Shenzhen Polytechnic University", city="Xi'an", country="CN"
    )
    page = staff_page(width=1280)
    page.goto(live_server.url + reverse("admin:cooperation_exchange_add"))
    page.locator("#id_host + .select2 .select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill("Shenzhen")
    options = page.locator("#select2-id_host-results [role=option]")
    options.first.wait_for()
    page.wait_for_function(
        "document.querySelectorAll('#select2-id_host-results [role=option]')"
        ".length === 2"
    )
    assert sorted(options.all_inner_texts()) == [
        "Shenzhen Polytechnic University — Shenzhen, China",
        "Shenzhen Polytechnic University — Xi'an, China",
    ]
