"""Production mode: HTTPS behind a proxy, the client's address, files served
by the app, and the log lines (README, "Production")."""

import io
import json
import logging
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from whitenoise.middleware import WhiteNoiseMiddleware

from cooperation.logs import JsonFormatter, RequestIdFilter, TextFormatter
from cooperation.models import Interest
from cooperation.security import client_address
from tests.factories import make_exchange, make_institution, make_user

BASE_DIR = django_settings.BASE_DIR
HOST = "registry.example"
#: What a TLS proxy adds to every request it passes on.
THROUGH_PROXY = {
    "HTTP_HOST": HOST,
    "HTTP_X_FORWARDED_PROTO": "https",
    "REMOTE_ADDR": "127.0.0.1",
}


def fresh_process(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a new interpreter whose DJANGO_* variables are ``env``."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_URL", "AXES_", "SESSION_"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "cooperation.settings", **env},
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
        check=False,
    )


def setting(expression: str, **env: str) -> str:
    result = fresh_process(
        f"import cooperation.settings as s; print({expression})",
        **{"DJANGO_SECRET_KEY": "k", **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def deployment_check(**env: str) -> subprocess.CompletedProcess:
    return fresh_process(
        "import django; django.setup(); "
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
        **env,
    )


def readme_production_values() -> dict[str, str]:
    """The variables of the README's production example."""
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("\n## Production\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return dict(
        line.split("=", 1)
        for line in block.splitlines()
        if line and not line.startswith("#")
    )


# --- settings from the environment ------------------------------------------


def test_readme_production_values_pass_the_deployment_check():
    values = readme_production_values()
    assert values["DJANGO_BEHIND_TLS_PROXY"] == "1"
    values["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    values["DATABASE_URL"] = os.environ.get("DATABASE_URL", values["DATABASE_URL"])
    result = deployment_check(**values)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_without_the_https_values_the_deployment_check_fails():
    result = deployment_check(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS=HOST
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


def test_https_settings_come_from_the_environment():
    assert setting(
        "(s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
        DJANGO_DEBUG="1",
        DJANGO_BEHIND_TLS_PROXY="1",
    ) == str((("HTTP_X_FORWARDED_PROTO", "https"), True, True))
    assert setting(
        "(s.CSRF_TRUSTED_ORIGINS, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://a.example, https://b.example",
        DJANGO_SSL_REDIRECT="1",
        DJANGO_HSTS_SECONDS="31536000",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_HSTS_PRELOAD="yes",
    ) == str((["https://a.example", "https://b.example"], True, 31536000, False, True))


def test_https_is_off_by_default():
    assert setting(
        "(hasattr(s, 'SECURE_PROXY_SSL_HEADER'), s.CSRF_TRUSTED_ORIGINS, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.TRUSTED_PROXIES)"
    ) == str((False, [], False, 0, []))


def test_trusted_proxies_are_addresses_or_networks():
    assert (
        setting(
            "[str(n) for n in s.TRUSTED_PROXIES]",
            DJANGO_TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.7,2001:db8::/32",
        )
        == "['10.0.0.0/8', '192.0.2.7/32', '2001:db8::/32']"
    )
    assert (
        setting("[str(n) for n in s.TRUSTED_PROXIES]", DJANGO_BEHIND_TLS_PROXY="1")
        == "['127.0.0.1/32', '::1/128']"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DJANGO_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"},
            "DJANGO_TRUSTED_PROXIES must list IP addresses or networks such as "
            "10.0.0.0/8, separated by commas: 'proxy.local' does not appear",
        ),
        ({"DJANGO_HSTS_SECONDS": "-1"}, "DJANGO_HSTS_SECONDS must be 0 (off) or more"),
        ({"DJANGO_LOG_FORMAT": "xml"}, "DJANGO_LOG_FORMAT must be json or text"),
    ],
)
def test_bad_production_values_are_refused(env, message):
    result = fresh_process("import cooperation.settings", DJANGO_SECRET_KEY="k", **env)
    assert result.returncode != 0
    assert message in result.stderr


# --- through a TLS proxy ----------------------------------------------------


@pytest.fixture
def behind_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = [HOST]
    settings.TRUSTED_PROXIES = []
    return settings


def csrf_token(client: Client, path: str) -> str:
    client.get(path, **THROUGH_PROXY)
    return client.cookies["csrftoken"].value


def test_browser_sign_in_through_a_tls_proxy_passes_the_csrf_check(
    behind_proxy, superuser
):
    browser = Client(enforce_csrf_checks=True)
    login = reverse("admin:login")
    data = {
        "username": "super",
        "password": "pw",
        "csrfmiddlewaretoken": csrf_token(browser, login),
        "next": reverse("admin:index"),
    }
    response = browser.post(
        login,
        data,
        HTTP_ORIGIN=f"https://{HOST}",
        HTTP_REFERER=f"https://{HOST}{login}",
        **THROUGH_PROXY,
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert browser.get(reverse("admin:index"), **THROUGH_PROXY).status_code == 200


def test_without_the_proxy_setting_the_https_origin_fails_the_csrf_check(
    behind_proxy, superuser
):
    """The failure the setting fixes: Django thinks the request came over
    http and the browser's https origin is then another site."""
    behind_proxy.SECURE_PROXY_SSL_HEADER = None
    browser = Client(enforce_csrf_checks=True)
    login = reverse("admin:login")
    data = {
        "username": "super",
        "password": "pw",
        "csrfmiddlewaretoken": csrf_token(browser, login),
    }
    response = browser.post(login, data, HTTP_ORIGIN=f"https://{HOST}", **THROUGH_PROXY)
    assert response.status_code == 403


def test_public_addresses_are_https_behind_the_proxy(client, behind_proxy, db):
    institution = make_institution(name_en="Institution behind the proxy")
    with translation.override("en"):
        home = reverse("home")
        detail = institution.get_absolute_url()
    page = client.get(home, **THROUGH_PROXY).text
    assert f'<link rel="canonical" href="https://{HOST}{home}">' in page
    assert f'content="https://{HOST}{home}"' in page

    page = client.get(detail, **THROUGH_PROXY).text
    jsonld = re.search(r'application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert json.loads(jsonld[1])["url"] == f"https://{HOST}{detail}"

    index = client.get(reverse("sitemap"), **THROUGH_PROXY).text
    sections = re.findall(r"<loc>([^<]+)</loc>", index)
    assert sections
    assert all(loc.startswith(f"https://{HOST}/") for loc in sections)
    section = client.get(sections[0].removeprefix(f"https://{HOST}"), **THROUGH_PROXY)
    pages = re.findall(r"<loc>([^<]+)</loc>", section.text)
    assert pages
    assert all(loc.startswith(f"https://{HOST}/") for loc in pages)

    robots = client.get(reverse("robots"), **THROUGH_PROXY).text
    assert f"Sitemap: https://{HOST}/sitemap.xml" in robots


def test_plain_http_is_redirected_when_asked(client, behind_proxy):
    behind_proxy.SECURE_SSL_REDIRECT = True
    plain = client.get("/robots.txt", HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301
    assert plain.url == f"https://{HOST}/robots.txt"
    assert client.get("/robots.txt", **THROUGH_PROXY).status_code == 200


def test_hsts_header_is_sent_over_https(client, behind_proxy):
    behind_proxy.SECURE_HSTS_SECONDS = 31536000
    behind_proxy.SECURE_HSTS_PRELOAD = True
    response = client.get("/robots.txt", **THROUGH_PROXY)
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


# --- the client's address ---------------------------------------------------


@pytest.fixture
def proxies(settings):
    import ipaddress

    settings.TRUSTED_PROXIES = [
        ipaddress.ip_network("127.0.0.1"),
        ipaddress.ip_network("10.0.0.0/8"),
    ]


def address_of(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_forwarded_for_is_ignored_from_anyone_but_a_trusted_proxy(proxies):
    assert address_of("198.51.100.4", "203.0.113.9") == "198.51.100.4"
    assert address_of("198.51.100.4") == "198.51.100.4"


def test_forwarded_for_from_a_trusted_proxy_names_the_visitor(proxies):
    assert address_of("127.0.0.1", "203.0.113.9") == "203.0.113.9"
    # A chain of trusted proxies (a load balancer, then nginx) is walked back.
    assert address_of("127.0.0.1", "203.0.113.9, 10.1.2.3") == "203.0.113.9"
    assert address_of("127.0.0.1", " 2001:db8::7 ") == "2001:db8::7"


def test_forwarded_for_written_by_the_visitor_is_not_believed(proxies):
    """nginx appends the address it saw to what the visitor sent: the
    visitor's own entries stand to the left of it and are never read."""
    assert address_of("127.0.0.1", "192.0.2.1, 203.0.113.9") == "203.0.113.9"
    assert address_of("127.0.0.1", "10.9.9.9, 203.0.113.9") == "203.0.113.9"


def test_malformed_forwarded_for_stops_at_the_proxy(proxies):
    assert address_of("127.0.0.1", "not-an-address") == "127.0.0.1"
    assert address_of("127.0.0.1", "") == "127.0.0.1"
    assert address_of("127.0.0.1", "203.0.113.9, junk, 10.0.0.2") == "10.0.0.2"


def test_interest_rate_limit_counts_each_visitor_behind_the_proxy(
    client, proxies, settings, db
):
    settings.INTEREST_RATE_LIMIT = 2
    exchange = make_exchange()
    page = exchange.get_absolute_url()

    def register(number: int, visitor: str):
        data = {
            "name": "Li Wei",
            "email": f"person{number}@example.org",
            "organisation": "",
            "message": "",
            "consent": "on",
            "website": "",
        }
        return client.post(
            page, data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=visitor
        )

    register(1, "203.0.113.1")
    register(2, "203.0.113.1")
    refused = register(3, "203.0.113.1")
    assert "several registrations in a short time" in refused.text
    assert register(4, "203.0.113.2").status_code == 302
    assert set(Interest.objects.values_list("email", flat=True)) == {
        "person1@example.org",
        "person2@example.org",
        "person4@example.org",
    }


# --- files ------------------------------------------------------------------


def test_logos_are_served_without_debugging(client, settings):
    assert not settings.DEBUG
    logo = settings.MEDIA_ROOT / "logos" / "ap.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"\x89PNG\r\n\x1a\nlogo")
    response = client.get(f"{settings.MEDIA_URL}logos/ap.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == logo.read_bytes()
    assert response["Content-Type"] == "image/png"
    assert "max-age=86400" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_media_outside_the_folder_or_missing_is_not_found(client, settings):
    (settings.MEDIA_ROOT).mkdir(parents=True)
    (settings.MEDIA_ROOT.parent / "secret.txt").write_text("secret")
    assert client.get("/media/../secret.txt").status_code in (400, 404)
    assert client.get("/media/%2e%2e/secret.txt").status_code in (400, 404)
    assert client.get("/media/logos/none.png").status_code == 404
    assert client.get("/media/").status_code == 404


def test_hashed_static_files_are_cached_for_a_year(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    from django.contrib.staticfiles.storage import staticfiles_storage

    hashed = staticfiles_storage.url("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", hashed)
    serve = WhiteNoiseMiddleware(lambda request: None)
    response = serve(RequestFactory().get(hashed))
    assert response.status_code == 200
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"])[1])
    assert max_age >= 365 * 24 * 60 * 60
    assert "immutable" in response["Cache-Control"]
    plain = serve(RequestFactory().get("/static/css/site.css"))
    assert "immutable" not in plain["Cache-Control"]


# --- logs -------------------------------------------------------------------


@pytest.fixture
def request_log():
    """What the django.request logger writes, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_every_response_names_its_request(client):
    first = client.get("/robots.txt")["X-Request-ID"]
    second = client.get("/robots.txt")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second
    given = client.get("/robots.txt", HTTP_X_REQUEST_ID="nginx-4f2a.9")
    assert given["X-Request-ID"] == "nginx-4f2a.9"
    forged = client.get("/robots.txt", HTTP_X_REQUEST_ID='x" "level": "ERROR')
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_database_outage_is_one_log_line_per_request(monkeypatch, request_log, db):
    from cooperation.public import views

    def unreachable(*args, **kwargs):
        raise OperationalError(
            'connection to server at "127.0.0.1", port 5432 failed: Connection '
            "refused\n\tIs the server running on that host?"
        )

    monkeypatch.setattr(views.HomeView, "get_context_data", unreachable)
    browser = Client(raise_request_exception=False)
    with translation.override("en"):
        home = reverse("home")
    response = browser.get(home)
    assert response.status_code == 503  # the outage page (cooperation/health.py)
    lines = request_log.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "django.request"
    assert entry["request_id"] == response["X-Request-ID"]
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", home, 503)
    assert entry["error"].startswith(
        'OperationalError: connection to server at "127.0.0.1", port 5432 failed'
    )
    assert "test_production.py:" in entry["error"]
    assert "Traceback" not in entry["error"]


def test_a_not_found_line_names_its_request(client, request_log, db):
    response = client.get("/media/logos/none.png", HTTP_X_REQUEST_ID="abc-123")
    entry = json.loads(request_log.getvalue())
    assert (entry["status"], entry["request_id"]) == (404, "abc-123")
    assert response["X-Request-ID"] == "abc-123"


def test_other_failures_keep_their_traceback_in_the_line():
    def broken(request):
        raise ValueError("broken on purpose")

    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), None
    )
    try:
        broken(None)
    except ValueError:
        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["error"].startswith("Traceback (most recent call last)")
    assert "ValueError: broken on purpose" in entry["error"]
    assert entry["request_id"] == "-"


def test_production_logs_are_json_lines_and_development_logs_text():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('cooperation').warning('Mail server unreachable')"
    )
    production = fresh_process(code, DJANGO_SECRET_KEY="k")
    entry = json.loads(production.stderr.strip().splitlines()[-1])
    assert entry["message"] == "Mail server unreachable"
    assert (entry["level"], entry["logger"], entry["request_id"]) == (
        "WARNING",
        "cooperation",
        "-",
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"])
    development = fresh_process(code, DJANGO_DEBUG="1")
    assert development.stderr.strip().endswith(
        "WARNING cooperation [-] Mail server unreachable"
    )


def test_log_lines_carry_no_email_address():
    record = logging.LogRecord(
        "cooperation", logging.WARNING, __file__, 1, "Mail to %s refused", None, None
    )
    record.args = ("li.wei+test@example.org.cn",)
    assert "example.org" not in JsonFormatter().format(record)
    assert json.loads(JsonFormatter().format(record))["message"] == (
        "Mail to [e-mail address] refused"
    )
    assert "example.org" not in TextFormatter("%(message)s").format(record)


def test_signing_in_writes_no_password_to_the_log(client, request_log, db, caplog):
    make_user("staff")
    with caplog.at_level(logging.INFO):
        client.post(
            reverse("admin:login"),
            {"username": "staff", "password": "wrong-secret-123"},
        )
    assert "wrong-secret-123" not in caplog.text
