import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cooperation import backups


class Command(BaseCommand):
    help = (
        "Back up the registry into a folder: the database (pg_dump, custom "
        "format), the agreement documents (DOCUMENT_ROOT) and the uploaded "
        "media (MEDIA_ROOT), with a manifest of row counts, migrations and "
        "checksums. `manage.py restore FOLDER` puts it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", help="Where to write the backup (made if missing)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write into a folder that is not empty (replacing an earlier "
            "backup's files in it).",
        )
        parser.add_argument(
            "--pg-bin",
            metavar="FOLDER",
            help="The folder holding pg_dump (e.g. /usr/lib/postgresql/16/bin), "
            "when the one on PATH is older than the server.",
        )

    def handle(self, *args, **options):
        with backups.plain_errors(connection.settings_dict):
            self.back_up(**options)

    def back_up(self, *, folder: str, force: bool, pg_bin: str | None, **options):
        target = Path(folder)
        if target.exists() and not target.is_dir():
            raise CommandError(
                f"{target} is a file, not a folder: name a new or empty folder."
            )
        if target.is_dir() and any(target.iterdir()) and not force:
            raise CommandError(
                f"{target} is not empty: name a new or empty folder, or add "
                "--force to write the backup into it anyway (files of an earlier "
                "backup there are replaced)."
            )
        pg_dump = backups.client_tool("pg_dump", pg_bin)
        client = backups.tool_version(pg_dump)
        server = backups.server_version(connection)
        if backups.major(client) < backups.major(server):
            raise CommandError(
                f"pg_dump {client} ({pg_dump}) cannot back up a PostgreSQL "
                f"{server} server: pg_dump must be of the server's major version "
                f"or newer. Install the PostgreSQL {backups.major(server)} client "
                f"tools (Debian and Ubuntu: apt-get install postgresql-client-"
                f"{backups.major(server)}) and name their folder with --pg-bin, "
                f"e.g. --pg-bin /usr/lib/postgresql/{backups.major(server)}/bin."
            )
        target.mkdir(parents=True, exist_ok=True)
        (target / backups.MANIFEST).unlink(missing_ok=True)

        arguments, environment = backups.client_arguments(connection.settings_dict)
        dump = target / backups.DATABASE_FILE
        # The counts, the migrations and pg_dump see one snapshot: the one this
        # transaction exports, kept open until pg_dump is done. So the manifest's
        # counts are exactly what the dump holds, whatever is written meanwhile.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = connection.introspection.table_names(cursor)
            rows = backups.table_rows(connection, cursor, tables)
            migrations = backups.latest_migrations(cursor)
            backups.run_tool(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                    *arguments,
                ],
                environment,
            )

        # After the dump: the registry never deletes a document or logo file,
        # so every file the dump refers to is in the archives.
        folders = {}
        for name, setting in backups.FOLDERS.items():
            root = Path(getattr(settings, setting))
            count = backups.archive_folder(root, target / name)
            folders[name] = {"setting": setting, "path": str(root), "files": count}

        files = {
            name: {
                "sha256": backups.sha256(target / name),
                "bytes": (target / name).stat().st_size,
            }
            for name in [backups.DATABASE_FILE, *backups.FOLDERS]
        }
        manifest = {
            "format": backups.FORMAT,
            "created": backups.now(),
            "registry": backups.code_version(),
            "database": {
                "name": connection.settings_dict["NAME"],
                "server_version": server,
                "pg_dump_version": client,
            },
            "migrations": migrations,
            "rows": rows,
            "folders": folders,
            "files": files,
        }
        # Written last, through a temporary name: a folder with a manifest
        # holds a complete backup.
        partial = target / f"{backups.MANIFEST}.partial"
        partial.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        partial.replace(target / backups.MANIFEST)

        self.stdout.write(
            f"Backed up {backups.describe_database(connection.settings_dict)} "
            f"({sum(rows.values())} rows in {len(rows)} tables, "
            f"{files[backups.DATABASE_FILE]['bytes']} bytes), "
            + ", ".join(
                f"{entry['files']} file(s) of {entry['setting']}"
                for entry in folders.values()
            )
            + f" into {target}."
        )
