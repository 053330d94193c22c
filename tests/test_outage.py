"""A real database outage: gunicorn serves the registry with production
settings from a PostgreSQL cluster of the test's own, which the test stops
and starts again (scripts/ensure_database.py makes, stops and restarts it).

A slow test (about 15 seconds: initdb, migrate, gunicorn). It needs the
PostgreSQL binaries, which ``make test`` installs; without them it fails
saying so.
"""

import http.client
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
import pytest
from django.conf import settings
from django.utils.html import escape

BASE_DIR = Path(settings.BASE_DIR)
SCRIPT = BASE_DIR / "scripts" / "ensure_database.py"
#: Seconds any one step may take before the test gives up (not a measure:
#: a stopped server refuses at once, and each page answers in milliseconds).
PATIENCE = 30

# Run in the app's environment once the cluster is up: the tables, and one
# published exchange whose page holds the interest form.
SETUP = """
import django
django.setup()
from django.core.management import call_command
from django.utils import translation
call_command("migrate", verbosity=0)
from tests.factories import make_exchange
exchange = make_exchange(title="Rehabilitation internship in Haikou")
with translation.override("en"):
    print(exchange.get_absolute_url())
"""

TYPED = {
    "name": "李华 <Li Hua>",
    "email": "li.hua@example.org",
    "organisation": "Hainan Vocational University",
    "message": "Can teachers from our rehabilitation centre join?",
    "consent": "on",
}


def load_script():
    spec = importlib.util.spec_from_file_location("ensure_database", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Cluster:
    directory: Path
    url: str = ""

    def env(self) -> dict[str, str]:
        clean = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_URL", "COOPERATION_", "PG"))
        }
        return {
            **clean,
            "COOPERATION_DB_SKIP_SERVER": "1",
            "COOPERATION_PG_DIR": str(self.directory),
        }

    def start(self) -> str:
        """Create or restart the cluster; its URL (the same port each time)."""
        result = subprocess.run(
            [sys.executable, str(SCRIPT)],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=PATIENCE,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        self.url = result.stdout.strip()
        return self.url

    def stop(self) -> None:
        result = subprocess.run(
            [sys.executable, str(SCRIPT), "--stop"],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=PATIENCE,
            check=False,
        )
        assert result.returncode == 0, result.stderr


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if load_script().find_bindir() is None:
        pytest.fail(
            "The PostgreSQL server programs (initdb, pg_ctl) are not installed: "
            "install the postgresql package (make test does so as root on "
            "Debian or Ubuntu)."
        )
    # Not tmp_path: as root the cluster runs as the postgres user, which must
    # reach the directory (tmp_path's parents may be private).
    base = Path(tempfile.mkdtemp(prefix="outage-", dir="/tmp"))
    base.chmod(0o755)
    cluster = Cluster(base / "pg")
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


class App:
    """gunicorn with gunicorn.conf.py and production settings, on a port of
    its own; its access log (stdout) and app log (stderr) go to files."""

    def __init__(self, database_url: str, folder: Path):
        self.port = free_port()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_URL", "PUBLIC_"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="tests.server_settings",
            DATABASE_URL=database_url,
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            # Pages come from the database, not from the page cache, which
            # would go on serving pages seen before the outage.
            PUBLIC_PAGE_CACHE_SECONDS="0",
            PORT=str(self.port),
            WEB_CONCURRENCY="1",
            GUNICORN_THREADS="2",
        )
        self.access_log = folder / "access.log"
        self.app_log = folder / "app.log"
        self.process: subprocess.Popen | None = None

    def setup(self) -> str:
        """Migrate and make an exchange; the exchange's address."""
        result = subprocess.run(
            [sys.executable, "-c", SETUP],
            env=self.env,
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=PATIENCE * 2,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def start(self) -> None:
        with self.access_log.open("w") as out, self.app_log.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                env=self.env,
                cwd=BASE_DIR,
                stdout=out,
                stderr=err,
            )
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.app_log.read_text()
            try:
                if self.get("/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer:\n{self.app_log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                self.process.wait(PATIENCE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def request(self, method: str, path: str, body=None, headers=None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read().decode())
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict, csrf_cookie: str) -> Answer:
        return self.request(
            "POST",
            path,
            body=urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf_cookie}",
            },
        )


@pytest.fixture
def app(cluster) -> Iterator[App]:
    app = App(cluster.start(), cluster.directory.parent)
    try:
        yield app
    finally:
        app.stop()


def form_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


def test_pages_answer_503_while_the_database_is_down_and_recover(cluster, app):
    exchange = app.setup()
    app.start()
    pages = ["/en/", "/fr/exchanges/", "/nl/institutions/", "/zh-hans/agreements/"]

    # The database answers.
    for page in pages:
        assert app.get(page).status == 200, page
    assert app.get("/readyz").status == 200
    detail = app.get(exchange)
    assert detail.status == 200
    csrf_cookie = SimpleCookie(detail.headers["Set-Cookie"])["csrftoken"].value

    cluster.stop()

    # Every page: the branded page in its language, asking to come back.
    for page in [*pages, exchange]:
        answer = app.get(page)
        assert answer.status == 503, page
        assert answer.headers["Retry-After"] == "30"
        assert "no-store" in answer.headers["Cache-Control"]
    french = app.get("/fr/exchanges/").text
    assert '<html lang="fr">' in french
    assert "Momentanément indisponible" in french
    assert app.get("/healthz").status == 200
    ready = app.get("/readyz")
    assert ready.status == 503
    assert json.loads(ready.text)["checks"]["database"] == "unreachable"

    # The interest form comes back as the visitor filled it in.
    sent = app.post_form(
        exchange, {**TYPED, "csrfmiddlewaretoken": form_token(detail.text)}, csrf_cookie
    )
    assert sent.status == 503
    assert "Your registration is not saved yet" in sent.text
    assert f'value="{escape(TYPED["name"])}"' in sent.text
    assert escape(TYPED["message"]) in sent.text

    cluster.start()

    # The same server answers again, without a restart.
    assert app.process.poll() is None
    for page in pages:
        assert app.get(page).status == 200, page
    assert app.get("/readyz").status == 200
    # The form sent again from the 503 page is saved.
    again = app.post_form(
        exchange, {**TYPED, "csrfmiddlewaretoken": form_token(sent.text)}, csrf_cookie
    )
    assert again.status == 302
    with psycopg2.connect(cluster.url) as db, db.cursor() as cursor:
        cursor.execute("SELECT name, email, message FROM cooperation_interest")
        assert cursor.fetchall() == [(TYPED["name"], TYPED["email"], TYPED["message"])]
    db.close()

    app.stop()
    # One short line per failed request, never a traceback; the access log
    # names each request by the id the app gave it.
    app_log = app.app_log.read_text()
    assert "Traceback" not in app_log
    failures = [
        entry
        for entry in (
            json.loads(line) for line in app_log.splitlines() if line[:1] == "{"
        )
        if entry.get("status") == 503 and "error" in entry
    ]
    assert len(failures) == len(pages) + 3  # the pages, French again, the form
    assert all(entry["error"].startswith("OperationalError") for entry in failures)
    access_log = app.access_log.read_text()
    for entry in failures:
        assert entry["request_id"] in access_log
