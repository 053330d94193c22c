"""Generate published data at scale, for load tests and benchmarks.

    python manage.py generate_data --exchanges 1000000 --institutions 100000

Institutions, agreements with their parties, and exchanges with their
partners and fields of education, dated around today, with names in English,
Chinese, Dutch and French made from ``cooperation/data/generated_data.json``.

How it is fast:

- Set-based SQL only: ``INSERT ... SELECT`` from ``generate_series``. Every
  choice is deterministic arithmetic on the row's series number and the seed
  (``hashint8extended``), so any statement on any connection makes the same
  rows, and rows refer to each other by arithmetic: ids are reserved in
  blocks first, institution n has id ``first_institution + n - 1``.
- What costs is what PostgreSQL computes on each insert (the stored search
  vectors above all): the rows go in in chunks over ``--jobs`` connections at
  once, one per core. An exchange's partners and fields are inserted just
  before it, in the same transaction.
- The exchange insert computes the columns the triggers of migrations 0009
  and 0010 keep (set-based, a tenth of their cost) and skips the triggers
  (``session_replication_role``, superusers only; otherwise they run).
- The indexes of the models' ``Meta.indexes`` (full-text, trigram, sort
  orders) and the foreign keys of the loaded tables are dropped for the load
  and made again from their own definitions (``pg_get_indexdef``,
  ``pg_get_constraintdef``): building an index or checking a key once costs
  far less than row by row, and the schema ends as it was. A run that was
  interrupted leaves them dropped; the next one makes them again first.
- No change history (django-simple-history) is written.

Generated records are marked: ``is_sample`` and a slug starting with
``gen-``. A run first deletes what earlier runs generated, and nothing else.
"""

import datetime
import json
import math
import queue
import string
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend
from django.utils import timezone
from django.utils.text import slugify

from cooperation.caching import public_data_changed
from cooperation.models import Agreement, AgreementParty, Exchange, Institution

DATA = Path(__file__).resolve().parents[2] / "data" / "generated_data.json"

#: Generated records have ``is_sample`` and a slug starting with this.
SLUG_PREFIX = "gen-"
#: The record tables loaded; their ``Meta.indexes`` are rebuilt after the load.
MODELS = (Institution, Agreement, Exchange)
#: All the tables loaded; their foreign keys are checked after the load.
LOADED = (
    Institution,
    Agreement,
    AgreementParty,
    Agreement.fields.through,
    Exchange,
    Exchange.partners.through,
    Exchange.fields.through,
)
#: The tables whose rows are deleted with the records they belong to (as
#: Django's cascades do); the only ones a fast clear may empty.
CHILDREN = {
    "cooperation_agreement_fields",
    "cooperation_agreementdocument",
    "cooperation_agreementexchangekind",
    "cooperation_agreementparty",
    "cooperation_agreementreminder",
    "cooperation_exchange_fields",
    "cooperation_exchange_partners",
    "cooperation_interest",
    "cooperation_user_institutions",
}
#: How Django's migrations name foreign keys.
FK_SUFFIX = "_fk_%(to_table)s_%(to_column)s"
#: The triggers of the exchange tables (migrations 0009 and 0010) whose work
#: the exchange insert does itself (``insert_exchange_rows``), so that it can
#: skip them. With any other trigger there, it lets them all run.
KNOWN_TRIGGERS = {
    "cooperation_exchange": {"cooperation_exchange_names"},
    "cooperation_exchange_partners": {
        "cooperation_partners_added",
        "cooperation_partners_removed",
    },
    "cooperation_exchange_fields": {
        "cooperation_fields_added",
        "cooperation_fields_removed",
    },
}
#: Exchanges per statement and transaction (institutions, agreements: half).
CHUNK = 50_000
#: The alias of the database given with --database-url.
URL_ALIAS = "generate_data"
INT8_MAX = 9223372036854775807

# For every task: JIT compilation costs more than it saves on these one-off
# statements; a commit lost in a crash costs nothing (run again); index
# builds want memory. (session_replication_role: set by the exchange inserts.)
SETTINGS = {
    "jit": "off",
    "synchronous_commit": "off",
    "work_mem": "64MB",
    "maintenance_work_mem": "1GB",
    "session_replication_role": None,
}

# Every foreign key of the schema is deferred by default (Django's): this
# checks those pending and defers again.
CHECK_CONSTRAINTS = "SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED"

DROP_TEMPORARY_TABLES = """
DROP TABLE IF EXISTS gen_city, gen_city_pick, gen_subject, gen_type, gen_type_pick,
    gen_xkind, gen_xkind_pick, gen_akind, gen_akind_pick, gen_text, gen_inst,
    gen_agreement, gen_exchange
"""

TABLES = [model._meta.db_table for model in LOADED]


class Command(BaseCommand):
    help = (
        "Generate realistic, published data for load tests and benchmarks: "
        "institutions, agreements with their parties, exchanges with partners "
        "and fields of education, in English, Chinese, Dutch and French. "
        "Generated records are sample data with slugs starting with 'gen-': a "
        "run replaces what earlier runs generated and never touches other "
        "records. No change history is written for them. While it runs, the "
        "search and sort indexes and the foreign keys of institutions, "
        "agreements and exchanges are dropped (then made again): not for a "
        "database in use. If interrupted, run it again. Sizes of 0 delete the "
        "generated data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--exchanges", type=int, required=True, help="Number of exchanges."
        )
        parser.add_argument(
            "--institutions", type=int, required=True, help="Number of institutions."
        )
        parser.add_argument(
            "--agreements",
            type=int,
            help="Number of agreements (default: a tenth of the exchanges).",
        )
        parser.add_argument(
            "--database-url",
            help="Fill this database (migrated first if needed) instead of the "
            "configured one.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Same seed, same data (default 1)."
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=2,
            help="Database connections at work at once (default 2, one per core). "
            "Inside a transaction everything runs on its connection.",
        )

    def handle(self, *args, **options):
        sizes = {
            "institutions": options["institutions"],
            "agreements": options["agreements"],
            "exchanges": options["exchanges"],
        }
        if sizes["agreements"] is None:
            sizes["agreements"] = sizes["exchanges"] // 10
        if min(sizes.values()) < 0:
            raise CommandError("Sizes cannot be negative.")
        if sizes["institutions"] < 2 and (sizes["exchanges"] or sizes["agreements"]):
            raise CommandError(
                "Exchanges and agreements need at least 2 institutions (a host "
                "and a partner, two parties)."
            )
        if options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1.")
        verbose = options["verbosity"] > 0
        url = options["database_url"]
        with database(url) as alias:
            self.migrate(alias, allowed=bool(url), verbose=verbose)
            started = time.perf_counter()
            counts = Generator(
                alias=alias,
                **sizes,
                seed=options["seed"],
                today=timezone.localdate(),
                jobs=options["jobs"],
                progress=Progress(self.stderr, enabled=verbose),
            ).run()
        if verbose:
            self.stdout.write(
                f"Generated {counts['institutions']:,} institutions, "
                f"{counts['agreements']:,} agreements ({counts['parties']:,} "
                f"parties), {counts['exchanges']:,} exchanges "
                f"({counts['partners']:,} partner links, {counts['fields']:,} "
                f"fields) in {time.perf_counter() - started:.1f} s; replaced "
                f"{counts['deleted']:,} generated before."
            )

    def migrate(self, alias: str, *, allowed: bool, verbose: bool) -> None:
        """Migrate the database if ``allowed`` and needed, else insist it is."""
        executor = MigrationExecutor(connections[alias])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            return
        if not allowed:
            raise CommandError("The database has unapplied migrations: migrate first.")
        if verbose:
            self.stderr.write(f"Applying {len(plan)} migrations first.")
        call_command("migrate", database=alias, verbosity=0, interactive=False)


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """The connection alias of the database at ``url`` (``URL_ALIAS``, for
    the command's duration), or the default one."""
    if not url:
        yield DEFAULT_DB_ALIAS
        return
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("--database-url must point at a PostgreSQL database.")
    # With the defaults Django gives every configured database.
    config = connections.configure_settings({DEFAULT_DB_ALIAS: {}, URL_ALIAS: config})[
        URL_ALIAS
    ]
    # Added as a connection, not to the settings: nothing else sees it.
    connection = load_backend(config["ENGINE"]).DatabaseWrapper(config, URL_ALIAS)
    connections[URL_ALIAS] = connection
    try:
        yield URL_ALIAS
    finally:
        connection.close()
        del connections[URL_ALIAS]


