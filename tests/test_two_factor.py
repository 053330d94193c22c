"""Two-factor sign-in for staff (cooperation/staff/two_factor.py): setting up an
authenticator app, the code after the password, recovery codes, the setting
that requires it, and superusers removing a member's devices."""

import datetime
import re
import time

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils.html import escape
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cooperation.staff import two_factor
from tests.factories import make_user
from tests.test_settings import setting_in_fresh_process

LOGIN = "/admin/login/"
CODE = "/admin/login/code/"
PAGE = "/admin/two-factor/"
DASHBOARD = "/admin/"


@pytest.fixture
def staff(db, settings):
    # A fast hasher: these tests sign in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_user("clerk")


@pytest.fixture
def enrolled(staff):
    """The clerk with an authenticator app and ten recovery codes."""
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    codes = two_factor.new_recovery_codes(staff)
    return device, codes


def app_code(device: TOTPDevice) -> str:
    """The code the app shows now, or the next one when the current one was
    used already (a code is good once)."""
    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step + device.drift
    counter = max(now, device.last_t + 1)
    return f"{hotp(device.bin_key, counter, device.digits):0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {app_code(device)}
    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step
    right |= {f"{hotp(device.bin_key, now + offset):06d}" for offset in range(-3, 4)}
    return next(code for code in ("000000", "111111", "222222") if code not in right)


def sign_in(client, password: str = "pw", next_page: str = DASHBOARD, **extra):
    return client.post(
        LOGIN,
        {"username": "clerk", "password": password, "next": next_page},
        REMOTE_ADDR="192.0.2.1",
        **extra,
    )


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- settings ---------------------------------------------------------------


def test_two_factor_is_optional_unless_the_environment_requires_it(settings):
    assert settings.STAFF_REQUIRE_TWO_FACTOR is False
    required = setting_in_fresh_process(
        "s.STAFF_REQUIRE_TWO_FACTOR", DJANGO_STAFF_REQUIRE_TWO_FACTOR="1"
    )
    assert required == "True"
    assert "django_otp.middleware.OTPMiddleware" in settings.MIDDLEWARE
    assert settings.MIDDLEWARE.index(
        "django_otp.middleware.OTPMiddleware"
    ) > settings.MIDDLEWARE.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )


# --- setting up --------------------------------------------------------------


def test_set_up_page_shows_a_qr_code_and_the_secret(client, staff):
    client.force_login(staff)
    response = client.get(PAGE)
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    # An inline SVG: no image request, no data: address.
    assert re.search(r'<div id="two-factor-qr"[^>]*><svg ', response.text)
    secret = re.search(
        r'<code id="two-factor-secret">([A-Z2-7 ]+)</code>', response.text
    )
    assert secret.group(1).replace(" ", "") == two_factor.secret_text(device).replace(
        " ", ""
    )
    # Reloading keeps the same secret, so the app's entry stays right.
    assert client.get(PAGE).text.count(secret.group(1)) == 1
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_the_admin_links_to_the_two_factor_page(client, staff):
    client.force_login(staff)
    dashboard = client.get(DASHBOARD)
    assert f'<a href="{PAGE}">Two-factor sign-in</a>' in dashboard.text


def test_a_wrong_code_does_not_turn_two_factor_on(client, staff):
    client.force_login(staff)
    client.get(PAGE)
    device = TOTPDevice.objects.get(user=staff)
    code = wrong_code(device)
    response = client.post(PAGE, {"code": code})
    assert response.status_code == 200
    assert escape(f"The code “{code}” is not the one your authenticator app") in (
        response.text
    )
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.exists()


