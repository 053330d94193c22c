"""Backups of the whole registry in one folder: the database (pg_dump's custom
format), the agreement documents and the uploaded media (tar archives), and a
manifest to check them by (``manage.py backup`` and ``manage.py restore``;
docs/operations.md).

The PostgreSQL client tools run as subprocesses with argument lists (no
shell) and the connection settings of ``DATABASES["default"]``; the password
travels in their environment, never on a command line.
"""

import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import tomllib
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError

MANIFEST = "manifest.json"
DATABASE_FILE = "database.dump"
# Archive name -> the setting naming the folder it holds.
FOLDERS = {"documents.tar": "DOCUMENT_ROOT", "media.tar": "MEDIA_ROOT"}
FORMAT = 1

# Connection options of Django's OPTIONS (libpq parameters) that the client
# tools read from the environment.
_LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


@contextmanager
def plain_errors(settings_dict: dict):
    """Turn a database's or the file system's error into a message (the
    command line shows it without a traceback)."""
    try:
        yield
    except DatabaseError as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise CommandError(
            f"The database {describe_database(settings_dict)} failed: {first}. "
            "Check DATABASE_URL and that the server answers (e.g. with psql)."
        ) from None
    except OSError as error:
        raise CommandError(
            f"{error.filename or 'A file'}: {error.strerror or error}. Check the "
            "path and that this user may read and write there."
        ) from None


def client_tool(name: str, folder: str | None) -> str:
    """The path of PostgreSQL's ``name`` (pg_dump, pg_restore): from
    ``folder`` when given (--pg-bin), else from PATH."""
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if found:
        return found
    where = f"in {folder} (--pg-bin)" if folder else "on PATH"
    raise CommandError(
        f"{name} was not found {where}: install the PostgreSQL client tools "
        "of the server's version or newer (Debian and Ubuntu: apt-get install "
        f"postgresql-client), or name the folder holding {name} with --pg-bin, "
        "e.g. --pg-bin /usr/lib/postgresql/16/bin."
    )


