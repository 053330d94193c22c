"""Make sure a PostgreSQL database is reachable for the app and print its URL.

Usage (the Makefile does this):

    export DATABASE_URL="$(.venv/bin/python scripts/ensure_database.py)"

The database URL is the only thing written to stdout; one human line on stderr
says which option was chosen. The options are tried in this order:

1. ``DATABASE_URL`` from the environment. It must accept connections (retried
   for a few seconds); otherwise the script fails instead of falling through.
2. A PostgreSQL server on this machine that the current OS user can reach:
   ``PGHOST``/``PGPORT`` when set, the Unix sockets in /var/run/postgresql and
   /tmp, then 127.0.0.1:5432, as
   the current user (and as ``postgres`` when run as root). The database
   ``cooperation`` (env ``COOPERATION_DB_NAME``) is created when missing.
   Skipped when ``COOPERATION_DB_SKIP_SERVER=1``.
3. A project-local cluster in ``var/postgres`` (env ``COOPERATION_PG_DIR``),
   reused and started when it exists, otherwise created with initdb on a free
   port (remembered in a file inside that directory). As root, the cluster is
   owned by and run as the ``postgres`` user, because PostgreSQL refuses root.
4. When the PostgreSQL binaries are missing: as root on Debian/Ubuntu, install
   the ``postgresql`` package with apt-get and continue with option 3;
   otherwise fail with a message saying what to install.

``--stop`` stops the project-local cluster (used by ``make clean`` and tests).
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_NAME = "cooperation"
SOCKET_DIRS = ("/var/run/postgresql", "/tmp")
LOCAL_SERVER_TCP = ("127.0.0.1", 5432)
CLUSTER_USER = "postgres"
CLUSTER_PORTS = range(54320, 54400)
PORT_FILE = "port"
MAX_SOCKET_DIR = 90  # characters, leaving room for "/.s.PGSQL.NNNNN"
CONNECT_TIMEOUT = 2  # seconds, per connection attempt
DATABASE_URL_WAIT = 5  # seconds to keep retrying DATABASE_URL
INSTALL_HINT = (
    "install PostgreSQL (Debian/Ubuntu: sudo apt-get install postgresql; "
    "macOS: brew install postgresql)"
)


class SetupError(Exception):
    """Nothing usable was found; the message explains why."""


def say(message: str) -> None:
    sys.stderr.write(f"database: {message}\n")
    sys.stderr.flush()


def is_root() -> bool:
    return os.geteuid() == 0


def current_user() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name


def db_name() -> str:
    return os.environ.get("COOPERATION_DB_NAME") or DEFAULT_DB_NAME


def cluster_dir() -> Path:
    configured = os.environ.get("COOPERATION_PG_DIR")
    return Path(configured).resolve() if configured else REPO_ROOT / "var" / "postgres"


def shown_path(path: Path) -> str:
    """The path relative to the repository when it is inside it."""
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def make_url(user: str, host: str, port: int | None, name: str) -> str:
    """A URL that both libpq and dj-database-url understand."""
    user_part, name_part = quote(user, safe=""), quote(name, safe="")
    if host.startswith("/"):
        return f"postgres://{user_part}@/{name_part}?host={quote(host, safe='/')}"
    return f"postgres://{user_part}@{host}:{port}/{name_part}"


def hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    hidden = parts._replace(netloc=f"{user}@{hostport}")
    return f"{urlunsplit(hidden)}, password hidden"


def libpq_url(url: str) -> str:
    """Map the scheme aliases dj-database-url accepts to one libpq accepts."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("pgsql", "postgis"):
        return f"postgresql://{rest}"
    return url


def connect(**params: object) -> psycopg2.extensions.connection:
    conn = psycopg2.connect(connect_timeout=CONNECT_TIMEOUT, **params)
    conn.autocommit = True
    return conn


def create_database_if_missing(**params: object) -> bool:
    """Create the app's database on a server; return True when it was missing."""
    name = db_name()
    conn = connect(dbname="postgres", **params)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone():
                return False
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True
    finally:
        conn.close()


# Option 1: DATABASE_URL ------------------------------------------------------


def use_database_url(url: str) -> str:
    deadline = time.monotonic() + DATABASE_URL_WAIT
    while True:
        try:
            connect(dsn=libpq_url(url)).close()
            break
        except psycopg2.Error as error:
            if time.monotonic() >= deadline:
                reason = str(error).strip() or type(error).__name__
                raise SetupError(
                    f"DATABASE_URL ({hide_password(url)}) does not accept "
                    f"connections: {reason}"
                ) from error
            time.sleep(0.5)
    say(f"using DATABASE_URL ({hide_password(url)})")
    return url


