"""The health probes, the 503 page of a database outage, the interest form
that survives one, and the connection timeout (cooperation/health.py). The
real outage, with a PostgreSQL server stopped and started again under
gunicorn, is tests/test_outage.py."""

import copy
import json
import re
import socket

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError, connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cooperation import health, services
from cooperation.models import Interest
from cooperation.public import views
from cooperation.routers import REPLICA
from tests.factories import make_exchange, make_user
from tests.test_production import fresh_process, setting

REFUSED = (
    'connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
    "\tIs the server running on that host and accepting TCP/IP connections?"
)


def unreachable(*args, **kwargs):
    raise OperationalError(REFUSED)


@pytest.fixture
def visitor():
    """A client that gets the error pages a visitor gets, instead of the
    exception (the test client's default)."""
    return Client(raise_request_exception=False)


def address(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, **kwargs)


def never_cached(response) -> bool:
    return "no-store" in response["Cache-Control"]


# --- probes -------------------------------------------------------------------


def test_probes_have_no_language_prefix():
    assert reverse("healthz") == "/healthz"
    assert reverse("readyz") == "/readyz"


def test_healthz_answers_without_the_database(client):
    # Without the db fixture, any query would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert never_cached(response)


def test_healthz_answers_while_the_database_is_down(monkeypatch, visitor):
    monkeypatch.setattr(connection, "cursor", unreachable)
    assert visitor.get("/healthz").status_code == 200


def test_readyz_answers_ok_when_everything_is(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok"},
    }
    assert never_cached(response)


def test_readyz_names_an_unreachable_database(monkeypatch, client, db, caplog):
    with monkeypatch.context() as outage:  # undone before the test's rollback
        outage.setattr(connection, "cursor", unreachable)
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == str(health.RETRY_AFTER)
    assert json.loads(response.content)["checks"] == {
        "database": "unreachable",
        "migrations": "not checked",
        "cache": "ok",
    }
    assert "5432" not in response.text  # no error text on a public address
    (line,) = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert line.startswith("Not ready: database unreachable: connection to server")


def test_readyz_counts_the_migrations_not_applied(client, db):
    applied = MigrationRecorder(connection).applied_migrations()
    latest = max(name for app, name in applied if app == "cooperation")
    # Undone inside the test's transaction, which is rolled back after it.
    MigrationRecorder(connection).record_unapplied("cooperation", latest)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["migrations"] == "1 not applied"


def test_readyz_names_an_unreachable_cache(client, db, settings, unused_port):
    settings.CACHES = {
        "default": {
            # As settings.py makes it with REDIS_URL.
            "BACKEND": "cooperation.caching.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port}/0",
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "cache": "unreachable",
    }


def test_readyz_checks_the_replica_visitors_read_from(monkeypatch, client, db):
    """With DATABASE_REPLICA_URL, a replica that does not answer makes the
    site not ready: visitors' pages read from it."""
    connections.settings[REPLICA] = copy.deepcopy(connection.settings_dict)
    try:
        with monkeypatch.context() as outage:
            outage.setattr(connections[REPLICA], "cursor", unreachable)
            response = client.get("/readyz")
    finally:
        del connections[REPLICA]
        del connections.settings[REPLICA]
    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "replica": "unreachable",
        "cache": "ok",
    }


@pytest.fixture
def unused_port():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        return unused.getsockname()[1]


@pytest.mark.parametrize("probe", ["/healthz", "/readyz"])
def test_probes_are_not_redirected_to_https(client, db, settings, probe):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(probe).status_code == 200
    assert client.get(address("home")).status_code == 301


def test_probes_need_an_allowed_host(visitor, settings):
    settings.ALLOWED_HOSTS = ["registry.example"]
    assert visitor.get("/healthz", HTTP_HOST="registry.example").status_code == 200
    assert visitor.get("/healthz", HTTP_HOST="elsewhere.example").status_code == 400


