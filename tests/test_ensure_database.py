"""Tests for scripts/ensure_database.py, run as a subprocess like the Makefile does.

They need PostgreSQL on this machine: the DATABASE_URL and local-server tests
use a running server reachable by the current user, the project-local cluster
test needs the PostgreSQL binaries. A test fails when its part is missing
(make test installs and starts PostgreSQL first), and every database or
cluster a test creates is removed afterwards.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import psycopg2
import pytest
from django.db import connections
from psycopg2 import sql

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "ensure_database.py"
OWN_VARIABLES = (
    "DATABASE_URL",
    "COOPERATION_DB_NAME",
    "COOPERATION_DB_SKIP_SERVER",
    "COOPERATION_PG_DIR",
    "PGHOST",
    "PGPORT",
)


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ensure_database", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ensure_database = load_script()


def run_script(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the script with a clean environment plus `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def connects(url: str) -> bool:
    try:
        psycopg2.connect(url, connect_timeout=5).close()
    except psycopg2.OperationalError:
        return False
    return True


@pytest.fixture
def server() -> dict[str, str]:
    """The server this test run uses (whichever ``make`` chose), named by
    libpq's variables so that the script looks there first."""
    settings = connections["default"].settings_dict
    host = settings["HOST"] or settings["OPTIONS"].get("host") or "/var/run/postgresql"
    return {"PGHOST": host, "PGPORT": str(settings["PORT"] or 5432)}


@pytest.fixture
def server_url(server: dict[str, str]) -> str:
    """A URL of that server's maintenance database."""
    settings = connections["default"].settings_dict
    return ensure_database.make_url(
        settings["USER"] or ensure_database.current_user(),
        server["PGHOST"],
        int(server["PGPORT"]),
        "postgres",
    )


@pytest.fixture
def cluster_dir() -> Iterator[Path]:
    """A directory for a project-local cluster; the cluster is stopped after."""
    if ensure_database.find_bindir() is None:
        pytest.fail("PostgreSQL binaries are not installed")
    # Not tmp_path: its parents may be 0700, and as root the cluster runs as
    # the postgres user, which must be able to reach the directory.
    base = Path(tempfile.mkdtemp(prefix="ensure-db-", dir="/tmp"))
    base.chmod(0o755)
    directory = base / "pg"
    try:
        yield directory
    finally:
        run_script("--stop", COOPERATION_PG_DIR=str(directory))
        shutil.rmtree(base, ignore_errors=True)


def test_database_url_is_checked_and_printed_unchanged(server_url: str) -> None:
    result = run_script(DATABASE_URL=server_url)

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{server_url}\n"
    assert "DATABASE_URL" in result.stderr


def test_unreachable_database_url_fails_without_falling_through() -> None:
    url = "postgres://someone:secret@127.0.0.1:1/nothing"

    result = run_script(DATABASE_URL=url)

    assert result.returncode != 0
    assert result.stdout == ""
    assert "DATABASE_URL" in result.stderr
    assert "secret" not in result.stderr


def test_local_server_gets_the_database_created(
    server: dict[str, str], server_url: str
) -> None:
    name = f"ensure_db_test_{uuid.uuid4().hex[:12]}"
    try:
        result = run_script(COOPERATION_DB_NAME=name, **server)

        assert result.returncode == 0, result.stderr
        url = result.stdout.strip()
        assert result.stdout == f"{url}\n"
        assert "local PostgreSQL server" in result.stderr
        assert url.endswith(f"/{name}") or f"/{name}?" in url
        conn = psycopg2.connect(url, connect_timeout=5)
        with conn, conn.cursor() as cur:
            cur.execute("SELECT current_database()")
            assert cur.fetchone() == (name,)
        conn.close()
    finally:
        conn = psycopg2.connect(server_url, connect_timeout=5)
        conn.autocommit = True
        with conn.cursor() as cur:
            drop = sql.SQL("DROP DATABASE IF EXISTS {}")
            cur.execute(drop.format(sql.Identifier(name)))
        conn.close()


def test_project_local_cluster_is_created_reused_and_stopped(
    cluster_dir: Path,
) -> None:
    env = {"COOPERATION_DB_SKIP_SERVER": "1", "COOPERATION_PG_DIR": str(cluster_dir)}

    first = run_script(**env)
    assert first.returncode == 0, first.stderr
    url = first.stdout.strip()
    assert first.stdout == f"{url}\n"
    assert "project-local cluster" in first.stderr
    assert "new cluster" in first.stderr
    assert connects(url)
    port = (cluster_dir / "port").read_text().strip()
    assert f":{port}/" in url

    second = run_script(**env)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert "reusing" in second.stderr
    assert f"port {port}" in second.stderr

    stopped = run_script("--stop", **env)
    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stderr
    assert not connects(url)

    restarted = run_script(**env)
    assert restarted.returncode == 0, restarted.stderr
    assert restarted.stdout == first.stdout
    assert "reusing it, started" in restarted.stderr
    assert connects(url)


def test_printed_urls_parse_with_dj_database_url() -> None:
    import dj_database_url

    make_url = ensure_database.make_url

    socket = dj_database_url.parse(make_url("me", "/var/run/postgresql", 5432, "db"))
    tcp = dj_database_url.parse(make_url("me", "127.0.0.1", 54321, "db"))

    assert socket["NAME"] == "db"
    assert socket["USER"] == "me"
    assert socket["OPTIONS"] == {"host": "/var/run/postgresql"}
    assert (tcp["HOST"], tcp["PORT"], tcp["NAME"]) == ("127.0.0.1", 54321, "db")


def test_password_is_hidden_in_messages() -> None:
    shown = ensure_database.hide_password("postgres://me:secret@host:5432/db")

    assert "secret" not in shown
    assert shown.startswith("postgres://me@host:5432/db")


def test_a_listening_port_is_taken_and_a_closing_one_is_free() -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert not ensure_database.port_is_free(port)
        # A connection that the server closes first leaves TIME_WAIT behind,
        # as a stopped cluster does.
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _address = server.accept()
        accepted.close()
        client.close()
    assert ensure_database.port_is_free(port)