# Option 2: a PostgreSQL server already running on this machine --------------


def local_server_candidates() -> list[tuple[str, int, str]]:
    # The cluster owner too: it is the only role of a server made by initdb.
    users = [current_user()]
    if CLUSTER_USER not in users:
        users.append(CLUSTER_USER)
    hosts = [(path, 5432) for path in SOCKET_DIRS] + [LOCAL_SERVER_TCP]
    if os.environ.get("PGHOST"):
        # libpq's own variables name the server first when set.
        hosts.insert(0, (os.environ["PGHOST"], int(os.environ.get("PGPORT") or 5432)))
    return [(host, port, user) for host, port in hosts for user in users]


def use_local_server() -> str | None:
    """The URL of the database on a reachable local server, or None."""
    for host, port, user in local_server_candidates():
        try:
            created = create_database_if_missing(host=host, port=port, user=user)
            connect(host=host, port=port, user=user, dbname=db_name()).close()
        except psycopg2.Error:
            continue
        where = host if host.startswith("/") else f"{host}:{port}"
        note = " (created)" if created else ""
        say(
            f"using the local PostgreSQL server at {where} as {user}, "
            f'database "{db_name()}"{note}'
        )
        return make_url(user, host, port, db_name())
    return None


# Option 3: a project-local cluster --------------------------------------------


def version_key(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name))


def find_bindir(version: str | None = None) -> Path | None:
    """The directory holding initdb and pg_ctl (matching `version` if given)."""
    candidates: list[Path] = []
    if version:
        candidates.append(Path(f"/usr/lib/postgresql/{version}/bin"))
    if pg_config := shutil.which("pg_config"):
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    installed = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(installed, key=version_key, reverse=True)
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).parent)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    return None


