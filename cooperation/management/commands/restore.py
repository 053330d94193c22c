from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from cooperation import backups
from cooperation.caching import public_data_changed

# The records whose presence makes a database one not to overwrite unasked.
_RECORDS = [
    ("cooperation.Institution", "institution(s)"),
    ("cooperation.Agreement", "agreement(s)"),
    ("cooperation.Exchange", "exchange(s)"),
    ("cooperation.Interest", "interest registration(s)"),
    ("cooperation.User", "user(s)"),
]


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup FOLDER`: check its manifest "
        "and checksums, replace the database's contents with pg_restore, put "
        "back the documents and media, then migrate if the backup is older "
        "than this code. Refuses a database or folder that holds data unless "
        "--force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The folder the backup was written into.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the database or the document and media "
            "folders hold data: the database's contents are replaced by the "
            "backup's, the backup's files overwrite files of the same name.",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="Do not migrate a backup older than this code; only say so.",
        )
        parser.add_argument(
            "--pg-bin",
            metavar="FOLDER",
            help="The folder holding pg_restore and psql (e.g. "
            "/usr/lib/postgresql/16/bin), when the ones on PATH are older than "
            "the pg_dump that made the backup.",
        )

    def handle(self, *args, **options):
        with backups.plain_errors(connection.settings_dict):
            self.restore(**options)

    def restore(self, *, folder: str, force: bool, no_migrate: bool, pg_bin, **options):
        source = Path(folder)
        manifest = backups.read_manifest(source)
        pg_restore = backups.client_tool("pg_restore", pg_bin)
        psql = backups.client_tool("psql", pg_bin)
        client = backups.tool_version(pg_restore)
        dumped_by = manifest["database"]["pg_dump_version"]
        if backups.major(client) < backups.major(dumped_by):
            raise CommandError(
                f"The backup was written by pg_dump {dumped_by}; pg_restore "
                f"{client} ({pg_restore}) cannot read it. Install the PostgreSQL "
                f"{backups.major(dumped_by)} client tools (Debian and Ubuntu: "
                f"apt-get install postgresql-client-{backups.major(dumped_by)}) and "
                "name their folder with --pg-bin."
            )
        self.check_migrations_known(manifest)
        database = backups.describe_database(connection.settings_dict)
        if not force:
            self.refuse_data(database)

        arguments, environment = backups.client_arguments(connection.settings_dict)
        drop_tables = [
            table
            for table in connection.introspection.table_names()
            if table not in manifest["rows"]
        ]
        # The restore drops and recreates the tables: no connection of ours
        # may hold a lock on them meanwhile.
        connection.close()
        backups.restore_database(
            pg_restore=pg_restore,
            psql=psql,
            dump=source / backups.DATABASE_FILE,
            drop_tables=drop_tables,
            arguments=arguments,
            environment=environment,
        )
        self.check_rows(manifest, database)
        restored = {}
        for name, setting in backups.FOLDERS.items():
            if name in manifest["files"]:
                root = Path(getattr(settings, setting))
                restored[setting] = backups.extract_archive(source / name, root)
        try:
            public_data_changed()  # nothing cached from the data replaced stays
        except Exception as error:  # noqa: BLE001 - whatever the cache raises
            self.stderr.write(
                f"The cache could not be told of the restore ({error}): pages "
                "cached before it are shown until they expire "
                "(PUBLIC_PAGE_CACHE_SECONDS), or clear the cache (Redis: FLUSHDB)."
            )

        created = manifest["created"]
        commit = manifest["registry"].get("commit") or "unknown"
        self.stdout.write(
            f"Restored the backup of {created} (commit {commit}) into {database}: "
            f"{sum(manifest['rows'].values())} rows in {len(manifest['rows'])} "
            "tables, as counted when it was made; "
            + ", ".join(
                f"{count} file(s) into {setting}" for setting, count in restored.items()
            )
            + "."
        )
        self.migrate(no_migrate=no_migrate)

    def check_migrations_known(self, manifest: dict) -> None:
        """Refuse a backup of a database migrated by newer code: this code
        cannot run on it, nor migrate it backwards."""
        loader = MigrationLoader(None, ignore_no_migrations=True)
        unknown = [
            f"{app}.{name}"
            for app, name in sorted(manifest["migrations"].items())
            if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
        ]
        if unknown:
            raise CommandError(
                "The backup was made by a newer version of the registry (commit "
                f"{manifest['registry'].get('commit') or 'unknown'}): this code "
                f"does not know its migrations {', '.join(unknown)}. Update the "
                "code to that version or later (git pull), then restore."
            )

    def refuse_data(self, database: str) -> None:
        """Refuse to overwrite records or files unless --force."""
        tables = set(connection.introspection.table_names())
        records = []
        with connection.cursor() as cursor:
            for label, words in _RECORDS:
                table = apps.get_model(label)._meta.db_table
                if table in tables:
                    count = backups.table_rows(connection, cursor, [table])[table]
                    if count:
                        records.append(f"{count} {words}")
        held = [f"{', '.join(records)} in the database {database}"] if records else []
        for setting in backups.FOLDERS.values():
            root = Path(getattr(settings, setting))
            if count := len(backups.files_in(root)):
                held.append(f"{count} file(s) in {setting} ({root})")
        if held:
            raise CommandError(
                f"There is data where the backup would go: {', '.join(held)}. "
                "Restoring replaces the database's contents and overwrites files "
                "of the same names. Add --force to restore over them, or restore "
                "into an empty database and empty folders."
            )

    def check_rows(self, manifest: dict, database: str) -> None:
        """Every table holds as many rows as when the backup was made."""
        tables = set(connection.introspection.table_names())
        expected = manifest["rows"]
        with connection.cursor() as cursor:
            actual = backups.table_rows(
                connection, cursor, [table for table in expected if table in tables]
            )
        wrong = [
            f"{table}: {actual.get(table, 'no table')} instead of {count}"
            for table, count in sorted(expected.items())
            if actual.get(table) != count
        ]
        if wrong:
            raise CommandError(
                f"After pg_restore, {database} does not hold what the backup's "
                f"manifest counted: {'; '.join(wrong)}. Do not use this database; "
                "restore another backup."
            )

    def migrate(self, *, no_migrate: bool) -> None:
        """Bring a backup older than the code up to date (or say that it is)."""
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            self.stdout.write("The database's migrations match this code.")
            return
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan)
        if no_migrate:
            self.stdout.write(
                f"The backup is older than this code: run `manage.py migrate` to "
                f"apply {len(plan)} migration(s) ({names}) before serving it."
            )
            return
        self.stdout.write(
            f"The backup is older than this code: applying {len(plan)} "
            f"migration(s) ({names})."
        )
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Migrated.")
