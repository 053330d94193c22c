"""manage.py backup and restore: a backup restored into a fresh database
holds every record, history row and document; a damaged, foreign or
mismatched backup, a database that holds data and missing or old client
tools are refused with a message that says what to do."""

import hashlib
import io
import json
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from PIL import Image

from cooperation import backups
from cooperation.models import AgreementDocument, Interest
from tests.factories import (
    PDF_BYTES,
    make_agreement,
    make_exchange,
    make_institution,
    make_user,
    pdf_bytes,
)

# Databases ------------------------------------------------------------------


def connect(database: str):
    """A connection of its own to ``database`` on the tests' server."""
    params = connection.settings_dict
    return psycopg2.connect(
        dbname=database,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    )


def server_connection():
    """A connection outside the tests' transaction: CREATE and DROP DATABASE
    cannot run inside one."""
    server = connect("postgres")
    server.autocommit = True
    return server


def database_url(name: str) -> str:
    params = connection.settings_dict
    user = quote(params["USER"] or "", safe="")
    if params["PASSWORD"]:
        user += ":" + quote(params["PASSWORD"], safe="")
    host = params["HOST"] or ""
    port = f":{params['PORT']}" if params["PORT"] else ""
    return f"postgres://{user}@{host}{port}/{name}"


@pytest.fixture
def fresh_database():
    """Makes empty databases beside the test database; drops them after."""
    made = []

    def make() -> str:
        name = f"{connection.settings_dict['NAME']}_restore_{secrets.token_hex(4)}"
        server = server_connection()
        with server.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        server.close()
        made.append(name)
        return name

    yield make
    server = server_connection()
    with server.cursor() as cursor:
        for name in made:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.close()