# --- a page while the database is down ----------------------------------------


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_outage_answers_503_with_retry_after(monkeypatch, visitor, error):
    def failing(*args, **kwargs):
        raise error("connection already closed")

    monkeypatch.setattr(views.HomeView, "get_context_data", failing)
    response = visitor.get(address("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert never_cached(response)
    assert "Briefly unavailable" in response.text
    assert "Cooperation registry" in response.text


def test_outage_page_is_in_the_visitors_language(monkeypatch, visitor):
    monkeypatch.setattr(views.ExchangeListView, "get_context_data", unreachable)
    response = visitor.get(address("exchange-list", "fr"))
    assert response.status_code == 503
    assert '<html lang="fr">' in response.text
    with translation.override("fr"):
        assert escape(translation.gettext("Briefly unavailable")) in response.text
    assert "Briefly unavailable" not in response.text


def test_outage_while_a_staff_session_is_read_and_saved_answers_503(
    monkeypatch, visitor, db
):
    """The session is read in the view and saved by a middleware after it:
    both fail, and both give the 503 page, not a 500."""
    visitor.force_login(make_user("staff"))
    monkeypatch.setattr(SessionStore, "load", unreachable)
    monkeypatch.setattr(SessionStore, "save", unreachable)
    response = visitor.get(reverse("admin:index"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_other_errors_keep_the_500_page(monkeypatch, visitor):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    response = visitor.get(address("home"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong" in response.text


# --- the interest form during an outage ---------------------------------------

TYPED = {
    "name": "李华 <Li Hua>",
    "email": "li.hua@example.org",
    "organisation": "Hainan Vocational University",
    "message": "Can teachers from our rehabilitation centre join?\nThanks & regards",
    "consent": "on",
}


@pytest.mark.parametrize("failing", ["get_object", "interest_register"])
def test_interest_form_comes_back_filled_in_when_saving_fails(
    monkeypatch, visitor, db, failing
):
    exchange = make_exchange()
    if failing == "get_object":
        monkeypatch.setattr(views.ExchangeDetailView, "get_object", unreachable)
    else:
        monkeypatch.setattr(services, "interest_register", unreachable)
    url = exchange.get_absolute_url()
    response = visitor.post(url, TYPED)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert never_cached(response)
    page = response.text
    assert "Your registration is not saved yet" in page
    assert "please send it again in a minute" in page
    for name in ("name", "email", "organisation"):
        assert f'value="{escape(TYPED[name])}"' in page
    assert f">\n{escape(TYPED['message'])}</textarea>" in page
    assert 'id="id_consent" checked>' in page
    assert 'name="csrfmiddlewaretoken"' in page
    # Sent again to this address (the exchange's page), at most with a fragment.
    assert 'method="post"' in page
    assert re.findall(r'action="([^"]*)"', page) in ([], ["#interest"])
    assert not Interest.objects.exists()


def test_interest_sent_again_after_the_outage_is_saved(monkeypatch, visitor, db):
    exchange = make_exchange()
    url = exchange.get_absolute_url()
    with monkeypatch.context() as outage:
        outage.setattr(views.ExchangeDetailView, "get_object", unreachable)
        assert visitor.post(url, TYPED).status_code == 503
    response = visitor.post(url, TYPED)
    assert response.status_code == 302
    interest = Interest.objects.get()
    assert (interest.name, interest.message) == (TYPED["name"], TYPED["message"])


def test_interest_form_outage_is_one_log_line(monkeypatch, visitor, db, caplog):
    monkeypatch.setattr(views.ExchangeDetailView, "get_object", unreachable)
    url = make_exchange().get_absolute_url()
    visitor.post(url, TYPED)
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].status_code == 503
    assert isinstance(records[0].exc_info[1], OperationalError)
    assert TYPED["email"] not in caplog.text


# --- connection timeout ---------------------------------------------------------


def test_database_connections_give_up_after_a_few_seconds():
    assert setting("s.DATABASES['default']['OPTIONS']['connect_timeout']") == "3"
    assert (
        setting(
            "s.DATABASES['default']['OPTIONS']['connect_timeout']",
            DATABASE_CONNECT_TIMEOUT="5",
        )
        == "5"
    )


def test_a_connect_timeout_in_the_database_url_wins():
    url = "postgres://u@db.example:5432/registry?connect_timeout=10"
    option = "s.DATABASES['default']['OPTIONS']['connect_timeout']"
    assert setting(option, DATABASE_URL=url) == "10"


@pytest.mark.parametrize("value", ["0", "soon"])
def test_a_bad_connect_timeout_is_refused(value):
    result = fresh_process(
        "import cooperation.settings",
        DJANGO_SECRET_KEY="k",
        DATABASE_CONNECT_TIMEOUT=value,
    )
    assert result.returncode != 0
    assert "DATABASE_CONNECT_TIMEOUT must be" in result.stderr
