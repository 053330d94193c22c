"""Settings come from the environment and refuse bad values."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from cooperation import settings


def load_settings(**env: str) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with ``env``."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import cooperation.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=False,
    )


def test_secret_key_is_required_unless_debugging():
    refused = load_settings()
    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in refused.stderr
    assert load_settings(DJANGO_DEBUG="1").returncode == 0


def test_debug_is_off_unless_set():
    result = load_settings(DJANGO_SECRET_KEY="k", DJANGO_ALLOWED_HOSTS="a.org,b.org")
    assert result.stdout.strip() == "False ['a.org', 'b.org']"


def test_unreadable_debug_value_is_refused():
    result = load_settings(DJANGO_DEBUG="maybe")
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_only_postgresql_is_accepted():
    result = load_settings(DJANGO_DEBUG="1", DATABASE_URL="mysql://u@h/db")
    assert "must point at a PostgreSQL database" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)]
)
def test_env_bool_reads_yes_and_no(monkeypatch, value, expected):
    monkeypatch.setenv("X_FLAG", value)
    assert settings.env_bool("X_FLAG") is expected


def test_the_four_public_languages():
    codes = [code for code, _name in django_settings.LANGUAGES]
    assert codes == ["en", "zh-hans", "nl", "fr"]
    assert django_settings.USE_TZ
    assert django_settings.AUTH_USER_MODEL == "cooperation.User"