def test_confirming_the_code_shows_ten_recovery_codes_once(client, staff):
    client.force_login(staff)
    client.get(PAGE)
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(PAGE, {"code": app_code(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    stored = set(
        StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)
    )
    assert len(stored) == 10
    shown = re.findall(r"<li><code>(\w+)</code></li>", response.text)
    assert set(shown) == stored
    # This session counts as verified; the codes are not shown again.
    assert client.get(DASHBOARD).status_code == 200
    again = client.get(PAGE)
    assert "You have 10 unused recovery codes." in again.text
    assert not any(code in again.text for code in stored)


def test_new_recovery_codes_replace_the_old_ones(client, staff, enrolled):
    device, old_codes = enrolled
    assert sign_in(client).url == CODE
    client.post(CODE, {"code": app_code(device)})
    response = client.post(PAGE, {"action": "recovery-codes"})
    new_codes = re.findall(r"<li><code>(\w+)</code></li>", response.text)
    assert len(new_codes) == 10
    assert set(
        StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)
    ) == set(new_codes)
    assert not set(old_codes) & set(new_codes)


def test_turning_two_factor_off_leaves_the_password_alone(client, staff, enrolled):
    device, _codes = enrolled
    sign_in(client)
    client.post(CODE, {"code": app_code(device)})
    response = client.post(PAGE, {"action": "turn-off"}, follow=True)
    assert "Two-factor sign-in is off" in response.text
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert not StaticDevice.objects.exists()
    client.logout()
    assert sign_in(client).url == DASHBOARD
    assert is_signed_in(client)


# --- signing in --------------------------------------------------------------


def test_without_an_app_the_password_signs_in_as_before(client, staff):
    response = sign_in(client)
    assert response.status_code == 302
    assert response.url == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_with_an_app_the_password_then_the_code_signs_in(client, staff, enrolled):
    device, _codes = enrolled
    response = sign_in(client, next_page="/admin/cooperation/exchange/")
    assert response.status_code == 302
    assert response.url == CODE
    # The password alone signs nobody in.
    assert not is_signed_in(client)
    assert client.get(DASHBOARD).url.startswith(LOGIN)

    page = client.get(CODE)
    assert page.status_code == 200
    assert escape("Signing in as “clerk”.") in page.text
    assert 'autocomplete="one-time-code"' in page.text

    signed_in = client.post(CODE, {"code": app_code(device)})
    assert signed_in.status_code == 302
    assert signed_in.url == "/admin/cooperation/exchange/"
    assert is_signed_in(client)
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(CODE).url == LOGIN  # the pending step is used up


def test_a_wrong_code_is_refused_and_slows_the_next_try(
    client, staff, enrolled, time_machine
):
    device, _codes = enrolled
    time_machine.move_to(datetime.datetime(2027, 1, 4, 9, tzinfo=datetime.UTC))
    sign_in(client)
    code = wrong_code(device)
    refused = client.post(CODE, {"code": code})
    assert refused.status_code == 200
    assert escape(
        f"The code “{code}” is neither the one your authenticator app shows now"
    ) in (refused.text)
    assert not is_signed_in(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # Throttled: even the right code waits, twice as long after each wrong
    # one (django-otp's exponential back-off).
    held = client.post(CODE, {"code": app_code(device)})
    assert "Too many wrong codes in a row: wait 1 second," in held.text
    time_machine.move_to(datetime.datetime(2027, 1, 4, 9, 0, 2, tzinfo=datetime.UTC))
    client.post(CODE, {"code": wrong_code(device)})
    held = client.post(CODE, {"code": app_code(device)})
    assert "Too many wrong codes in a row: wait 2 seconds," in held.text
    assert not is_signed_in(client)

    time_machine.move_to(datetime.datetime(2027, 1, 4, 9, 0, 5, tzinfo=datetime.UTC))
    assert client.post(CODE, {"code": app_code(device)}).url == DASHBOARD
    assert is_signed_in(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_used_app_code_is_refused_the_second_time(client, staff, enrolled):
    device, _codes = enrolled
    code = app_code(device)
    sign_in(client)
    assert client.post(CODE, {"code": code}).status_code == 302
    client.logout()
    sign_in(client)
    assert client.post(CODE, {"code": code}).status_code == 200
    assert not is_signed_in(client)


def test_a_recovery_code_signs_in_once(client, staff, enrolled):
    _device, codes = enrolled
    sign_in(client)
    # Typed in capitals, with a space: still the code.
    typed = f"{codes[0][:4].upper()} {codes[0][4:].upper()}"
    assert client.post(CODE, {"code": typed}).url == DASHBOARD
    assert is_signed_in(client)
    assert client.get(DASHBOARD).status_code == 200
    assert StaticToken.objects.filter(device__user=staff).count() == 9

    client.logout()
    sign_in(client)
    again = client.post(CODE, {"code": codes[0]})
    assert again.status_code == 200
    assert escape(f"The code “{codes[0]}” is neither") in again.text
    assert not is_signed_in(client)


def test_the_code_step_ends_five_minutes_after_the_password(
    client, staff, enrolled, time_machine
):
    device, _codes = enrolled
    time_machine.move_to(datetime.datetime(2027, 1, 4, 9, tzinfo=datetime.UTC))
    sign_in(client)
    time_machine.move_to(datetime.datetime(2027, 1, 4, 9, 5, 1, tzinfo=datetime.UTC))
    response = client.post(CODE, {"code": app_code(device)})
    assert response.status_code == 302
    assert response.url == LOGIN
    assert not is_signed_in(client)
    page = client.get(LOGIN)
    assert "Sign in with your password first" in page.text


def test_an_empty_code_says_what_to_enter(client, staff, enrolled):
    sign_in(client)
    response = client.post(CODE, {"code": ""})
    assert "Enter a code: the 6 digits your authenticator app shows" in (response.text)


def test_a_session_signed_in_without_the_code_is_not_staff(client, staff, enrolled):
    # As a session signed in before the app was set up elsewhere.
    client.force_login(staff)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_wrong_passwords_still_lock_out(client, staff, enrolled):
    for _attempt in range(4):
        assert sign_in(client, "wrong password").status_code == 200
    assert sign_in(client, "wrong password").status_code == 429
    assert sign_in(client).status_code == 429
    assert AccessAttempt.objects.filter(username="clerk").exists()
    # The right password while locked out does not lead to the code step.
    assert two_factor.PENDING not in client.session


def test_the_code_page_is_translated(client, staff, enrolled):
    sign_in(client, HTTP_ACCEPT_LANGUAGE="nl")
    response = client.get(CODE, HTTP_ACCEPT_LANGUAGE="nl")
    assert "Aanmelden als" in response.text
    assert "Signing in as" not in response.text


# --- required for everyone ------------------------------------------------------


def test_required_two_factor_sends_staff_to_set_up_first(client, staff, settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    response = sign_in(client)
    assert response.url == DASHBOARD
    for page in (DASHBOARD, "/admin/cooperation/exchange/", "/admin/password_change/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.url == PAGE
    set_up = client.get(PAGE)
    assert set_up.status_code == 200
    assert "asks every staff member for a code from an authenticator app" in (
        set_up.text
    )
    device = TOTPDevice.objects.get(user=staff)
    client.post(PAGE, {"code": app_code(device)})
    assert client.get(DASHBOARD).status_code == 200


def test_required_two_factor_still_lets_staff_sign_out(client, staff, settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    sign_in(client)
    response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_required_two_factor_does_not_bypass_the_code(
    client, staff, enrolled, settings
):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    assert sign_in(client).url == CODE
    assert client.get(DASHBOARD).url.startswith(LOGIN)


# --- superusers ---------------------------------------------------------------


def test_superuser_removes_a_members_app(client, staff, enrolled, superuser):
    device, codes = enrolled
    admin = client.__class__()
    admin.force_login(superuser)
    changelist = admin.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert changelist.status_code == 200
    assert "clerk" in changelist.text
    change = admin.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    # The member's secret stays hidden, even from superusers.
    assert device.key not in change.text
    recovery = StaticDevice.objects.get(user=staff)
    recovery_page = admin.get(
        reverse("admin:otp_static_staticdevice_change", args=[recovery.pk])
    )
    assert not any(code in recovery_page.text for code in codes)

    deleted = admin.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert sign_in(client).url == DASHBOARD
    assert is_signed_in(client)


def test_editors_do_not_see_anyones_devices(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert response.status_code == 403
