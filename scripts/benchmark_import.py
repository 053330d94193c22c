"""Benchmark ``manage.py import_records`` on 100,000 institutions.

Usage, with the project's environment (the database in DATABASE_URL is only
used to reach the server; the benchmark makes its own, ``<name>_import_bench``,
and drops it afterwards):

    DATABASE_URL=postgres://... .venv/bin/python scripts/benchmark_import.py
    ... --rows 20000      fewer rows (default 100,000)
    ... --keep            keep the benchmark database afterwards
    ... --profile         print where the time of the first import goes

It writes a CSV of institutions in several countries and languages (names,
official names, identifiers, coordinates, a few blank lines), migrates an
empty database, then times three imports of it through the command, as a
user would run them: the first (every row new), the same file again (every
row unchanged) and a file where every row changes its city (every row an
update). It prints rows per second and the processor time of the command
and of its database connection (when the server runs on this machine: on a
busy machine these vary less than the elapsed time); it asserts nothing.
Results are recorded in docs/benchmarks.md.
"""

import argparse
import cProfile
import csv
import io
import os
import pstats
import tempfile
import time
from pathlib import Path

from benchdb import bench_url, django_on, say, server_connection

REPO_ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = [  # code, country as written in the file, cities, a type of school
    ("CN", "中国", ["上海", "北京", "天津", "海口", "广州"], "职业技术学院"),
    ("BE", "België", ["Antwerpen", "Gent", "Leuven", "Brussel"], "Hogeschool"),
    ("FR", "France", ["Lyon", "Lille", "Paris", "Nantes"], "Lycée professionnel"),
    ("NL", "Nederland", ["Rotterdam", "Utrecht", "Delft"], "ROC"),
    ("DE", "Germany", ["Berlin", "Köln", "Hamburg"], "Berufskolleg"),
]
SUBJECTS = ["Music", "Nursing", "Tourism", "Logistics", "Design", "Welding"]
HEADERS = [
    "Name",
    "Official name",
    "Country",
    "Kind",
    "Level",
    "Region",
    "City",
    "Latitude",
    "Longitude",
    "Erasmus code",
    "PIC",
    "Other identifier",
    "Published",
    "Notes",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--profile", action="store_true")
    return parser.parse_args()


def letters(number: int, width: int = 4) -> str:
    """``number`` written with the letters A to Z: 0 -> "AAAA"."""
    text = ""
    for _ in range(width):
        number, digit = divmod(number, 26)
        text = chr(ord("A") + digit) + text
    return text


def institutions_csv(rows: int, *, city_suffix: str = "") -> bytes:
    """``rows`` institutions (and a blank line every 10,000) as CSV."""
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output)
    writer.writerow(HEADERS)
    for n in range(rows):
        code, country, cities, school = COUNTRIES[n % len(COUNTRIES)]
        city = cities[(n // len(COUNTRIES)) % len(cities)]
        subject = SUBJECTS[(n // 7) % len(SUBJECTS)]
        if code == "CN":
            name = f"{city} {subject} Vocational College {n}"
            official = f"{city}{school}{n}"
        else:
            name = f"{school} {city} {subject} {n}"
            official = ""
        erasmus = f"{code:<3}{letters(n // 100)}{n % 100:02d}"
        writer.writerow(
            [
                f" {name} ",  # stray spaces
                official,
                country,
                "school",
                "higher" if n % 3 else "secondary",
                "",
                city + city_suffix,
                f"{30 + (n % 2000) / 100:.4f}",
                f"{100 + (n % 3000) / 100:.4f}",
                erasmus if code != "CN" and n % 2 else "",
                f"{900_000_000 + n}" if n % 5 == 0 else "",
                f"41{n:08d}" if code == "CN" else "",
                "yes" if n % 4 else "no",
                "a column the registry does not know",
            ]
        )
        if n and n % 10_000 == 0:
            writer.writerow([])
    return output.getvalue().encode()


def database_cpu() -> float | None:
    """Processor seconds used so far by this connection's server process,
    when the server runs on this machine (Linux); else None."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command's name
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_import(
    path: Path, label: str, rows: int, *options: str, profile: bool = False
) -> None:
    from django.core.management import call_command

    out = io.StringIO()
    profiler = cProfile.Profile() if profile else None
    database_before, python_before = database_cpu(), time.process_time()
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    call_command(
        "import_records", str(path), "--progress-every", "25000", *options, stdout=out
    )
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    say(f"{label}: {rows:,} rows in {elapsed:.1f} s, {rows / elapsed:,.0f} rows/s")
    say("    " + out.getvalue().strip().splitlines()[-1])
    python = time.process_time() - python_before
    database = database_cpu()
    database = "unknown" if database is None else f"{database - database_before:.1f} s"
    say(f"    processor time: the command {python:.1f} s, its database {database}")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "postgres:///cooperation")
    name, url_bench = bench_url(url, "_import_bench")
    server = server_connection(url)
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')

    django_on(url_bench, REPO_ROOT)
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            say(cursor.fetchone()[0].split(" on ")[0])
        with tempfile.TemporaryDirectory() as directory:
            first = Path(directory) / "institutions.csv"
            first.write_bytes(institutions_csv(args.rows))
            changed = Path(directory) / "institutions-changed.csv"
            changed.write_bytes(institutions_csv(args.rows, city_suffix=" (new)"))
            size = first.stat().st_size / 1_048_576
            say(f"{args.rows:,} institutions, {size:.1f} MB of CSV.")
            timed_import(
                first, "First import (all new)", args.rows, profile=args.profile
            )
            timed_import(first, "Same file again (all unchanged)", args.rows)
            # Filled cities are kept unless the import replaces them.
            timed_import(
                changed, "Every row changed (all updates)", args.rows, "--replace"
            )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), (SELECT count(*) FROM "
                "cooperation_historicalinstitution) FROM cooperation_institution"
            )
            institutions, history = cursor.fetchone()
        say(f"{institutions:,} institutions and {history:,} history records.")
    finally:
        connection.close()
        if not args.keep:
            with server.cursor() as cursor:
                cursor.execute(f'DROP DATABASE "{name}"')
        server.close()


if __name__ == "__main__":
    main()