def manage(*args: str, database: str, root: Path) -> subprocess.CompletedProcess:
    """Run manage.py as an operator would, on ``database`` and with the
    document and media folders under ``root``."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(database),
        "DJANGO_DOCUMENT_ROOT": str(root / "documents"),
        "DJANGO_MEDIA_ROOT": str(root / "media"),
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "x",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def table_rows(cursor, tables) -> dict[str, int]:
    rows = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        rows[table] = cursor.fetchone()[0]
    return rows


def query(database: str, sql: str, *params) -> list[tuple]:
    restored = connect(database)
    try:
        with restored.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        restored.close()


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# Records ------------------------------------------------------------------


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def make_registry():
    """Records of every kind, with history, a document and a logo."""
    editor = make_user("editor")
    conservatory = make_institution(
        name="Shanghai Conservatory of Music",
        official_name="上海音乐学院",
        country="CN",
    )
    ap = make_institution(name="AP University of Applied Sciences and Arts Antwerp")
    ap.logo.save("ap.png", ContentFile(png_bytes()))
    ap.city = "Antwerpen"
    ap.save()  # a second history row
    agreement = make_agreement(
        title="Memorandum on nurturing musical talent", parties=[conservatory, ap]
    )
    document = AgreementDocument.objects.create(
        agreement=agreement,
        title="Signed text",
        language="zh",
        public=True,
        file=ContentFile(PDF_BYTES, name="signed.pdf"),
    )
    scan = AgreementDocument.objects.create(
        agreement=agreement,
        title="Scan",
        kind=AgreementDocument.Kind.SCAN,
        language="en",
        file=ContentFile(pdf_bytes(), name="scan.pdf"),
    )
    exchange = make_exchange(
        title="Teacher exchange in music", host=ap, partners=[conservatory]
    )
    draft = make_exchange(title="Unpublished draft", host=conservatory, published=False)
    draft.delete()  # a history row of a record that is gone
    interest = Interest.objects.create(
        exchange=exchange,
        name="Li Wei",
        email="li@example.org",
        message="我想参加。",
        consent=True,
    )
    return {
        "editor": editor,
        "conservatory": conservatory,
        "ap": ap,
        "documents": [document, scan],
        "interest": interest,
    }


# The round trip -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_restored_into_a_fresh_database_holds_every_record_and_file(
    tmp_path, fresh_database
):
    """Committed records (pg_dump reads them from its own connection),
    restored by an operator's `manage.py restore` into a new database and
    new folders."""
    made = make_registry()
    output = run("backup", str(tmp_path / "backup"))
    assert "into" in output and "2 file(s) of DOCUMENT_ROOT" in output

    database = fresh_database()
    target = tmp_path / "restored"
    restore = manage(
        "restore", str(tmp_path / "backup"), database=database, root=target
    )
    assert restore.returncode == 0, restore.stderr
    assert "The database's migrations match this code." in restore.stdout

    # Every table, history included, holds as many rows as the original.
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        expected = table_rows(cursor, tables)
    restored_rows = {
        table: query(database, f'SELECT count(*) FROM "{table}"')[0][0]
        for table in tables
    }
    assert restored_rows == expected
    assert expected["cooperation_historicalinstitution"] >= 3
    assert expected["cooperation_historicalexchange"] >= 3

    # A few values, as stored.
    def same(sql: str, *params) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            original = cursor.fetchall()
        assert query(database, sql, *params) == original
        return original

    ap, conservatory = made["ap"], made["conservatory"]
    assert same(
        "SELECT name, official_name, logo FROM cooperation_institution WHERE id = %s",
        conservatory.pk,
    ) == [("Shanghai Conservatory of Music", "上海音乐学院", "")]
    assert same(
        "SELECT history_type, city FROM cooperation_historicalinstitution "
        "WHERE id = %s ORDER BY history_id",
        ap.pk,
    ) == [("+", "Antwerp"), ("~", "Antwerp"), ("~", "Antwerpen")]
    assert same(
        "SELECT history_type FROM cooperation_historicalexchange "
        "WHERE title_en = 'Unpublished draft' ORDER BY history_id",
    ) == [("+",), ("-",)]
    assert same(
        "SELECT email, message FROM cooperation_interest WHERE id = %s",
        made["interest"].pk,
    ) == [("li@example.org", "我想参加。")]
    assert same("SELECT password FROM cooperation_user WHERE username = 'editor'") == [
        (made["editor"].password,)
    ]

    # The files, byte for byte, where the restored rows say they are.
    for document in made["documents"]:
        ((name,),) = query(
            database,
            "SELECT file FROM cooperation_agreementdocument WHERE id = %s",
            document.pk,
        )
        restored = (target / "documents" / name).read_bytes()
        assert restored == (settings.DOCUMENT_ROOT / document.file.name).read_bytes()
    assert (target / "documents" / made["documents"][0].file.name).read_bytes() == (
        PDF_BYTES
    )
    ((logo,),) = query(
        database, "SELECT logo FROM cooperation_institution WHERE id = %s", ap.pk
    )
    assert logo.startswith("logos/")
    assert (target / "media" / logo).read_bytes() == (
        settings.MEDIA_ROOT / logo
    ).read_bytes()

    # Restoring again would overwrite all that: refused unless --force.
    again = manage("restore", str(tmp_path / "backup"), database=database, root=target)
    assert again.returncode == 1
    assert "Traceback" not in again.stderr
    assert "2 institution(s), 1 agreement(s), 1 exchange(s)" in again.stderr
    assert "Add --force to restore over them" in again.stderr
    # A table of a newer version (after an upgrade that is being rolled back)
    # refers to a restored one; --force drops it with the rest.
    newer = connect(database)
    with newer, newer.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE newer_device (id serial PRIMARY KEY, "
            "user_id bigint REFERENCES cooperation_user (id))"
        )
    newer.close()
    forced = manage(
        "restore", "--force", str(tmp_path / "backup"), database=database, root=target
    )
    assert forced.returncode == 0, forced.stderr
    assert query(database, "SELECT count(*) FROM cooperation_institution") == [(2,)]
    assert query(database, "SELECT to_regclass('newer_device')") == [(None,)]


@pytest.mark.django_db(transaction=True)
def test_backup_older_than_the_code_is_migrated_after_restoring(
    tmp_path, fresh_database
):
    """A backup of a database without the sessions app's migration, as one
    made before a version that added a migration."""
    run("backup", str(tmp_path / "current"))
    older, root = fresh_database(), tmp_path / "older"
    current = manage("restore", str(tmp_path / "current"), database=older, root=root)
    assert current.returncode == 0, current.stderr
    unapplied = manage("migrate", "sessions", "zero", database=older, root=root)
    assert unapplied.returncode == 0, unapplied.stderr
    made = manage("backup", str(tmp_path / "old"), database=older, root=root)
    assert made.returncode == 0, made.stderr
    manifest = json.loads((tmp_path / "old" / "manifest.json").read_text())
    assert "sessions" not in manifest["migrations"]

    database = fresh_database()
    told = manage(
        "restore", "--no-migrate", str(tmp_path / "old"), database=database, root=root
    )
    assert told.returncode == 0, told.stderr
    assert (
        "The backup is older than this code: run `manage.py migrate` to apply 1 "
        "migration(s) (sessions.0001_initial) before serving it." in told.stdout
    )
    assert query(database, "SELECT to_regclass('django_session')") == [(None,)]

    database = fresh_database()
    restored = manage("restore", str(tmp_path / "old"), database=database, root=root)
    assert restored.returncode == 0, restored.stderr
    assert (
        "The backup is older than this code: applying 1 migration(s) "
        "(sessions.0001_initial)." in restored.stdout
    )
    assert query(database, "SELECT count(*) FROM django_session") == [(0,)]
    assert query(
        database, "SELECT count(*) FROM django_migrations WHERE app = 'sessions'"
    ) == [(1,)]


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_fails_midway_leaves_the_database_as_it_was(tmp_path):
    """A dump cut short (with a checksum to match, as if damaged before the
    backup was checksummed): pg_restore fails after the SQL that drops the
    tables has run, inside the transaction that is then rolled back."""
    made = make_registry()
    run("backup", str(tmp_path / "backup"))
    dump = tmp_path / "backup" / backups.DATABASE_FILE
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size * 9 // 10])
    manifest_path = tmp_path / "backup" / backups.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["files"][backups.DATABASE_FILE]["sha256"] = backups.sha256(dump)
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(
        CommandError, match="pg_restore failed .*; the database was not changed"
    ):
        run("restore", "--force", str(tmp_path / "backup"))
    assert Interest.objects.get().message == "我想参加。"
    assert made["ap"].history.count() == 3
    assert AgreementDocument.objects.count() == 2


# Refusals -----------------------------------------------------------------


def fake_backup(folder: Path, files: dict[str, bytes] | None = None, **manifest):
    """A folder laid out as a backup, its manifest matching ``files``."""
    files = files or {backups.DATABASE_FILE: b"PGDMP and the rest"}
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    manifest = {
        "format": backups.FORMAT,
        "created": "2026-06-01T02:00:00+00:00",
        "registry": {"version": "0.1.0", "commit": "0123abc"},
        "database": {
            "name": "registry",
            "server_version": "15.20",
            "pg_dump_version": "15.20",
        },
        "migrations": {},
        "rows": {},
        "folders": {},
        "files": {
            name: {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
            for name, content in files.items()
        },
        **manifest,
    }
    (folder / backups.MANIFEST).write_text(json.dumps(manifest))
    return folder


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CommandError) as raised:
        run("backup", str(tmp_path))
    assert str(raised.value) == (
        f"{tmp_path} is not empty: name a new or empty folder, or add --force to "
        "write the backup into it anyway (files of an earlier backup there are "
        "replaced)."
    )


def test_backup_refuses_a_file_for_a_folder(tmp_path):
    (tmp_path / "backup").write_text("")
    with pytest.raises(CommandError, match="backup is a file, not a folder"):
        run("backup", str(tmp_path / "backup"))


def test_missing_pg_dump_is_named_with_how_to_install_it(tmp_path):
    """From the command line: a message, not a traceback; nothing written."""
    empty = tmp_path / "bin"
    empty.mkdir()
    finished = subprocess.run(
        [sys.executable, "manage.py", "backup", str(tmp_path / "backup")],
        cwd=settings.BASE_DIR,
        env={**os.environ, "PATH": str(empty), "DJANGO_SECRET_KEY": "x"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 1
    assert finished.stderr.startswith(
        "CommandError: pg_dump was not found on PATH: install the PostgreSQL "
        "client tools of the server's version or newer (Debian and Ubuntu: "
        "apt-get install postgresql-client)"
    )
    assert "Traceback" not in finished.stderr
    assert not (tmp_path / "backup").exists()


def test_unreachable_database_is_a_message(tmp_path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    finished = subprocess.run(
        [sys.executable, "manage.py", "backup", str(tmp_path / "backup")],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": f"postgres://registry@127.0.0.1:{port}/registry",
            "DJANGO_SECRET_KEY": "x",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 1
    assert finished.stderr.startswith(
        f"CommandError: The database “registry” on 127.0.0.1:{port} failed: "
    )
    assert finished.stderr.rstrip().endswith(
        "Check DATABASE_URL and that the server answers (e.g. with psql)."
    )
    assert "Traceback" not in finished.stderr


def test_pg_bin_without_the_tools_is_named(tmp_path):
    with pytest.raises(CommandError, match=rf"pg_dump was not found in {tmp_path} "):
        run("backup", "--pg-bin", str(tmp_path), str(tmp_path / "backup"))


@pytest.mark.django_db
def test_pg_dump_older_than_the_server_is_refused(tmp_path):
    """A pg_dump of PostgreSQL 12 (as Debian's wrapper answers) named with
    --pg-bin."""
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "pg_dump").write_text(
        "#!/bin/sh\necho 'pg_dump (PostgreSQL) 12.4 (Debian 12.4-1.pgdg110+1)'\n"
    )
    (tools / "pg_dump").chmod(0o755)
    server = backups.server_version(connection)
    with pytest.raises(CommandError) as raised:
        run("backup", "--pg-bin", str(tools), str(tmp_path / "backup"))
    major = server.split(".")[0]
    assert str(raised.value) == (
        f"pg_dump 12.4 ({tools / 'pg_dump'}) cannot back up a PostgreSQL {server} "
        "server: pg_dump must be of the server's major version or newer. Install "
        f"the PostgreSQL {major} client tools (Debian and Ubuntu: apt-get install "
        f"postgresql-client-{major}) and name their folder with --pg-bin, e.g. "
        f"--pg-bin /usr/lib/postgresql/{major}/bin."
    )
    assert not (tmp_path / "backup").exists()


def test_restore_of_a_folder_that_is_not_there(tmp_path):
    with pytest.raises(CommandError, match="missing is not a folder: name the folder"):
        run("restore", str(tmp_path / "missing"))


def test_restore_of_a_folder_without_manifest(tmp_path):
    (tmp_path / backups.DATABASE_FILE).write_bytes(b"PGDMP")
    with pytest.raises(
        CommandError, match="has no manifest.json: it is not a complete"
    ):
        run("restore", str(tmp_path))


def test_restore_of_a_manifest_that_is_not_one(tmp_path):
    (tmp_path / backups.MANIFEST).write_text('{"format": 1, "files": {}}')
    with pytest.raises(CommandError) as raised:
        run("restore", str(tmp_path))
    assert str(raised.value) == (
        f"{tmp_path / backups.MANIFEST} is not a backup manifest (it lacks "
        "'created, migrations, registry, rows'): name a folder made by "
        "`manage.py backup`."
    )
    (tmp_path / backups.MANIFEST).write_text("{")
    with pytest.raises(CommandError, match="is not a backup manifest .Expecting"):
        run("restore", str(tmp_path))


def test_restore_of_damaged_files_names_each_one(tmp_path):
    backup = fake_backup(
        tmp_path / "backup",
        {backups.DATABASE_FILE: b"PGDMP", "documents.tar": b"", "media.tar": b""},
    )
    (backup / backups.DATABASE_FILE).write_bytes(b"PGDMX")
    (backup / "media.tar").unlink()
    with pytest.raises(CommandError) as raised:
        run("restore", str(backup))
    assert str(raised.value) == (
        f"The backup in {backup} does not match its manifest: database.dump has "
        f"sha256 {hashlib.sha256(b'PGDMX').hexdigest()}, the manifest says "
        f"{hashlib.sha256(b'PGDMP').hexdigest()}; media.tar is missing. The files "
        "changed or were damaged after the backup: restore another backup (or "
        "copy this one again from where it is kept)."
    )


@pytest.mark.django_db
def test_restore_of_a_backup_made_by_newer_code_is_refused(tmp_path):
    backup = fake_backup(
        tmp_path / "backup",
        migrations={"cooperation": "0999_from_the_future", "sessions": "0001_initial"},
    )
    with pytest.raises(CommandError) as raised:
        run("restore", str(backup))
    assert str(raised.value) == (
        "The backup was made by a newer version of the registry (commit 0123abc): "
        "this code does not know its migrations cooperation.0999_from_the_future. "
        "Update the code to that version or later (git pull), then restore."
    )


def test_restore_with_a_pg_restore_older_than_the_dump_is_refused(tmp_path):
    backup = fake_backup(
        tmp_path / "backup",
        database={
            "name": "registry",
            "server_version": "99.1",
            "pg_dump_version": "99.1",
        },
    )
    with pytest.raises(CommandError, match=r"written by pg_dump 99\.1; pg_restore 1"):
        run("restore", str(backup))


@pytest.mark.django_db
def test_restore_over_data_is_refused_without_force(tmp_path):
    make_institution()
    make_exchange()  # and its host
    (settings.DOCUMENT_ROOT / "agreements").mkdir(parents=True)
    (settings.DOCUMENT_ROOT / "agreements" / "signed.pdf").write_bytes(PDF_BYTES)
    backup = fake_backup(tmp_path / "backup")
    with pytest.raises(CommandError) as raised:
        run("restore", str(backup))
    assert str(raised.value) == (
        "There is data where the backup would go: 2 institution(s), 1 exchange(s) "
        # “name” on host:port, or on the local socket (CI's database).
        f"in the database {backups.describe_database(connection.settings_dict)}, "
        f"1 file(s) in DOCUMENT_ROOT ({settings.DOCUMENT_ROOT}). Restoring replaces "
        "the database's contents and overwrites files of the same names. Add "
        "--force to restore over them, or restore into an empty database and "
        "empty folders."
    )
