"""Several app servers (issue 9, §7): two gunicorns with production settings,
each with folders of its own, on one database, one Redis and one bucket
(moto's S3 server), share what a visitor or a staff member did on either: a
signed-in session, the interest rate limit and an uploaded document.

A slow test (about 20 seconds: a database migrated from nothing, two
gunicorns). It starts a Redis server of its own (``make test`` installs
redis-server); without one it uses the Redis on 127.0.0.1:6379, and without
that it fails saying so."""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import boto3
import psycopg2
import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils.html import escape
from moto.server import ThreadedMotoServer

from tests.factories import pdf_bytes
from tests.html_forms import form_fields, with_document

BASE_DIR = Path(settings.BASE_DIR)
#: Seconds any one step may take before the test gives up (not a measure).
PATIENCE = 60
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
RATE_LIMIT = 2
PASSWORD = secrets.token_urlsafe(16)

# Run once in the new database: its tables, a staff member, an agreement
# staff add a document to and an exchange visitors register interest in.
SETUP = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.utils import translation
call_command("migrate", verbosity=0)
from cooperation.models import User
from tests.factories import make_agreement, make_exchange, make_institution
User.objects.create_superuser("registry-admin", "admin@example.org", sys.argv[1])
agreement = make_agreement(
    title="Letter of intent on vocational education",
    parties=[
        make_institution(name="Hainan Vocational University", country="CN"),
        make_institution(name="AP University of Applied Sciences and Arts"),
    ],
)
exchange = make_exchange(title="Rehabilitation internship in Haikou")
with translation.override("en"):
    exchange_url = exchange.get_absolute_url()
