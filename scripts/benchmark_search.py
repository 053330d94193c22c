"""Benchmark full-text search (cooperation/search.py) at a million exchanges.

Usage, with the project's environment (the database in DATABASE_URL is only
used to reach the server; the benchmark makes its own):

    DATABASE_URL=postgres://... .venv/bin/python scripts/benchmark_search.py
    ... --rows 100000       fewer exchanges (default 1,000,000)
    ... --keep              keep the benchmark database afterwards
    ... --reuse             use a kept benchmark database as it is

It creates the database ``<name>_bench``, migrates it, fills it with
``manage.py generate_data`` (--rows exchanges, 2,000 institutions, a tenth
as many agreements as exchanges; names and titles in Chinese, English, Dutch
and French; the command ends with VACUUM ANALYZE), then times each search as
the ORM runs it: the first page of 20 by rank and the count of matches,
median of --repeat runs after one warm-up, and prints which indexes the plan
uses. It prints figures; it asserts nothing. Results are recorded in
docs/benchmarks.md.
"""

import argparse
import os
import statistics
import time
from pathlib import Path

from benchdb import bench_url, django_on, say, server_connection

REPO_ROOT = Path(__file__).resolve().parent.parent
SEARCHES = (
    "上海",
    "音乐",
    "乐",
    "上海音乐学院",
    "shanghai",
    "école",
    "muziek",
    "summer school music",
    # The worst case: in nearly every institution's name (大学, 学院, 学校),
    # so it matches nearly every exchange through its host.
    "学",
)
# Searches also timed with index scans disabled, to show what the index buys.
WITHOUT_INDEX = ("上海音乐学院", "上海", "shanghai")
INSTITUTIONS = 2_000
PAGE = 20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    return parser.parse_args()


def fill(rows: int) -> None:
    """Generate the data with ``manage.py generate_data`` (which also runs
    VACUUM ANALYZE): its progress on stderr, the sizes and time on stdout."""
    from django.core.management import call_command

    call_command("generate_data", exchanges=rows, institutions=INSTITUTIONS)


def median_ms(function, repeat: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def plan_summary(queryset) -> tuple[str, float]:
    """The index and sequential scans in the plan, and its execution time."""
    text = queryset.explain(analyze=True)
    scans = []
    for line in text.splitlines():
        line = line.strip().removeprefix("->").strip()
        for marker in ("Bitmap Index Scan on ", "Index Scan using ", "Seq Scan on "):
            if line.startswith(marker) or f" {marker}" in line:
                name = line.split(marker, 1)[1].split(" ")[0]
                name = name.removeprefix("cooperation_")
                kind = "seq" if marker.startswith("Seq") else "index"
                scans.append(f"{kind}:{name}")
    execution = float(text.rsplit("Execution Time: ", 1)[1].split(" ")[0])
    return ", ".join(dict.fromkeys(scans)), execution


def run_searches(repeat: int) -> None:
    from django.db import connection, transaction

    from cooperation import search
    from cooperation.models import Exchange

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), pg_size_pretty(pg_relation_size('cooperation_exchange')),"
            " pg_size_pretty(pg_relation_size('exchange_search_vector_gin'))"
            " FROM cooperation_exchange"
        )
        count, table_size, index_size = cursor.fetchone()
    say(f"{count:,} exchanges; table {table_size}, GIN index {index_size}.")
    say()
    say(
        "page: the first 20 by rank; count: the number of matches; own: the page "
        "when only the exchanges' own texts are searched (no host or partner)."
    )
    say(f"{'search':<20}{'matches':>9}{'page ms':>9}{'count ms':>9}{'own ms':>8}  plan")
    for term in SEARCHES:
        queryset = Exchange.objects.search(term)
        own = search.search(Exchange.objects.all(), term)
        page_ms = median_ms(lambda q=queryset: list(q[:PAGE]), repeat)
        count_ms = median_ms(lambda q=queryset: q.count(), repeat)
        own_ms = median_ms(lambda q=own: list(q[:PAGE]), repeat)
        matches = queryset.count()
        scans, _ = plan_summary(queryset[:PAGE])
        say(
            f"{term:<20}{matches:>9,}{page_ms:>9.1f}{count_ms:>9.1f}{own_ms:>8.1f}"
            f"  {scans}"
        )
    say()
    say("Without the indexes (enable_bitmapscan and enable_indexscan off):")
    for term in WITHOUT_INDEX:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
            queryset = Exchange.objects.search(term)
            page_ms = median_ms(lambda q=queryset: list(q[:PAGE]), 1)
            scans, _ = plan_summary(queryset[:PAGE])
        say(f"{term:<20}{'':>9}{page_ms:>9.1f}{'':>17}  {scans}")


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "postgres:///cooperation")
    name, url_bench = bench_url(url, "_bench")
    server = server_connection(url)
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and not args.reuse:
            cursor.execute(f'DROP DATABASE "{name}"')
        if not (exists and args.reuse):
            cursor.execute(f'CREATE DATABASE "{name}"')

    django_on(url_bench, REPO_ROOT)
    from django.core.management import call_command
    from django.db import connection

    try:
        if not (exists and args.reuse):
            call_command("migrate", verbosity=0)
            fill(args.rows)
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            say(cursor.fetchone()[0].split(" on ")[0])
        run_searches(args.repeat)
    finally:
        connection.close()
        if not args.keep:
            with server.cursor() as cursor:
                cursor.execute(f'DROP DATABASE "{name}"')
        server.close()


if __name__ == "__main__":
    main()
