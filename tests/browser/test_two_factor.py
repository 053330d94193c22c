"""Two-factor sign-in in a browser (cooperation/staff/two_factor.py): a staff member
signs in with the password, sets up an authenticator app from the admin
(the test reads the secret the page shows and computes the codes as an app
would), keeps the recovery codes, signs out, then signs in with the password
and a code, and once more with a recovery code."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Kx9#mQ2$vL7!"


def app_code(secret: str, device: TOTPDevice) -> str:
    """What an authenticator app given ``secret`` shows: the current time
    step's code, or the next one when the current one was used already."""
    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step + device.drift
    return f"{hotp(b32decode(secret), max(now, device.last_t + 1)):06d}"


def sign_in_with_password(page, site: str) -> None:
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()


def test_staff_member_sets_up_an_app_and_signs_in_with_a_code(page, live_server):
    clerk = make_user("clerk", is_superuser=True)
    clerk.set_password(PASSWORD)
    clerk.save()
    site = live_server.url

    sign_in_with_password(page, site)
    expect(page).to_have_url(f"{site}/admin/")
    page.get_by_role("link", name="Two-factor sign-in", exact=True).click()
    expect(page).to_have_url(f"{site}/admin/two-factor/")
    expect(page.locator("#two-factor-qr svg")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    device = TOTPDevice.objects.get(user=clerk)

    page.get_by_role("textbox", name="Code").fill(app_code(secret, device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes code")
    expect(codes).to_have_count(10)
    recovery_codes = codes.all_inner_texts()
    sign_out(page)

    # The password alone now leads to the code, not to the admin.
    sign_in_with_password(page, site)
    expect(page).to_have_url(f"{site}/admin/login/code/")
    expect(page.get_by_text("Signing in as “clerk”.")).to_be_visible()
    page.get_by_role("textbox", name="Code").fill(app_code(secret, device))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{site}/admin/")
    expect(
        page.get_by_role("link", name="Two-factor sign-in", exact=True)
    ).to_be_visible()
    sign_out(page)

    # A recovery code in place of the app's code, good once.
    sign_in_with_password(page, site)
    page.get_by_role("textbox", name="Code").fill(recovery_codes[0])
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{site}/admin/")
    page.get_by_role("link", name="Two-factor sign-in", exact=True).click()
    expect(page.get_by_text("You have 9 unused recovery codes.")).to_be_visible()