print(json.dumps({"agreement": agreement.pk, "exchange": exchange_url}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(answers, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        try:
            if answers():
                return
        except (OSError, redis.RedisError):
            pass
        time.sleep(0.2)
    pytest.fail(
        f"{what} did not answer in {PATIENCE} s."
        + (f"\n{log.read_text()}" if log and log.exists() else "")
    )


# The shared services -------------------------------------------------------------


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    """A Redis server of the test's own, or the one on 127.0.0.1:6379."""
    binary = shutil.which("redis-server")
    if binary is None:
        try:
            redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1).ping()
        except (redis.RedisError, OSError) as error:
            pytest.fail(
                "Several app servers share their cache through Redis, and this "
                f"machine has none: redis-server is not installed and nothing "
                f"answers at {LOCAL_REDIS} ({error}). Install it (Debian: "
                "apt-get install redis-server; make test does so as root)."
            )
        yield LOCAL_REDIS  # keys start with the test database's own name
        return
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for(lambda: redis.Redis.from_url(url).ping(), f"redis-server on {port}")
        yield url
    finally:
        process.terminate()
        process.wait(PATIENCE)


@pytest.fixture
def bucket() -> Iterator[dict[str, str]]:
    """An S3 bucket on moto's server: the DJANGO_S3_* variables for it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {
        "DJANGO_S3_BUCKET": "registry-servers",
        "DJANGO_S3_ENDPOINT_URL": f"http://{host}:{port}",
        "DJANGO_S3_ACCESS_KEY_ID": "registry-test",
        "DJANGO_S3_SECRET_ACCESS_KEY": "registry-test-secret",
        "DJANGO_S3_REGION": "us-east-1",
    }
    client(env).create_bucket(Bucket=env["DJANGO_S3_BUCKET"])
    try:
        yield env
    finally:
        server.stop()


def client(env: dict[str, str]):
    return boto3.client(
        "s3",
        endpoint_url=env["DJANGO_S3_ENDPOINT_URL"],
        aws_access_key_id=env["DJANGO_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["DJANGO_S3_SECRET_ACCESS_KEY"],
        region_name=env["DJANGO_S3_REGION"],
    )


def server_connection():
    """A connection to the tests' PostgreSQL server, outside any transaction
    (CREATE and DROP DATABASE cannot run in one)."""
    params = connection.settings_dict
    server = psycopg2.connect(
        dbname="postgres",
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    )
    server.autocommit = True
    return server


@pytest.fixture
def database_url() -> Iterator[str]:
    """A database of the test's own, beside the test database: the servers
    must see each other's writes, so it cannot be the test's transaction."""
    params = connection.settings_dict
    name = f"{params['NAME']}_servers_{secrets.token_hex(4)}"
    server = server_connection()
    with server.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()
    user = quote(params["USER"] or "", safe="")
    if params["PASSWORD"]:
        user += ":" + quote(params["PASSWORD"], safe="")
    port = f":{params['PORT']}" if params["PORT"] else ""
    try:
        yield f"postgres://{user}@{params['HOST'] or ''}{port}/{name}"
    finally:
        server = server_connection()
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


# The app servers -----------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Browser:
    """Cookies, kept as a browser keeps them, whichever server set them."""

    cookies: dict[str, str] = field(default_factory=dict)

    def keep(self, answer: Answer) -> None:
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}


class App:
    """gunicorn with gunicorn.conf.py and production settings, on a port and
    with document and media folders of its own; its log in a file."""

    def __init__(self, name: str, env: dict[str, str], folder: Path):
        self.name = name
        self.port = free_port()
        self.folder = folder / name
        self.log = self.folder / "gunicorn.log"
        self.folder.mkdir()
        self.env = {
            **env,
            "PORT": str(self.port),
            "DJANGO_MEDIA_ROOT": str(self.folder / "media"),
            "DJANGO_DOCUMENT_ROOT": str(self.folder / "documents"),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                env=self.env,
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_ready(self) -> None:
        def ready():
            assert self.process.poll() is None, self.log.read_text()
            return self.request("GET", "/healthz").status == 200

        wait_for(ready, f"gunicorn {self.name}", self.log)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                self.process.wait(PATIENCE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def files_on_disk(self) -> list[Path]:
        return [
            path
            for path in self.folder.rglob("*")
            if path.suffix != ".log" and path.is_file()
        ]

    def request(self, method, path, body=None, headers=None, browser=None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                method,
                path,
                body=body,
                headers={**(browser.header() if browser else {}), **(headers or {})},
            )
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        if browser:
            browser.keep(answer)
        return answer

    def get(self, path: str, browser: Browser | None = None) -> Answer:
        return self.request("GET", path, browser=browser)

    def post(self, path: str, fields: dict, browser: Browser) -> Answer:
        return self.request(
            "POST",
            path,
            body=urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            browser=browser,
        )

    def post_multipart(self, path: str, fields: dict, browser: Browser) -> Answer:
        return self.request(
            "POST",
            path,
            body=encode_multipart(BOUNDARY, fields),
            headers={"Content-Type": MULTIPART_CONTENT},
            browser=browser,
        )


@dataclass
class Servers:
    a: App
    b: App
    bucket: dict[str, str]
    #: What SETUP made: the agreement's key, the exchange's address.
    made: dict


@pytest.fixture
def servers(database_url, redis_url, bucket, tmp_path) -> Iterator[Servers]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "DATABASE_", "REDIS_URL", "PUBLIC_", "INTEREST_", "AWS_")
        )
    }
    env.update(
        bucket,
        # Static files named plainly: the test collects none.
        DJANGO_SETTINGS_MODULE="tests.server_settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        # One key for every server, or none could read another's sessions.
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PUBLIC_PAGE_CACHE_SECONDS="0",
        INTEREST_RATE_LIMIT=str(RATE_LIMIT),
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
    )
    setup = subprocess.run(
        [sys.executable, "-c", SETUP, PASSWORD],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=PATIENCE * 2,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    a, b = App("a", env, tmp_path), App("b", env, tmp_path)
    try:
        a.start()
        b.start()
        a.wait_until_ready()
        b.wait_until_ready()
        yield Servers(a, b, bucket, json.loads(setup.stdout))
    finally:
        a.stop()
        b.stop()


def form_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


def sign_in(app: App, browser: Browser) -> None:
    login = app.get("/admin/login/", browser)
    assert login.status == 200
    answer = app.post(
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": form_token(login.text),
            "username": "registry-admin",
            "password": PASSWORD,
            "next": "/admin/",
        },
        browser,
    )
    assert answer.status == 302, answer.text
    assert "sessionid" in browser.cookies


def register_interest(app: App, path: str, number: int) -> Answer:
    """A visitor (a browser of its own, the same address) registers interest."""
    visitor = Browser()
    page = app.get(path, visitor)
    assert page.status == 200
    return app.post(
        path,
        {
            "csrfmiddlewaretoken": form_token(page.text),
            "name": f"Visitor {number}",
            "email": f"visitor{number}@example.org",
            "organisation": "",
            "message": "",
            "consent": "on",
        },
        visitor,
    )


def test_a_session_rate_limit_and_document_are_shared_by_two_servers(servers):
    a, b = servers.a, servers.b

    # Signed in on A, the same cookie is signed in on B.
    staff = Browser()
    sign_in(a, staff)
    index = b.get("/admin/", staff)
    assert index.status == 200
    assert "registry-admin" in index.text
    assert b.get("/admin/").status == 302  # without the cookie: the sign-in page

    # The interest rate limit counts the registrations sent to either.
    exchange = servers.made["exchange"]
    limited = escape("You have sent several registrations in a short time.")
    assert register_interest(a, exchange, 1).status == 302
    assert register_interest(b, exchange, 2).status == 302
    for app, number in ((a, 3), (b, 4)):
        refused = register_interest(app, exchange, number)
        assert refused.status == 200, app.name
        assert limited in refused.text, app.name

    # A document uploaded through A's admin is downloaded from B.
    change = f"/admin/cooperation/agreement/{servers.made['agreement']}/change/"
    content = pdf_bytes()
    fields = form_fields(a.get(change, staff).text, "agreement_form")
    data = with_document(
        fields,
        title="Signed letter of intent",
        file=SimpleUploadedFile("letter-of-intent.pdf", content),
        public=False,
    )
    saved = a.post_multipart(change, data, staff)
    assert saved.status == 302, saved.text

    links = re.findall(r'href="(/documents/file/[^"]+)"', b.get(change, staff).text)
    assert len(links) == 1, links
    download = b.get(links[0], staff)
    assert download.status == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.body == content
    assert b.get(links[0]).status == 404  # staff-only: not for visitors

    # Neither server kept it on its own disk: it is in the bucket.
    assert a.files_on_disk() == [] and b.files_on_disk() == []
    listing = client(servers.bucket).list_objects_v2(
        Bucket=servers.bucket["DJANGO_S3_BUCKET"]
    )
    assert [item["Key"] for item in listing["Contents"]] == [
        "documents" + links[0].removeprefix("/documents/file")
    ]
