"""Settings come from the environment and refuse bad values."""

import os
import runpy
import subprocess
import sys
import types

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


def setting_in_fresh_process(expression: str, **env: str) -> str:
    """``expression`` evaluated on the settings module imported with ``env``."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import cooperation.settings as s; print({expression})",
        ],
        env={**clean, "DJANGO_SECRET_KEY": "k", **env},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=True,
    )
    return result.stdout.strip()


def test_redis_is_the_cache_when_redis_url_is_set():
    cache = setting_in_fresh_process(
        "s.CACHES['default']",
        REDIS_URL="redis://127.0.0.1:6379/2",
        DATABASE_URL="postgres://u@db.example.org/registry",
    )
    assert cache == str(
        {
            # Django's, keeping its Redis clients (cooperation/caching.py).
            "BACKEND": "cooperation.caching.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/2",
            "KEY_PREFIX": "registry",
        }
    )


def test_each_process_caches_in_memory_without_redis_url():
    backend = setting_in_fresh_process("s.CACHES['default']['BACKEND']")
    assert backend == "django.core.cache.backends.locmem.LocMemCache"
    blank = setting_in_fresh_process("s.CACHES['default']['BACKEND']", REDIS_URL=" ")
    assert blank == backend


def test_static_files_are_hashed_and_compressed_unless_debugging():
    storage = "s.STORAGES['staticfiles']['BACKEND']"
    assert setting_in_fresh_process(storage) == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert setting_in_fresh_process(storage, DJANGO_DEBUG="1") == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )


def test_tests_name_static_files_without_a_manifest():
    """tests/conftest.py swaps the manifest storage for the plain one, since
    the tests collect no static files."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    assert staticfiles_storage.url("css/site.css") == "/static/css/site.css"


GUNICORN_CONF = django_settings.BASE_DIR / "gunicorn.conf.py"
GUNICORN_VARIABLES = ("PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT")


def gunicorn_conf(monkeypatch, **env: str) -> dict:
    """gunicorn.conf.py's names, read with ``env`` as the environment."""
    for name in GUNICORN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_defaults(monkeypatch):
    conf = gunicorn_conf(monkeypatch)
    assert conf["workers"] == conf["default_workers"](os.cpu_count())
    assert conf["workers"] >= 2
    assert conf["worker_class"] == "gthread"
    assert conf["threads"] >= 2
    assert conf["timeout"] == 30
    assert conf["graceful_timeout"] == conf["timeout"]
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["accesslog"] == "-"
    assert conf["wsgi_app"] == "cooperation.wsgi:application"


def test_gunicorn_takes_its_numbers_from_the_environment(monkeypatch):
    conf = gunicorn_conf(
        monkeypatch,
        PORT="9001",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="8",
        GUNICORN_TIMEOUT="120",
    )
    assert conf["bind"] == "127.0.0.1:9001"
    assert (conf["workers"], conf["threads"], conf["timeout"]) == (3, 8, 120)
    assert conf["graceful_timeout"] == 120


@pytest.mark.parametrize(("cores", "workers"), [(1, 3), (2, 5), (4, 9), (64, 12)])
def test_gunicorn_workers_follow_the_cores_up_to_a_cap(monkeypatch, cores, workers):
    assert gunicorn_conf(monkeypatch)["default_workers"](cores) == workers


@pytest.mark.parametrize("value", ["many", "0", "-2"])
def test_gunicorn_refuses_a_bad_number(monkeypatch, value):
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY must be a whole number"):
        gunicorn_conf(monkeypatch, WEB_CONCURRENCY=value)


def test_every_value_of_gunicorn_conf_is_a_gunicorn_setting(monkeypatch):
    """A misspelt name would be ignored silently by gunicorn: each one must
    be a setting it knows and accepts."""
    from gunicorn.config import Config

    config = Config()
    values = {
        name: value
        for name, value in gunicorn_conf(monkeypatch).items()
        if name.islower()
        and not name.startswith("_")
        and not callable(value)
        and not isinstance(value, types.ModuleType)
    }
    assert len(values) >= 10
    for name, value in values.items():
        assert name in config.settings, name
        config.set(name, value)
    assert config.worker_class_str == "gthread"
    assert config.address == [("127.0.0.1", 8000)]


def test_gunicorn_access_log_lines_end_with_the_request_id(monkeypatch):
    """The X-Request-ID response header (cooperation/middleware.py) ends each
    access-log line, so that a line meets the app's log lines of its request."""
    import datetime

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("access_log_format", gunicorn_conf(monkeypatch)["access_log_format"])
    response = types.SimpleNamespace(
        status="503 Service Unavailable",
        sent=1234,
        headers=[("Retry-After", "30"), ("X-Request-ID", "nginx-4f2a.9")],
    )
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/en/",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    atoms = Logger(config).atoms(
        response, [], environ, datetime.timedelta(milliseconds=12)
    )
    line = config.access_log_format % Logger.atoms_wrapper_class(atoms)
    assert '"GET /en/ HTTP/1.1" 503 1234' in line
    assert line.endswith(" 12ms nginx-4f2a.9")