# --- SQL building blocks ----------------------------------------------------------


def rand(key: str, salt: int) -> str:
    """SQL: a pseudo-random non-negative bigint from the integer expression
    ``key`` (a series number), the seed and ``salt`` (one per attribute, so
    that the attributes are independent)."""
    return (
        f"(hashint8extended(({key})::int8, %(seed)s::int8 * 1000 + {salt})"
        f" & {INT8_MAX})"
    )


def pick(key: str, salt: int, n: int) -> str:
    """SQL: a pseudo-random integer from 0 to ``n`` - 1."""
    return f"mod({rand(key, salt)}, {max(int(n), 1)})::int"


def chance(key: str, salt: int, percent: int) -> str:
    """SQL: true ``percent`` times in a hundred."""
    return f"(mod({rand(key, salt)}, 100) < {int(percent)})"


def text(
    template: str, lang: str, city: str, subject: str, year="''", city2=None
) -> str:
    """SQL: the template (a table alias with columns zh, en, nl, fr) in
    language ``lang``, filled from the city and subject table aliases, the
    year (an SQL expression) and the second city (agreements)."""
    subject_name = f"{subject}.cap" if lang == "en" else f"{subject}.{lang}"
    of_city = f"{city}.of_fr" if lang == "fr" else f"{city}.{lang}"
    of_subject = f"{subject}.of_fr" if lang == "fr" else f"{subject}.{lang}"
    return (
        f"format({template}.{lang}, {city}.{lang}, {subject}.{lang}, "
        f"{subject_name}, {of_city}, {of_subject}, {year}, {city2 or city}.{lang})"
    )


PLACEHOLDERS = ("city", "subject", "Subject", "of_city", "of_subject", "year", "city2")


def format_template(template: str) -> str:
    """A template of the data file as a ``format()`` string (see ``text``)."""
    template = template.replace("%", "%%")
    for number, name in enumerate(PLACEHOLDERS, 1):
        template = template.replace("{" + name + "}", f"%{number}$s")
    return template


def french_of(name: str, *, mute_h: bool) -> str:
    """ "de Lyon", "d'Anvers"; with ``mute_h`` "d'hôtellerie"."""
    vowels = "AEIOUYÉÈÊÎÔÜ" + ("H" if mute_h else "")
    return ("d'" if name[:1].upper() in vowels else "de ") + name


def slug_number(key: str, total: int) -> str:
    """SQL: "gen-" and the series number, zero-padded to one width, so that
    the slugs of a chunk follow each other in the slug indexes (unpadded,
    gen-12345 sorts between gen-1234 and gen-1235: every chunk would write
    all over them)."""
    width = max(7, len(str(total)))
    return f"'{SLUG_PREFIX}' || lpad(({key})::text, {width}, '0')"


def generated(alias: str) -> str:
    """SQL: the condition that a row (of the table aliased ``alias``) was
    generated; needs the parameter ``generated``."""
    return f"({alias}.is_sample AND {alias}.slug LIKE %(generated)s)"


def buckets(weights: list[int]) -> list[tuple[int, int]]:
    """(bucket, index) rows: index i fills ``weights[i]`` buckets, so that a
    uniformly drawn bucket picks i with its weight."""
    rows: list[tuple[int, int]] = []
    for index, weight in enumerate(weights):
        rows.extend((len(rows), index) for _ in range(weight))
    return rows


def chunks(total: int, size: int, jobs: int) -> list[tuple[int, int]]:
    """Ranges (lo, hi) covering 1 to ``total``, at least one per job."""
    if total <= 0:
        return []
    count = min(total, max(jobs, math.ceil(total / size)))
    bounds = [round(total * k / count) for k in range(count + 1)]
    return [(bounds[k] + 1, bounds[k + 1]) for k in range(count)]


class NameParts:
    """The data file as the rows of the temporary tables made from it."""

    def __init__(self, data: dict):
        cities = data["cities"]["rows"]
        subjects = data["subjects"]["rows"]
        types = data["institution_types"]["rows"]
        subject_index = {row[2]: i for i, row in enumerate(subjects)}
        self.subjects = len(subjects)
        self.tables = {
            "gen_city": (
                "i int, country text, zh text, en text, nl text, fr text, "
                "of_fr text, region text, latitude float8, longitude float8, "
                "official text, speaks_nl bool, speaks_fr bool, slug text",
                [city_row(i, *row) for i, row in enumerate(cities)],
            ),
            "gen_city_pick": ("b int, city_i int", buckets(city_weights(data))),
            "gen_subject": (
                "i int, code text, zh text, en text, nl text, fr text, cap text, "
                "of_fr text, slug text, field_id bigint",
                [
                    (i, code, zh, en, nl, fr, string.capwords(en))
                    + (french_of(fr, mute_h=True), slugify(en), None)
                    for i, (code, zh, en, nl, fr) in enumerate(subjects)
                ],
            ),
            "gen_type": (
                "i int, kind text, level text, slug text, subject_i int, "
                "named_subject bool, zh text, en text, nl text, fr text",
                [
                    (i, kind, level, slug)
                    + (None if subject is None else subject_index[subject],)
                    + ("{Subject}" in en or "{subject}" in en,)
                    + tuple(format_template(t) for t in (zh, en, nl, fr))
                    for i, (_, kind, level, slug, subject, zh, en, nl, fr) in (
                        enumerate(types)
                    )
                ],
            ),
            "gen_type_pick": ("b int, type_i int", buckets([row[0] for row in types])),
            "gen_text": (
                "name text, zh text, en text, nl text, fr text",
                [
                    (name, *(format_template(t) for t in data[name]))
                    for name in (
                        "institution_description",
                        "exchange_summary",
                        "exchange_description",
                        "exchange_eligibility",
                        "exchange_how_to_apply",
                        "exchange_outcomes",
                        "agreement_summary",
                    )
                ],
            ),
        }
        for name, table in (
            ("exchange_kinds", "gen_xkind"),
            ("agreement_kinds", "gen_akind"),
        ):
            rows = data[name]["rows"]
            self.tables[table] = (
                "i int, kind text, slug text, zh text, en text, nl text, fr text",
                [
                    (i, kind, slugify(kind).replace("_", "-"))
                    + tuple(format_template(t) for t in templates)
                    for i, (kind, _, *templates) in enumerate(rows)
                ],
            )
            self.tables[table + "_pick"] = (
                "b int, kind_i int",
                buckets([row[1] for row in rows]),
            )
        self.signatory_titles = data["signatory_titles"]

    def size(self, table: str) -> int:
        return len(self.tables[table][1])


def city_row(i, country, zh, en, nl, fr, region, lat, lon, _weight, languages):
    """A row of ``gen_city`` from one of the data file's."""
    spoken = languages.split()
    official = spoken[0] if spoken else ""
    of_fr = french_of(fr, mute_h=False)
    return (i, country, zh, en, nl, fr, of_fr, region, lat, lon, official) + (
        "nl" in spoken,
        "fr" in spoken,
        slugify(en),
    )