def tool_version(path: str) -> str:
    """``15.20`` for a pg_dump that says "pg_dump (PostgreSQL) 15.20 (...)"."""
    try:
        answer = subprocess.run(
            [path, "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise CommandError(f"{path} --version failed: {error}.") from None
    match = re.search(r"\(PostgreSQL\)\s+(\d+(?:\.\d+)?)", answer)
    if not match:
        raise CommandError(
            f"{path} --version answered {answer.strip()!r}, which names no "
            "PostgreSQL version: name the folder of PostgreSQL's own client "
            "tools with --pg-bin."
        )
    return match.group(1)


def major(version: str) -> int:
    return int(version.split(".")[0])


def server_version(connection) -> str:
    """The server's version as ``15.20`` (one query, or none once known)."""
    number = connection.pg_version  # e.g. 150020
    return f"{number // 10000}.{number % 10000}"


def describe_database(settings_dict: dict) -> str:
    """``name on host:port``, for messages."""
    where = settings_dict.get("HOST") or "the local socket"
    if settings_dict.get("PORT"):
        where = f"{where}:{settings_dict['PORT']}"
    return f"“{settings_dict['NAME']}” on {where}"


def client_arguments(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """The client tools' connection arguments and environment for the
    database of ``settings_dict``."""
    arguments = ["--no-password"]  # never wait for a password typed in
    for option, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
        if settings_dict.get(key):
            arguments.append(f"{option}={settings_dict[key]}")
    arguments.append(f"--dbname={settings_dict['NAME']}")
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in _LIBPQ_ENVIRONMENT.items():
        if option in settings_dict.get("OPTIONS", {}):
            environment[variable] = str(settings_dict["OPTIONS"][option])
    return arguments, environment


def run_tool(arguments: list[str], environment: dict[str, str]) -> None:
    """Run a client tool; its error output becomes the command's error."""
    finished = subprocess.run(
        arguments, env=environment, capture_output=True, text=True, check=False
    )
    if finished.returncode:
        name = Path(arguments[0]).name
        raise CommandError(
            f"{name} failed (exit status {finished.returncode}):\n"
            f"{finished.stderr.strip()}"
        )


def restore_database(
    *,
    pg_restore: str,
    psql: str,
    dump: Path,
    drop_tables: list[str],
    arguments: list[str],
    environment: dict[str, str],
) -> None:
    """Replace the database's contents with the ``dump``'s, in one
    transaction: a restore that fails leaves the database as it was.

    pg_restore --clean writes the SQL that drops and recreates what the dump
    holds, psql runs it. Before it, the tables of ``drop_tables`` (which the
    dump lacks: made by a newer version's migrations) are dropped, or their
    foreign keys would stop the drop of the dump's tables. The transaction
    is committed only once pg_restore has written the whole script."""
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as errors:
        script = subprocess.Popen(
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--file=-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=script_errors,
        )
        applier = subprocess.Popen(
            [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=environment,
        )
        try:
            applier.stdin.write(b"BEGIN;\n")
            for table in drop_tables:
                applier.stdin.write(
                    f"DROP TABLE IF EXISTS {_quote(table)} CASCADE;\n".encode()
                )
            shutil.copyfileobj(script.stdout, applier.stdin, 1024 * 1024)
            script.wait()
            if script.returncode == 0:
                applier.stdin.write(b"COMMIT;\n")
            # Else psql ends without COMMIT: the server rolls everything back.
            applier.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error: its message says which
        finally:
            script.kill()
            script.wait()
            applier.wait()
        if applier.returncode:
            errors.seek(0)
            raise CommandError(
                f"psql failed (exit status {applier.returncode}) applying the "
                "backup's SQL; the database was not changed:\n"
                # The errors, without the notices of what did not exist.
                + "\n".join(
                    line
                    for line in errors.read().decode(errors="replace").splitlines()
                    if "NOTICE:" not in line
                ).strip()
            )
        if script.returncode:
            script_errors.seek(0)
            raise CommandError(
                f"pg_restore failed (exit status {script.returncode}) reading "
                f"{dump}; the database was not changed:\n"
                f"{script_errors.read().decode(errors='replace').strip()}"
            )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def files_in(folder: Path) -> list[Path]:
    """The files under ``folder`` (none when it does not exist)."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file())


def archive_folder(folder: Path, archive: Path) -> int:
    """Write the files under ``folder`` into the tar ``archive``, named
    relative to it; return how many there were."""
    files = files_in(folder)
    with tarfile.open(archive, "w") as tar:
        for path in files:
            tar.add(path, arcname=path.relative_to(folder).as_posix())
    return len(files)


def extract_archive(archive: Path, folder: Path) -> int:
    """Write the archive's files into ``folder`` (made if missing), replacing
    files of the same name; return how many there were."""
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        members = [member for member in tar.getmembers() if member.isfile()]
        # The "data" filter refuses absolute names, "..", links and devices.
        tar.extractall(folder, members=members, filter="data")
    return len(members)


def code_version() -> dict[str, str | None]:
    """The registry's version (pyproject.toml) and git commit, when known."""
    version = commit = None
    try:
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as file:
            version = tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        pass
    try:
        answer = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        commit = answer.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        pass  # no git, or not a clone: the version alone says which code
    return {"version": version, "commit": commit}


def table_rows(connection, cursor, tables: list[str]) -> dict[str, int]:
    """Rows in each of ``tables`` (one count query each)."""
    rows = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        rows[table] = cursor.fetchone()[0]
    return rows


def latest_migrations(cursor) -> dict[str, str]:
    """The last migration applied to the database, for each app."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(cursor.fetchall())


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def read_manifest(folder: Path) -> dict:
    """The manifest of the backup in ``folder``, after checking that every
    file it lists is there with its checksum."""
    if not folder.is_dir():
        raise CommandError(
            f"{folder} is not a folder: name the folder `manage.py backup` "
            "wrote the backup into."
        )
    path = folder / MANIFEST
    if not path.is_file():
        raise CommandError(
            f"{folder} has no {MANIFEST}: it is not a complete backup (the "
            "manifest is written last). Name a folder made by `manage.py backup`."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
        form = manifest["format"]
        if missing := {"created", "registry", "migrations", "rows"} - set(manifest):
            raise KeyError(", ".join(sorted(missing)))
        if "pg_dump_version" not in manifest["database"]:
            raise KeyError("database.pg_dump_version")
    except KeyError as error:
        raise CommandError(
            f"{path} is not a backup manifest (it lacks {error}): name a folder "
            "made by `manage.py backup`."
        ) from None
    except (ValueError, TypeError) as error:
        raise CommandError(
            f"{path} is not a backup manifest ({error}): name a folder made by "
            "`manage.py backup`."
        ) from None
    if form != FORMAT:
        raise CommandError(
            f"{path} has format {form!r}; this version of the registry reads "
            f"format {FORMAT}: restore it with the version that made it "
            f"(commit {manifest.get('registry', {}).get('commit')})."
        )
    if DATABASE_FILE not in files:
        raise CommandError(f"{path} lists no {DATABASE_FILE}: the backup is damaged.")
    problems = []
    for name, expected in sorted(files.items()):
        file = folder / name
        if not file.is_file():
            problems.append(f"{name} is missing")
        elif (actual := sha256(file)) != expected["sha256"]:
            problems.append(
                f"{name} has sha256 {actual}, the manifest says {expected['sha256']}"
            )
    if problems:
        raise CommandError(
            f"The backup in {folder} does not match its manifest: "
            + "; ".join(problems)
            + ". The files changed or were damaged after the backup: restore "
            "another backup (or copy this one again from where it is kept)."
        )
    return manifest