def run_as_cluster_owner(
    args: list[str], cwd: Path, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool, as the postgres user when we are root."""
    prefix = ["runuser", "-u", CLUSTER_USER, "--"] if is_root() else []
    result = subprocess.run(
        prefix + args,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise SetupError(f"{Path(args[0]).name} failed:\n{output}")
    return result


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``port``. A port whose last connections
    are closing (TIME_WAIT: the cluster was just stopped) is free for
    PostgreSQL, which binds with SO_REUSEADDR, so it is for this check too;
    without it a restarted cluster moved to another port now and then."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_free_port() -> int:
    for port in CLUSTER_PORTS:
        if port_is_free(port):
            return port
    raise SetupError(
        f"no free TCP port in {CLUSTER_PORTS.start}-{CLUSTER_PORTS.stop - 1} "
        "for the project-local cluster"
    )


def read_port(directory: Path) -> int | None:
    try:
        return int((directory / PORT_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def running_port(directory: Path) -> int:
    """The port of the running cluster (line 4 of postmaster.pid)."""
    try:
        lines = (directory / "data" / "postmaster.pid").read_text().splitlines()
        return int(lines[3])
    except (OSError, IndexError, ValueError):
        port = read_port(directory)
    if port is None:
        raise SetupError(f"cannot tell the port of the cluster in {directory}")
    return port


def make_cluster_dir(directory: Path) -> None:
    """Create the cluster directory, owned by postgres when we are root."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    if not is_root():
        directory.mkdir(mode=0o700, exist_ok=True)
        return
    try:
        pwd.getpwnam(CLUSTER_USER)
    except KeyError as error:
        raise SetupError(
            f"running as root, but there is no '{CLUSTER_USER}' user to own the "
            "project-local cluster; run as a normal user instead"
        ) from error
    owner = ["-o", CLUSTER_USER, "-g", CLUSTER_USER, "-m", "700"]
    subprocess.run(["install", "-d", *owner, str(directory)], check=True)
    access = ["runuser", "-u", CLUSTER_USER, "--", "test", "-w", str(directory)]
    if subprocess.run(access, check=False).returncode != 0:
        raise SetupError(
            f"the {CLUSTER_USER} user cannot reach {directory}; make its parent "
            "directories traversable (chmod o+x) or set COOPERATION_PG_DIR"
        )


def init_cluster(bindir: Path, directory: Path) -> None:
    make_cluster_dir(directory)
    run_as_cluster_owner(
        [
            str(bindir / "initdb"),
            *("-D", str(directory / "data"), "-U", CLUSTER_USER, "-E", "UTF8"),
            *("--locale=C.UTF-8", "--auth-local=trust", "--auth-host=trust"),
        ],
        cwd=directory,
    )


def cluster_is_running(bindir: Path, directory: Path) -> bool:
    args = [str(bindir / "pg_ctl"), "status", "-D", str(directory / "data")]
    return run_as_cluster_owner(args, cwd=directory, check=False).returncode == 0


def start_cluster(bindir: Path, directory: Path, port: int) -> None:
    # Unix socket paths are limited to ~100 bytes; TCP is what the URL uses.
    socket_dir = str(directory) if len(str(directory)) < MAX_SOCKET_DIR else ""
    options = f"-p {port} -k {shlex.quote(socket_dir)} -c listen_addresses=127.0.0.1"
    data, log = str(directory / "data"), str(directory / "log")
    args = [str(bindir / "pg_ctl"), "-D", data, "-l", log, "-o", options, "-w"]
    try:
        run_as_cluster_owner([*args, "start"], cwd=directory)
    except SetupError as error:
        raise SetupError(f"{error}\n(see the server log in {log})") from error


def cluster_version(directory: Path) -> str | None:
    try:
        return (directory / "data" / "PG_VERSION").read_text().strip()
    except OSError:
        return None


def ensure_cluster_running(directory: Path) -> tuple[int, str]:
    """Create and/or start the cluster; return its port and what was done."""
    version = cluster_version(directory)
    bindir = find_bindir(version) or install_postgresql()
    if version is None:
        init_cluster(bindir, directory)
        state = "new cluster, started"
    elif cluster_is_running(bindir, directory):
        return running_port(directory), "reusing it, already running"
    else:
        state = "reusing it, started"
    port = read_port(directory)
    if port is None or not port_is_free(port):
        port = pick_free_port()
        (directory / PORT_FILE).write_text(f"{port}\n")
    start_cluster(bindir, directory, port)
    return port, state


def use_local_cluster() -> str:
    directory = cluster_dir()
    port, state = ensure_cluster_running(directory)
    host = "127.0.0.1"
    try:
        create_database_if_missing(host=host, port=port, user=CLUSTER_USER)
    except psycopg2.Error as error:
        raise SetupError(
            f"the project-local cluster in {directory} runs on port {port} but "
            f"does not accept connections: {error}"
        ) from error
    say(
        f"using the project-local cluster in {shown_path(directory)} on port "
        f'{port}, database "{db_name()}" ({state})'
    )
    return make_url(CLUSTER_USER, host, port, db_name())


def stop_local_cluster() -> None:
    directory = cluster_dir()
    version = cluster_version(directory)
    bindir = find_bindir(version) if version else None
    if bindir is None or not cluster_is_running(bindir, directory):
        say(f"no project-local cluster is running in {shown_path(directory)}")
        return
    data = str(directory / "data")
    stop = [str(bindir / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]
    run_as_cluster_owner(stop, cwd=directory)
    say(f"stopped the project-local cluster in {shown_path(directory)}")


# Option 4: install PostgreSQL -------------------------------------------------


def install_postgresql() -> Path:
    """Install the server with apt-get when possible; return its bindir."""
    apt_get = shutil.which("apt-get")
    if not (is_root() and apt_get and Path("/etc/debian_version").exists()):
        raise SetupError(f"PostgreSQL is not installed; {INSTALL_HINT}")
    say("PostgreSQL is not installed; installing it with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in ([apt_get, "update"], [apt_get, "install", "-y", "postgresql"]):
        # apt's progress goes to stderr: stdout is reserved for the URL.
        result = subprocess.run(args, stdout=sys.stderr.fileno(), env=env, check=False)
        if result.returncode != 0:
            raise SetupError(f"'{' '.join(args)}' failed; {INSTALL_HINT}")
    bindir = find_bindir()
    if bindir is None:
        raise SetupError(f"apt-get ran, but initdb is still missing; {INSTALL_HINT}")
    return bindir


# Entry point ------------------------------------------------------------------


def choose_database() -> str:
    if url := os.environ.get("DATABASE_URL"):
        return use_database_url(url)
    skip_server = os.environ.get("COOPERATION_DB_SKIP_SERVER") == "1"
    if not skip_server and (url := use_local_server()):
        return url
    return use_local_cluster()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--stop", action="store_true", help="stop the project-local cluster"
    )
    args = parser.parse_args(argv)
    try:
        if args.stop:
            stop_local_cluster()
            return 0
        url = choose_database()
    except SetupError as error:
        say(str(error))
        return 1
    sys.stdout.write(f"{url}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