def city_weights(data: dict) -> list[int]:
    """Each city's share of 1,000: its country's weight shared by its own."""
    countries = data["country_weights"]
    cities = data["cities"]["rows"]
    totals: dict[str, int] = {}
    for row in cities:
        totals[row[0]] = totals.get(row[0], 0) + row[8]
    scale = 1000 / sum(countries.values())
    return [
        max(1, round(scale * countries[row[0]] * row[8] / totals[row[0]]))
        for row in cities
    ]


# --- Running statements -----------------------------------------------------------


class Runner:
    """Runs tasks (functions of a cursor), each in a transaction of its own:
    on Django's connection one after the other when it is inside a
    transaction (a test) or with one job, else at once on ``jobs``
    connections of their own. ``prepare`` runs on each connection first."""

    def __init__(self, alias: str, jobs: int, prepare: Callable):
        self.alias = alias
        self.main = connections[alias]
        self.single = self.main.in_atomic_block or jobs == 1
        self.jobs = 1 if self.single else jobs
        self.prepare = prepare
        self.idle: queue.LifoQueue = queue.LifoQueue()
        self.opened: list = []
        self.lock = threading.Lock()

    def run(self, tasks: list[Callable], on_done: Callable) -> None:
        if self.single:
            for task in tasks:
                with transaction.atomic(using=self.alias), self.main.cursor() as cursor:
                    # SET LOCAL outlasts the savepoint, up to the end of the
                    # enclosing transaction: put the settings back after.
                    cursor.execute(
                        "SELECT "
                        + ", ".join(f"current_setting('{name}')" for name in SETTINGS)
                    )
                    saved = dict(zip(SETTINGS, cursor.fetchone(), strict=True))
                    configure(cursor, SETTINGS)
                    task(cursor)
                    configure(cursor, saved)
                    # Check the deferred foreign keys now, not at the end of
                    # the enclosing transaction: CREATE INDEX refuses a table
                    # with checks pending.
                    cursor.execute(CHECK_CONSTRAINTS, {})
                on_done()
            return
        pool = ThreadPoolExecutor(self.jobs)
        futures = [pool.submit(self.run_one, task) for task in tasks]
        try:
            for future in as_completed(futures):
                future.result()
                on_done()
        finally:
            # On an error or Ctrl-C, wait only for the tasks already running.
            pool.shutdown(cancel_futures=True)

    def run_one(self, task: Callable) -> None:
        connection = self.connection()
        try:
            with connection.cursor() as cursor:
                configure(cursor, SETTINGS)
                task(cursor)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            self.idle.put(connection)

    def run_in_autocommit(self, statements: list[str]) -> None:
        """Run statements that refuse a transaction (VACUUM) at once."""
        if self.single:
            raise RuntimeError("VACUUM cannot run inside a transaction.")

        def run(sql: str) -> None:
            connection = self.connection()
            try:
                connection.autocommit = True
                with connection.cursor() as cursor:
                    cursor.execute(sql)
            finally:
                connection.autocommit = False
                self.idle.put(connection)

        with ThreadPoolExecutor(self.jobs) as pool:
            list(pool.map(run, statements))

    def connection(self):
        """An idle connection of our own, opened and prepared when needed."""
        with self.lock:
            if self.idle.empty() and len(self.opened) < self.jobs:
                # A plain DB-API connection: Django's are bound to a thread.
                wrapper = type(self.main)(self.main.settings_dict, self.alias)
                connection = wrapper.get_new_connection(wrapper.get_connection_params())
                self.opened.append(connection)
            else:
                connection = None
        if connection is None:
            return self.idle.get()
        with connection.cursor() as cursor:
            self.prepare(cursor)
        connection.commit()
        return connection

    def close(self) -> None:
        for connection in self.opened:
            connection.close()
        self.opened.clear()


# --- The generator ----------------------------------------------------------------


