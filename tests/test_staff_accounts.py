"""Staff accounts: sign-in lockout (django-axes), idle sessions, long
passwords (README, "Production")."""

import datetime
import ipaddress

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from tests.factories import make_user

LOGIN = "/admin/login/"
LOCKED = "from your address is locked after 5 wrong passwords"


@pytest.fixture
def staff(db, settings):
    # A fast hasher: these tests sign in dozens of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_user("clerk")


def sign_in(client, password: str, address: str = "192.0.2.1", **extra):
    return client.post(
        LOGIN,
        {"username": "clerk", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


def fail_five_times(client, address: str = "192.0.2.1", **extra):
    """Four wrong passwords are answered by the sign-in form, the fifth by
    the lockout."""
    for _attempt in range(4):
        response = sign_in(client, "wrong password", address, **extra)
        assert response.status_code == 200
        assert 'class="errornote"' in response.text
    assert sign_in(client, "wrong password", address, **extra).status_code == 429


def test_lockout_defaults(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_right_password_after_five_wrong_ones_is_refused(client, staff):
    fail_five_times(client)
    response = sign_in(client, "pw")
    assert response.status_code == 429
    assert escape("Signing in as “clerk” from your address is locked") in (
        response.text
    )
    assert "Try again in 15 minutes" in response.text
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock(client, staff):
    for _attempt in range(4):
        sign_in(client, "wrong password")
    assert sign_in(client, "pw").status_code == 302


def test_lockout_ends_after_the_cool_off(client, staff, time_machine):
    time_machine.move_to(datetime.datetime(2027, 1, 4, 9, tzinfo=datetime.UTC))
    fail_five_times(client)
    time_machine.move_to(datetime.datetime(2027, 1, 4, 9, 14, tzinfo=datetime.UTC))
    assert sign_in(client, "pw").status_code == 429
    time_machine.move_to(datetime.datetime(2027, 1, 4, 9, 30, tzinfo=datetime.UTC))
    response = sign_in(client, "pw")
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_lockout_is_per_user_name_and_address(client, staff):
    make_user("colleague")
    fail_five_times(client, "192.0.2.1")
    other_address = sign_in(client, "pw", "192.0.2.2")
    assert other_address.status_code == 302
    client.logout()
    colleague = client.post(
        LOGIN,
        {"username": "colleague", "password": "pw", "next": "/admin/"},
        REMOTE_ADDR="192.0.2.1",
    )
    assert colleague.status_code == 302


def test_lockout_counts_each_visitor_behind_a_trusted_proxy(client, staff, settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1")]
    fail_five_times(client, "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    locked = sign_in(client, "pw", "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    other = sign_in(client, "pw", "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 302


def test_administrator_unlocks_in_the_admin(client, staff, superuser):
    fail_five_times(client)
    attempt = AccessAttempt.objects.get(username="clerk")
    admin = client.__class__()
    admin.force_login(superuser)
    changelist = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "clerk" in changelist.text
    change = admin.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))
    assert change.status_code == 200
    assert "wrong password" not in change.text
    deleted = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert sign_in(client, "pw").status_code == 302


def test_lockout_message_is_translated(client, staff):
    fail_five_times(client, HTTP_ACCEPT_LANGUAGE="nl")
    response = sign_in(client, "pw", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 429
    assert "Probeer het over 15 minuten opnieuw" in response.text
    assert "Try again" not in response.text


def test_successful_sign_in_clears_the_count(client, staff):
    for _attempt in range(4):
        sign_in(client, "wrong password")
    assert sign_in(client, "pw").status_code == 302
    client.logout()
    for _attempt in range(4):
        sign_in(client, "wrong password")
    assert sign_in(client, "pw").status_code == 302


# --- sessions and passwords -------------------------------------------------


def test_session_ends_after_two_idle_hours(client, staff, time_machine):
    start = datetime.datetime(2027, 1, 4, 9, tzinfo=datetime.UTC)
    time_machine.move_to(start)
    client.force_login(staff)
    dashboard = reverse("admin:index")
    # Each request starts the idle time again.
    for hours in (1.9, 3.8, 5.7):
        time_machine.move_to(start + datetime.timedelta(hours=hours))
        assert client.get(dashboard).status_code == 200
    time_machine.move_to(start + datetime.timedelta(hours=5.7, minutes=121))
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_idle_time_comes_from_the_environment(settings):
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Kx9#mQ2$vL7")
    validate_password("Kx9#mQ2$vL7!")