class Generator:
    """Deletes what earlier runs generated and generates anew (queries)."""

    def __init__(
        self,
        *,
        alias: str,
        institutions: int,
        agreements: int,
        exchanges: int,
        seed: int,
        today: datetime.date,
        jobs: int,
        progress: "Progress",
    ):
        self.alias = alias
        self.institutions = institutions
        self.agreements = agreements
        self.exchanges = exchanges
        self.progress = progress
        self.parts = NameParts(json.loads(DATA.read_text()))
        self.runner = Runner(alias, jobs, self.create_temporary_tables)
        self.counts = dict.fromkeys(
            ("institutions", "agreements", "parties", "exchanges", "partners"), 0
        )
        self.counts.update(fields=0, deleted=0)
        self.lock = threading.Lock()
        # How many generated institutions are in China: set with gen_inst.
        self.chinese = 0
        self.skip_triggers = False
        self.params: dict = {
            "seed": seed,
            "today": today,
            "generated": SLUG_PREFIX + "%",
            "institutions": institutions,
            "agreements": agreements,
            "signatory_titles": self.parts.signatory_titles,
        }

    def run(self) -> dict[str, int]:
        """Generate; return the numbers of rows deleted and made."""
        main = connections[self.alias]
        with main.cursor() as cursor:
            self.skip_triggers = self.may_skip_triggers(cursor)
        try:
            if self.runner.single:
                with transaction.atomic(using=self.alias), main.cursor() as cursor:
                    # The caller's pending checks would stop DROP INDEX.
                    cursor.execute(CHECK_CONSTRAINTS)
                    self.create_temporary_tables(cursor)
            self.restore_missing_schema()
            self.phase("clear", [self.clear])
            indexes, keys = self.drop_indexes(), []
            try:
                keys = self.drop_foreign_keys()
                self.reserve_ids()
                self.load()
            finally:
                self.phase("indexes", [sql_task(sql) for sql in indexes])
                self.phase("constraints", [sql_task(sql) for sql in keys])
            self.analyze()
            # What the site keeps cached of the public data is now stale.
            public_data_changed()
        finally:
            self.runner.close()
            if self.runner.single:
                with main.cursor() as cursor:
                    cursor.execute(DROP_TEMPORARY_TABLES)
        return self.counts

    def may_skip_triggers(self, cursor) -> bool:
        """Whether the exchange inserts may skip the triggers (their work
        done in ``insert_exchange_rows``): only when they are the known
        ones, and for a superuser (session_replication_role)."""
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger AS t "
            "JOIN pg_class AS c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relname = ANY(%s) "
            "AND c.relnamespace = current_schema()::regnamespace",
            [list(KNOWN_TRIGGERS)],
        )
        found: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return cursor.fetchone()[0] and all(
            names <= KNOWN_TRIGGERS[table] for table, names in found.items()
        )

    def phase(self, name: str, tasks: list[Callable]) -> None:
        self.progress.start(name, len(tasks))
        try:
            self.runner.run(tasks, on_done=self.progress.advance)
        finally:
            self.progress.finish()

    def add(self, name: str, number: int) -> None:
        with self.lock:
            self.counts[name] += number

    # --- around the load -------------------------------------------------------

    def restore_missing_schema(self) -> None:
        """Make again, as the migrations made them, the ``Meta.indexes`` and
        foreign keys that an interrupted run left dropped."""
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            )
            indexes = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE contype = 'f' "
                "AND connamespace = current_schema()::regnamespace"
            )
            keys = {row[0] for row in cursor.fetchall()}
        with connection.schema_editor() as editor:
            for model in MODELS:
                for index in model._meta.indexes:
                    if index.name not in indexes:
                        editor.add_index(model, index)
            for model in LOADED:
                for field in model._meta.local_fields:
                    if field.remote_field and field.db_constraint:
                        # Django has no public API for this one.
                        statement = editor._create_fk_sql(model, field, FK_SUFFIX)
                        if str(statement.parts["name"]).strip('"') not in keys:
                            editor.execute(statement)

    def clear(self, cursor) -> None:
        """Delete the generated records and the rows that depend on them, as
        Django's cascades would. A record not generated that refers to a
        generated one (as host, partner, party...) makes it fail and delete
        nothing."""
        if self.clear_all(cursor):
            return
        params = self.params
        cursor.execute(
            f"""
            WITH gone AS (
                DELETE FROM cooperation_exchange AS e WHERE {generated("e")}
                RETURNING e.id
            ), fields AS (
                DELETE FROM cooperation_exchange_fields
                WHERE exchange_id IN (SELECT id FROM gone)
            ), interests AS (
                DELETE FROM cooperation_interest
                WHERE exchange_id IN (SELECT id FROM gone)
            ), partners AS (
                -- In the statement that deletes the exchanges: the trigger
                -- that updates an exchange whose partners change finds none.
                DELETE FROM cooperation_exchange_partners
                WHERE exchange_id IN (SELECT id FROM gone)
            )
            SELECT count(*) FROM gone
            """,
            params,
        )
        deleted = cursor.fetchone()[0]
        agreements = (
            f"SELECT a.id FROM cooperation_agreement AS a WHERE {generated('a')}"
        )
        for table in (
            "cooperation_agreement_fields",
            "cooperation_agreementparty",
            "cooperation_agreementexchangekind",
            "cooperation_agreementreminder",
            "cooperation_agreementdocument",
        ):
            cursor.execute(
                f"DELETE FROM {table} WHERE agreement_id IN ({agreements})", params
            )
        cursor.execute(
            f"DELETE FROM cooperation_agreement AS a WHERE {generated('a')}", params
        )
        deleted += cursor.rowcount
        cursor.execute(
            f"""
            DELETE FROM cooperation_user_institutions WHERE institution_id IN (
                SELECT i.id FROM cooperation_institution AS i WHERE {generated("i")}
            )
            """,
            params,
        )
        cursor.execute(
            f"DELETE FROM cooperation_institution AS i WHERE {generated('i')}", params
        )
        deleted += cursor.rowcount
        try:
            # The foreign keys are deferred: check them now, to say why.
            cursor.execute(CHECK_CONSTRAINTS, {})
        except (DatabaseError, self.runner.main.Database.Error) as error:
            # Django's on its connection, the driver's on one of our own.
            raise CommandError(
                "Records that were not generated refer to generated ones; "
                f"nothing was deleted. {error}"
            ) from error
        self.add("deleted", deleted)

    def clear_all(self, cursor) -> bool:
        """When every record is generated, empty the tables at once (and
        return True): deleting a million rows one by one, each checked
        against the rows that could refer to it, takes minutes."""
        records = [model._meta.db_table for model in MODELS]
        cursor.execute(
            " UNION ALL ".join(
                f"(SELECT count(*) FILTER (WHERE {generated('r')}), "
                f"bool_or(NOT {generated('r')}) FROM {table} AS r)"
                for table in records
            ),
            self.params,
        )
        rows = cursor.fetchall()
        if any(others for _count, others in rows):
            return False
        # The tables that refer to the records, to the tables that refer to
        # them, and so on: all must be known children.
        tables, found = set(records), set(records)
        while found:
            cursor.execute(
                "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint "
                "WHERE contype = 'f' AND confrelid = ANY(%s::regclass[])",
                [sorted(found)],
            )
            found = {row[0] for row in cursor.fetchall()} - tables
            tables |= found
        if not tables - set(records) <= CHILDREN:
            return False
        cursor.execute(f"TRUNCATE {', '.join(sorted(tables))}")
        self.add("deleted", sum(count for count, _others in rows))
        return True

    def drop_foreign_keys(self) -> list[str]:
        """Drop the foreign keys of the loaded tables; return the statements
        that make them again. One check of each key after the load costs a
        second; checking each row costs more, and two connections checking
        rows that refer to the same institution or field (each locks it)
        slow each other down tenfold."""
        connection = connections[self.alias]
        quote = connection.ops.quote_name
        with transaction.atomic(using=self.alias), connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) "
                "FROM pg_constraint AS k JOIN pg_class AS c ON c.oid = k.conrelid "
                "WHERE k.contype = 'f' AND c.relname = ANY(%s) "
                "AND c.relnamespace = current_schema()::regnamespace "
                "ORDER BY c.relname, k.conname",
                [TABLES],
            )
            found = cursor.fetchall()
            for table, name, _definition in found:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}"
                )
        return [
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
            for table, name, definition in found
        ]

    def drop_indexes(self) -> list[str]:
        """Drop the indexes of the models' ``Meta.indexes``; return their
        definitions, the largest table's first (they are made again in that
        order, at once over the jobs)."""
        largest_first = (Exchange, Institution, Agreement)
        names = [index.name for model in largest_first for index in model._meta.indexes]
        connection = connections[self.alias]
        with transaction.atomic(using=self.alias), connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() AND indexname = ANY(%s)",
                [names],
            )
            found = dict(cursor.fetchall())
            for name in found:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return [found[name] for name in names if name in found]

    def reserve_ids(self) -> None:
        """Take a block of ids from each record table's identity sequence.
        The table lock makes concurrent inserts wait: they would take ids
        inside the block."""
        connection = connections[self.alias]
        with transaction.atomic(using=self.alias), connection.cursor() as cursor:
            for model, size in (
                (Institution, self.institutions),
                (Agreement, self.agreements),
                (Exchange, self.exchanges),
            ):
                table = model._meta.db_table
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(
                    f"SELECT greatest(nextval({sequence}), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}))"
                )
                first = cursor.fetchone()[0]
                cursor.execute(
                    f"SELECT setval({sequence}, %s)", [first + max(size, 1) - 1]
                )
                self.params[f"first_{model._meta.model_name}"] = first

    def load(self) -> None:
        jobs = self.runner.jobs
        for name, insert, total, size in (
            ("institutions", self.insert_institutions, self.institutions, CHUNK // 2),
            ("agreements", self.insert_agreements, self.agreements, CHUNK // 2),
            ("exchanges", self.insert_exchanges, self.exchanges, CHUNK),
        ):
            tasks = [
                self.chunk_task(insert, name, lo, hi)
                for lo, hi in chunks(total, size, jobs)
            ]
            self.phase(name, tasks)

    def chunk_task(self, insert: Callable, name: str, lo: int, hi: int) -> Callable:
        def task(cursor) -> None:
            self.add(name, insert(cursor, {**self.params, "lo": lo, "hi": hi}))

        return task

    def analyze(self) -> None:
        """Statistics for the planner; outside a transaction VACUUM too, so
        that index-only scans need not visit the new rows' pages."""
        self.progress.start("analyze", len(TABLES))
        try:
            if self.runner.single:
                with connections[self.alias].cursor() as cursor:
                    cursor.execute(f"ANALYZE {', '.join(TABLES)}")
            else:
                self.runner.run_in_autocommit(
                    [f"VACUUM (ANALYZE) {table}" for table in TABLES]
                )
            self.progress.advance(len(TABLES))
        finally:
            self.progress.finish()

    # --- institutions ----------------------------------------------------------

    def insert_institutions(self, cursor, params: dict) -> int:
        """Institutions ``lo`` to ``hi`` of ``gen_inst``. Names in English and
        Chinese, in Dutch and French where these are spoken; the official
        name in the local language; "campus 2"... where a name repeats. Three
        in ten have a description."""
        n = "i.n"
        cursor.execute(
            f"""
            INSERT INTO cooperation_institution (
                id, slug, published, is_sample, created, updated,
                name, name_en, name_zh_hans, name_nl, name_fr,
                official_name, acronym, aliases, kind, level,
                country, region, city, address, latitude, longitude,
                website, email, erasmus_code, schac_code, pic, other_identifier,
                year_founded, description, description_en, description_zh_hans,
                description_nl, description_fr, logo, parent_id, successor_id)
            SELECT %(first_institution)s + i.n - 1,
                   {slug_number("i.n", self.institutions)} || '-' || c.slug
                       || '-' || t.slug,
                   true, true, now(), now(),
                   name.en, name.en, name.zh, name.nl, name.fr,
                   CASE c.official WHEN 'zh' THEN name.zh WHEN 'nl' THEN name.nl
                                   WHEN 'fr' THEN name.fr ELSE '' END,
                   '', '', t.kind, t.level,
                   c.country, c.region, c.en, '',
                   -- Within about 4 km of the city centre.
                   round((c.latitude + {pick(n, 4, 2001)} / 25e3 - 0.04)::numeric, 6),
                   round((c.longitude + {pick(n, 5, 2001)} / 25e3 - 0.04)::numeric, 6),
                   '', '', '', '', '', '',
                   CASE WHEN {chance(n, 6, 70)} THEN 1950 + {pick(n, 7, 71)} END,
                   coalesce(about.en, ''), about.en, about.zh, about.nl, about.fr,
                   '', NULL, NULL
            FROM gen_inst AS i
            JOIN gen_city AS c ON c.i = i.city_i
            JOIN gen_type AS t ON t.i = i.type_i
            JOIN gen_subject AS s ON s.i = i.subject_i
            JOIN gen_text AS d ON d.name = 'institution_description'
            CROSS JOIN LATERAL (
                SELECT c.speaks_nl AS nl, c.speaks_fr AS fr,
                       CASE WHEN i.campus > 1 THEN ', campus ' || i.campus ELSE '' END
                           AS campus,
                       {chance(n, 8, 30)} AS described
            ) AS x
            CROSS JOIN LATERAL (
                SELECT {text("t", "en", "c", "s")} || x.campus AS en,
                       {text("t", "zh", "c", "s")}
                           || CASE WHEN i.campus > 1 THEN '第' || i.campus || '校区'
                                   ELSE '' END AS zh,
                       CASE WHEN x.nl THEN {text("t", "nl", "c", "s")} || x.campus
                       END AS nl,
                       CASE WHEN x.fr THEN {text("t", "fr", "c", "s")} || x.campus
                       END AS fr
            ) AS name
            CROSS JOIN LATERAL (
                SELECT CASE WHEN x.described THEN {text("d", "en", "c", "s")} END AS en,
                       CASE WHEN x.described AND {chance(n, 9, 20)}
                            THEN {text("d", "zh", "c", "s")} END AS zh,
                       CASE WHEN x.described AND x.nl
                            THEN {text("d", "nl", "c", "s")} END AS nl,
                       CASE WHEN x.described AND x.fr
                            THEN {text("d", "fr", "c", "s")} END AS fr
            ) AS about
            WHERE i.n BETWEEN %(lo)s AND %(hi)s
            """,
            params,
        )
        return cursor.rowcount

    # --- agreements ------------------------------------------------------------

    def insert_agreements(self, cursor, params: dict) -> int:
        """Agreements ``lo`` to ``hi`` of ``gen_agreement``, with their parties
        and fields of education. Signed and terminated ones are published;
        drafts and those in negotiation are not (they cannot be public)."""
        a = "a.a"
        cursor.execute(
            f"""
            INSERT INTO cooperation_agreement (
                id, slug, published, is_sample, created, updated, kind,
                title, title_en, title_zh_hans, title_nl, title_fr, reference,
                summary, summary_en, summary_zh_hans, summary_nl, summary_fr,
                internal_notes, status, signed_on, signed_at, signing_mode,
                valid_from, expires_on, renews_automatically, notice_period_days,
                lineage, predecessor_id, responsible_id)
            SELECT %(first_agreement)s + a.a - 1,
                   {slug_number("a.a", self.agreements)} || '-' || k.slug
                       || '-' || c.slug || '-' || c2.slug,
                   a.signed_on IS NOT NULL, true, now(), now(), k.kind,
                   title.en, title.en, title.zh, title.nl, title.fr,
                   CASE WHEN a.signed_on IS NOT NULL
                        THEN 'GEN-' || extract(year FROM a.signed_on) || '-'
                             || lpad(a.a::text, 7, '0')
                        ELSE '' END,
                   summary.en, summary.en, summary.zh, NULL, NULL,
                   '', a.status, a.signed_on,
                   CASE WHEN a.signed_on IS NULL THEN ''
                        WHEN {chance(a, 30, 50)} THEN c.en ELSE c2.en END,
                   CASE WHEN a.signed_on IS NULL THEN ''
                        WHEN {chance(a, 31, 70)} THEN 'in_person'
                        WHEN {chance(a, 32, 65)} THEN 'online' ELSE 'hybrid' END,
                   a.valid_from, a.expires_on, a.renews,
                   CASE WHEN a.renews THEN 90 * (1 + {pick(a, 33, 2)}) END,
                   '', NULL, NULL
            FROM gen_agreement AS a
            JOIN gen_akind AS k ON k.i = a.kind_i
            JOIN gen_inst AS p0 ON p0.n = a.party0_n
            JOIN gen_inst AS p1 ON p1.n = a.party1_n
            JOIN gen_city AS c ON c.i = p0.city_i
            JOIN gen_city AS c2 ON c2.i = p1.city_i
            JOIN gen_subject AS s ON s.i = a.subject_i
            JOIN gen_text AS d ON d.name = 'agreement_summary'
            CROSS JOIN LATERAL (
                SELECT {text("k", "en", "c", "s", city2="c2")} AS en,
                       {text("k", "zh", "c", "s", city2="c2")} AS zh,
                       CASE WHEN c.speaks_nl OR c2.speaks_nl
                            THEN {text("k", "nl", "c", "s", city2="c2")} END AS nl,
                       CASE WHEN c.speaks_fr OR c2.speaks_fr
                            THEN {text("k", "fr", "c", "s", city2="c2")} END AS fr
            ) AS title
            CROSS JOIN LATERAL (
                SELECT CASE WHEN {chance(a, 34, 50)} THEN {text("d", "en", "c", "s")}
                            ELSE '' END AS en,
                       CASE WHEN {chance(a, 35, 20)} THEN {text("d", "zh", "c", "s")}
                       END AS zh
            ) AS summary
            WHERE a.a BETWEEN %(lo)s AND %(hi)s
            """,
            params,
        )
        inserted = cursor.rowcount
        title = pick("a.a * 4 + p.position", 36, len(self.parts.signatory_titles))
        cursor.execute(
            f"""
            INSERT INTO cooperation_agreementparty (
                agreement_id, institution_id, role, signatory_name,
                signatory_title, position)
            SELECT %(first_agreement)s + a.a - 1, %(first_institution)s + p.n - 1,
                   CASE WHEN p.position < 2 THEN 'signatory'
                        WHEN p.position = 2 THEN 'partner' ELSE 'witness' END,
                   '',
                   (%(signatory_titles)s::text[])[1 + {title}],
                   p.position
            FROM gen_agreement AS a
            CROSS JOIN LATERAL (
                VALUES (0, a.party0_n), (1, a.party1_n), (2, a.party2_n),
                       (3, a.party3_n)
            ) AS p (position, n)
            WHERE a.a BETWEEN %(lo)s AND %(hi)s AND p.position < a.parties
            -- A third or fourth party may be one of the first two.
            ON CONFLICT (agreement_id, institution_id) DO NOTHING
            """,
            params,
        )
        self.add("parties", cursor.rowcount)
        cursor.execute(
            f"""
            INSERT INTO cooperation_agreement_fields (agreement_id, fieldofeducation_id)
            SELECT %(first_agreement)s + a.a - 1, s.field_id
            FROM gen_agreement AS a JOIN gen_subject AS s ON s.i = a.subject_i
            WHERE a.a BETWEEN %(lo)s AND %(hi)s AND {chance(a, 37, 70)}
            """,
            params,
        )
        return inserted

    # --- exchanges -------------------------------------------------------------

    def insert_exchanges(self, cursor, params: dict) -> int:
        """Exchanges ``lo`` to ``hi``: what each is made of (``plan_exchanges``),
        then its partners and fields of education, then the exchange. In
        this order, in one transaction (the foreign keys are deferred): what
        the exchange's insert derives from its partners and fields (stored
        columns kept by triggers) is then derived once; inserted after it,
        they would make the triggers rewrite every exchange."""
        if self.skip_triggers:
            # Their work is done by the inserts below, set-based: a tenth of
            # the time of running them row by row.
            cursor.execute("SET LOCAL session_replication_role = replica", {})
        cursor.execute("DROP TABLE IF EXISTS gen_exchange", {})
        cursor.execute(self.plan_exchanges(), params)
        cursor.execute(
            """
            INSERT INTO cooperation_exchange_partners (exchange_id, institution_id)
            SELECT %(first_exchange)s + e.g - 1, %(first_institution)s + p.n - 1
            FROM gen_exchange AS e
            CROSS JOIN LATERAL (VALUES (e.partner1_n), (e.partner2_n)) AS p (n)
            WHERE p.n IS NOT NULL
            """,
            params,
        )
        self.add("partners", cursor.rowcount)
        cursor.execute(
            """
            INSERT INTO cooperation_exchange_fields (exchange_id, fieldofeducation_id)
            SELECT %(first_exchange)s + e.g - 1, s.field_id
            FROM gen_exchange AS e
            CROSS JOIN LATERAL (VALUES (e.subject_i), (e.subject2_i)) AS f (i)
            JOIN gen_subject AS s ON s.i = f.i
            -- The second field may be the first.
            ON CONFLICT (exchange_id, fieldofeducation_id) DO NOTHING
            """,
            params,
        )
        self.add("fields", cursor.rowcount)
        return self.insert_exchange_rows(cursor, params)

    def plan_exchanges(self) -> str:
        """SQL making the temporary table ``gen_exchange``: for each exchange
        ``g`` from ``lo`` to ``hi`` its host, agreement, partners (institution
        n, agreement a), kind, subjects and dates (days from today).

        Three in ten carry out a signed agreement: one party hosts, the other
        is the partner. The others have a host drawn with a bias (some
        institutions host many exchanges) and no partner (35 %), one from
        the other side (50 %: a host in China has a partner abroad and the
        other way round) or two (15 %). Dates run from three years ago to a
        year and a half ahead; exchanges 1 to 5 are completed, running, open
        for applications, planned and cancelled, so that every state occurs."""
        g = "b.g"
        total, chinese = self.institutions, self.chinese
        abroad = total - chinese
        if chinese and abroad:
            other_side = (
                f"CASE WHEN h.abroad THEN {pick(g, 46, chinese)}"
                f" ELSE {chinese} + {pick(g, 46, abroad)} END"
            )
        else:
            other_side = f"mod(h.pos + 1 + {pick(g, 46, total - 1)}, {total})"
        agreement = (
            f"CASE WHEN {chance('g', 40, 30)}"
            f" THEN 1 + {pick('g', 41, self.agreements)} END"
            if self.agreements
            else "NULL::int"
        )
        subjects = self.parts.subjects
        kinds = self.parts.size("gen_xkind_pick")
        return f"""
        CREATE TEMPORARY TABLE gen_exchange AS
        WITH base AS (
            SELECT g, {agreement} AS a,
                   1 + floor({total} * power({pick("g", 42, 1_000_000)} / 1e6, 2))::int
                       AS host_n,
                   {pick("g", 43, 2)} AS host_party,
                   {pick("g", 44, 100)} AS partners_roll,
                   CASE g WHEN 1 THEN -200 WHEN 2 THEN -20 WHEN 3 THEN 120
                          WHEN 4 THEN 10 WHEN 5 THEN 60
                          ELSE {pick("g", 50, 1600)} - 1100 END AS start_day,
                   {pick("g", 51, 100)} AS length_roll
            FROM generate_series(%(lo)s::int, %(hi)s::int) AS g
        ), hosted AS (
            SELECT b.g, b.partners_roll, b.start_day, b.length_roll, ag.a,
                   CASE WHEN ag.a IS NULL THEN b.host_n
                        WHEN b.host_party = 0 THEN ag.party0_n ELSE ag.party1_n END
                       AS host_n,
                   CASE WHEN b.host_party = 0 THEN ag.party1_n ELSE ag.party0_n END
                       AS party_partner_n
            FROM base AS b
            LEFT JOIN gen_agreement AS ag
                   ON ag.a = b.a AND ag.status IN ('signed', 'terminated')
        )
        SELECT b.g, b.a, b.host_n, h.city_i, partner.first AS partner1_n,
               nullif(partner.second, partner.first) AS partner2_n,
               kp.kind_i,
               CASE WHEN {chance(g, 56, 60)} THEN h.subject_i
                    ELSE {pick(g, 57, subjects)} END AS subject_i,
               CASE WHEN {chance(g, 58, 30)} THEN {pick(g, 59, subjects)} END
                   AS subject2_i,
               b.start_day,
               CASE WHEN b.g <= 5 THEN 30
                    WHEN b.length_roll < 10 THEN NULL
                    WHEN b.length_roll < 60 THEN 1 + {pick(g, 52, 14)}
                    WHEN b.length_roll < 85 THEN 15 + {pick(g, 52, 46)}
                    ELSE 61 + {pick(g, 52, 120)} END AS length,
               CASE WHEN b.g = 3 THEN 30 WHEN b.g = 4 THEN NULL
                    WHEN {chance(g, 53, 70)} THEN 14 + {pick(g, 54, 90)} END
                   AS deadline_before,
               b.g = 5 OR (b.g > 5 AND {chance(g, 55, 2)}) AS cancelled
        FROM hosted AS b
        JOIN gen_inst AS h ON h.n = b.host_n
        JOIN gen_inst AS p1 ON p1.pos = {other_side}
        JOIN gen_inst AS p2
          ON p2.pos = mod(h.pos + 1 + {pick(g, 45, total - 1)}, {total})
        JOIN gen_xkind_pick AS kp ON kp.b = {pick(g, 47, kinds)}
        CROSS JOIN LATERAL (
            SELECT CASE WHEN b.a IS NOT NULL THEN b.party_partner_n
                        WHEN b.partners_roll >= 35 THEN p1.n END AS one,
                   CASE WHEN b.a IS NULL AND b.partners_roll >= 85 THEN p2.n END
                       AS other
        ) AS drawn
        -- Two partners in the order of their ids (the second none when the
        -- same): the order of the triggers' aggregate (see
        -- insert_exchange_rows).
        CROSS JOIN LATERAL (
            SELECT least(drawn.one, drawn.other) AS first,
                   greatest(drawn.one, drawn.other) AS second
        ) AS partner
        """

    def insert_exchange_rows(self, cursor, params: dict) -> int:
        """The exchanges of ``gen_exchange``: the one statement that lists the
        columns of the exchange table. Titles in English and Chinese, in
        Dutch or French where the host's city speaks them; summaries in
        English, some in Chinese, Dutch or French.

        The columns that the database's triggers keep (institution_names,
        institutions, countries, field_codes: migrations 0009 and 0010) are
        computed here as the triggers compute them, from the host and the
        partners and fields inserted just before, since the load skips the
        triggers (``skip_triggers``). A column a trigger comes to keep must
        be computed here too; tests/test_generate_data.py checks that both
        agree."""
        g = "e.g"
        cursor.execute(
            f"""
            INSERT INTO cooperation_exchange (
                id, slug, published, is_sample, created, updated, kind,
                title, title_en, title_zh_hans, title_nl, title_fr,
                summary, summary_en, summary_zh_hans, summary_nl, summary_fr,
                description, description_en, description_zh_hans,
                description_nl, description_fr,
                eligibility, eligibility_en, eligibility_zh_hans,
                eligibility_nl, eligibility_fr,
                how_to_apply, how_to_apply_en, how_to_apply_zh_hans,
                how_to_apply_nl, how_to_apply_fr,
                contact_email, external_url, starts_on, ends_on,
                application_deadline, mode, city, country, places, participants,
                outcomes, outcomes_en, outcomes_zh_hans, outcomes_nl, outcomes_fr,
                cancelled, agreement_id, host_id,
                institution_names, institutions, countries, field_codes)
            SELECT %(first_exchange)s + e.g - 1,
                   {slug_number("e.g", self.exchanges)} || '-' || s.slug
                       || '-' || c.slug,
                   true, true, now(), now(), k.kind,
                   title.en, title.en, title.zh, title.nl, title.fr,
                   summary.en, summary.en, summary.zh, summary.nl, summary.fr,
                   coalesce(about.en, ''), about.en, about.zh, about.nl, about.fr,
                   coalesce(who.en, ''), who.en, NULL, NULL, NULL,
                   coalesce(apply.en, ''), apply.en, apply.zh, NULL, NULL,
                   '', '', day.starts_on, day.ends_on, day.deadline,
                   CASE WHEN {chance(g, 60, 80)} THEN 'on_site'
                        WHEN {chance(g, 61, 40)} THEN 'online' ELSE 'hybrid' END,
                   '', '',
                   CASE WHEN {chance(g, 62, 70)} THEN 5 + {pick(g, 63, 36)} END,
                   CASE WHEN day.past AND NOT e.cancelled AND {chance(g, 64, 80)}
                        THEN 3 + {pick(g, 65, 40)} END,
                   coalesce(outcome.en, ''), outcome.en, outcome.zh, NULL, NULL,
                   e.cancelled, %(first_agreement)s + e.a - 1, h.id,
                   -- As cooperation_exchange_names_on_write(): the host's
                   -- names, then the (published) partners'. Their aggregate
                   -- has no order: the planner's, that of the partner
                   -- index (by institution) or of the table (as inserted,
                   -- here by institution too).
                   coalesce(h.names_vector, '') || coalesce(
                       p1.names_vector || coalesce(p2.names_vector, ''), ''
                   ),
                   ARRAY(
                       SELECT DISTINCT i FROM unnest(ARRAY[h.id, p1.id, p2.id]) AS i
                       WHERE i IS NOT NULL ORDER BY 1
                   ),
                   ARRAY(
                       SELECT DISTINCT x
                       FROM unnest(ARRAY[h.country, p1.country, p2.country]) AS x
                       WHERE x IS NOT NULL ORDER BY 1
                   ),
                   ARRAY(
                       SELECT DISTINCT left(code, n)
                       FROM unnest(ARRAY[s.code, s2.code]) AS code
                       CROSS JOIN (VALUES (2), (3), (4)) AS lengths (n)
                       WHERE code IS NOT NULL AND length(code) >= n ORDER BY 1
                   )
            FROM gen_exchange AS e
            JOIN cooperation_institution AS h
              ON h.id = %(first_institution)s + e.host_n - 1
            LEFT JOIN cooperation_institution AS p1
              ON p1.id = %(first_institution)s + e.partner1_n - 1
            LEFT JOIN cooperation_institution AS p2
              ON p2.id = %(first_institution)s + e.partner2_n - 1
             AND e.partner2_n <> e.partner1_n
            LEFT JOIN gen_subject AS s2 ON s2.i = e.subject2_i
            JOIN gen_city AS c ON c.i = e.city_i
            JOIN gen_subject AS s ON s.i = e.subject_i
            JOIN gen_xkind AS k ON k.i = e.kind_i
            JOIN gen_text AS ts ON ts.name = 'exchange_summary'
            JOIN gen_text AS td ON td.name = 'exchange_description'
            JOIN gen_text AS te ON te.name = 'exchange_eligibility'
            JOIN gen_text AS ta ON ta.name = 'exchange_how_to_apply'
            JOIN gen_text AS tr ON tr.name = 'exchange_outcomes'
            CROSS JOIN LATERAL (
                SELECT %(today)s::date + e.start_day AS starts_on,
                       %(today)s::date + e.start_day + e.length AS ends_on,
                       %(today)s::date + e.start_day - e.deadline_before AS deadline,
                       e.start_day + coalesce(e.length, 0) < 0 AS past,
                       e.start_day > 0 AS future,
                       extract(year FROM %(today)s::date + e.start_day)::text AS year
            ) AS day
            CROSS JOIN LATERAL (
                SELECT {text("k", "en", "c", "s", year="day.year")} AS en,
                       {text("k", "zh", "c", "s", year="day.year")} AS zh,
                       CASE WHEN c.speaks_nl
                            THEN {text("k", "nl", "c", "s", year="day.year")} END AS nl,
                       CASE WHEN c.speaks_fr
                            THEN {text("k", "fr", "c", "s", year="day.year")} END AS fr
            ) AS title
            CROSS JOIN LATERAL (
                SELECT {text("ts", "en", "c", "s")} AS en,
                       CASE WHEN {chance(g, 68, 10)}
                            THEN {text("ts", "zh", "c", "s")} END AS zh,
                       CASE WHEN c.speaks_nl AND {chance(g, 69, 30)}
                            THEN {text("ts", "nl", "c", "s")} END AS nl,
                       CASE WHEN c.speaks_fr AND {chance(g, 70, 30)}
                            THEN {text("ts", "fr", "c", "s")} END AS fr
            ) AS summary
            CROSS JOIN LATERAL (
                SELECT CASE WHEN {chance(g, 71, 50)}
                            THEN {text("td", "en", "c", "s")} END AS en,
                       CASE WHEN {chance(g, 72, 25)}
                            THEN {text("td", "zh", "c", "s")} END AS zh,
                       CASE WHEN c.speaks_nl AND {chance(g, 73, 30)}
                            THEN {text("td", "nl", "c", "s")} END AS nl,
                       CASE WHEN c.speaks_fr AND {chance(g, 74, 30)}
                            THEN {text("td", "fr", "c", "s")} END AS fr
            ) AS about
            CROSS JOIN LATERAL (
                SELECT CASE WHEN day.future AND {chance(g, 75, 60)}
                            THEN {text("te", "en", "c", "s")} END AS en
            ) AS who
            CROSS JOIN LATERAL (
                SELECT CASE WHEN day.future AND {chance(g, 76, 60)} THEN ta.en END
                           AS en,
                       CASE WHEN day.future AND {chance(g, 76, 30)} THEN ta.zh END
                           AS zh
            ) AS apply
            CROSS JOIN LATERAL (
                SELECT CASE WHEN day.past AND {chance(g, 77, 30)} THEN tr.en END
                           AS en,
                       CASE WHEN day.past AND {chance(g, 77, 15)} THEN tr.zh END
                           AS zh
            ) AS outcome
            """,
            params,
        )
        return cursor.rowcount

    # --- temporary tables ------------------------------------------------------

    def create_temporary_tables(self, cursor) -> None:
        """The name parts, and what each institution (``gen_inst``) and
        agreement (``gen_agreement``) is made of, on this connection. The
        same on every connection: they depend only on the sizes and seed."""
        cursor.execute(DROP_TEMPORARY_TABLES, {})
        for name, (columns, rows) in self.parts.tables.items():
            cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})", {})
            placeholders = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
            cursor.execute(
                f"INSERT INTO {name} VALUES " + ", ".join([placeholders] * len(rows)),
                [value for row in rows for value in row],
            )
        cursor.execute(
            "UPDATE gen_subject AS s SET field_id = f.id "
            "FROM cooperation_fieldofeducation AS f WHERE f.code = s.code",
            {},
        )
        cursor.execute("SELECT count(*) FROM gen_subject WHERE field_id IS NULL", {})
        if cursor.fetchone()[0]:
            raise CommandError(
                "Fields of education (ISCED-F) are missing: run the migrations."
            )
        n = "r.n"
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE gen_inst AS
            SELECT r.n, r.city_i, c.country, r.type_i, c.country <> 'CN' AS abroad,
                   coalesce(t.subject_i, r.any_subject_i) AS subject_i,
                   -- Where a name repeats: "campus 2", "campus 3"...
                   row_number() OVER (
                       PARTITION BY r.type_i, r.city_i,
                           CASE WHEN t.named_subject
                                THEN coalesce(t.subject_i, r.any_subject_i) END
                       ORDER BY r.n
                   ) AS campus,
                   -- Position in China first, then abroad, for drawing a
                   -- partner from the other side.
                   row_number() OVER (ORDER BY c.country <> 'CN', r.n) - 1 AS pos
            FROM (
                SELECT n, cp.city_i, tp.type_i,
                       {pick(n, 3, self.parts.subjects)} AS any_subject_i
                FROM generate_series(1, %(institutions)s::int) AS r (n)
                JOIN gen_city_pick AS cp
                  ON cp.b = {pick(n, 1, self.parts.size("gen_city_pick"))}
                JOIN gen_type_pick AS tp
                  ON tp.b = {pick(n, 2, self.parts.size("gen_type_pick"))}
            ) AS r
            JOIN gen_city AS c ON c.i = r.city_i
            JOIN gen_type AS t ON t.i = r.type_i;
            CREATE UNIQUE INDEX ON gen_inst (n);
            CREATE UNIQUE INDEX ON gen_inst (pos);
            ANALYZE gen_inst;
            """,
            self.params,
        )
        cursor.execute("SELECT count(*) FROM gen_inst WHERE NOT abroad", {})
        self.chinese = cursor.fetchone()[0]
        cursor.execute(self.plan_agreements(), self.params)

    def plan_agreements(self) -> str:
        """SQL making the temporary table ``gen_agreement``: for each
        agreement ``a`` its kind, status, dates, parties (institution n) and
        subject. Nine in ten are signed or terminated, dated from eight years
        ago to two months ahead, most for three to five years. The first
        party is in China and the second abroad (when there are institutions
        on both sides); a third (15 %) and fourth (5 %) may be any."""
        a = "a"
        total, chinese = self.institutions, self.chinese
        abroad = total - chinese
        if chinese and abroad:
            first = pick(a, 21, chinese)
            second = f"{chinese} + {pick(a, 22, abroad)}"
        else:
            first = pick(a, 21, total)
            second = f"mod({first} + 1 + {pick(a, 22, total - 1)}, {total})"
        signed = "r.status IN ('signed', 'terminated')"
        return f"""
        CREATE TEMPORARY TABLE gen_agreement AS
        SELECT r.a, r.kind_i, r.status, r.parties, r.renews,
               p0.n AS party0_n, p1.n AS party1_n, p2.n AS party2_n,
               p3.n AS party3_n, p0.subject_i,
               CASE WHEN {signed} THEN r.signed_on END AS signed_on,
               CASE WHEN {signed} THEN r.signed_on + r.valid_after END AS valid_from,
               CASE WHEN {signed} AND r.expires
                    THEN r.signed_on + r.valid_after + r.years * 365 END AS expires_on
        FROM (
            SELECT a, kp.kind_i,
                   CASE WHEN {pick(a, 23, 100)} < 88 THEN 'signed'
                        WHEN {pick(a, 23, 100)} < 92 THEN 'terminated'
                        WHEN {pick(a, 23, 100)} < 96 THEN 'negotiation'
                        ELSE 'draft' END AS status,
                   least(%(institutions)s::int, CASE
                       WHEN {pick(a, 24, 100)} < 80 THEN 2
                       WHEN {pick(a, 24, 100)} < 95 THEN 3 ELSE 4 END) AS parties,
                   {first} AS pos0, {second} AS pos1,
                   {pick(a, 25, total)} AS pos2, {pick(a, 26, total)} AS pos3,
                   %(today)s::date + 60 - {pick(a, 27, 2900)} AS signed_on,
                   {pick(a, 28, 60)} AS valid_after,
                   {chance(a, 29, 80)} AS expires,
                   3 + {pick(a, 38, 3)} AS years,
                   {chance(a, 39, 20)} AS renews
            FROM generate_series(1, %(agreements)s::int) AS a
            JOIN gen_akind_pick AS kp
              ON kp.b = {pick(a, 20, self.parts.size("gen_akind_pick"))}
        ) AS r
        JOIN gen_inst AS p0 ON p0.pos = r.pos0
        JOIN gen_inst AS p1 ON p1.pos = r.pos1
        JOIN gen_inst AS p2 ON p2.pos = r.pos2
        JOIN gen_inst AS p3 ON p3.pos = r.pos3;
        CREATE UNIQUE INDEX ON gen_agreement (a);
        ANALYZE gen_agreement;
        """


def configure(cursor, settings: dict[str, str | None]) -> None:
    """SET LOCAL these settings (None: leave as it is)."""
    for name, value in settings.items():
        if value is not None:
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def sql_task(sql: str) -> Callable:
    def task(cursor) -> None:
        cursor.execute(sql, {})

    return task


# --- Progress ---------------------------------------------------------------------


class Progress:
    """A bar per phase on stderr, redrawn in place on a terminal; elsewhere
    one line when the phase ends. Silent unless ``enabled``."""

    WIDTH = 30

    def __init__(self, stream, *, enabled: bool):
        self.stream = stream
        self.enabled = enabled
        self.tty = enabled and stream.isatty()
        self.lock = threading.Lock()

    def start(self, name: str, total: int) -> None:
        self.name, self.total, self.done = name, total, 0
        self.started = time.perf_counter()
        if self.tty:
            self.draw()

    def advance(self, steps: int = 1) -> None:
        with self.lock:
            self.done += steps
            if self.tty:
                self.draw()

    def finish(self) -> None:
        if self.enabled:
            self.draw()
            self.stream.write("")

    def draw(self) -> None:
        filled = self.WIDTH * self.done // max(self.total, 1)
        line = (
            f"{self.name:<13}[{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{self.done}/{self.total} {time.perf_counter() - self.started:6.1f} s"
        )
        # On a terminal the line is redrawn; elsewhere finish() ends it.
        self.stream.write(("\r" if self.tty else "") + line, ending="")
        self.stream.flush()
