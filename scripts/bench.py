"""Measure every page of the registry under load, at two sizes: ``make bench``.

Usage (the Makefile finds the database and passes ARGS on):

    make bench                               10k and 1M exchanges
    make bench ARGS="--sizes 10000:2000"     one size (EXCHANGES:INSTITUTIONS)
    make bench ARGS="--reuse"                keep the databases for next time
    make bench ARGS="--duration 10 --workers 2"
    make bench ARGS="--pages api-exchanges,api-exchange"   some pages only

For each size the script

1. makes the database ``<name>_bench_10k`` (``_bench_1m``, ...) beside the
   one in DATABASE_URL, migrates it and fills it with ``manage.py
   generate_data``; with --reuse a filled one is used as it is and kept
   afterwards, otherwise it is made afresh and dropped at the end;
2. signs a staff superuser in (a session made in that database);
3. serves it with ``make serve`` (gunicorn.conf.py, debugging off) on a free
   port and waits until it answers;
4. runs wrk (with scripts/bench.lua) against each page twice: with as many
   connections as gunicorn has workers for the latencies (service times, not
   queueing), then with four times as many for the throughput. Between runs
   it waits until the server is idle again: a request still running when wrk
   stops would slow the next page down;
5. downloads the whole CSV export once and checks that it is complete.

It prints one table per size and the 1M/10k ratio of each page's median,
then PASS or FAIL for each target of issues 7 and 12, and writes the same as
Markdown to --output (for docs/benchmarks.md). It measures: a missed target
does not change the exit status, only a failure to measure does.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import http.client
import os
import platform
import re
import runpy
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from benchdb import bench_url, say, server_connection

REPO_ROOT = Path(__file__).resolve().parent.parent
LUA_SCRIPT = REPO_ROOT / "scripts" / "bench.lua"
DEFAULT_SIZES = "10000:2000,1000000:100000"
HOST = "127.0.0.1"
BENCH_USER = "bench"
# Requests that set things up (choosing the last page, the probes) may be slow
# on an unoptimised registry; they are not measured.
SETUP_TIMEOUT = 300
# The server counts as idle when its processes used less CPU than this, in
# seconds per second, twice in a row, and the database runs no query of it.
IDLE_CPU = 0.02
IDLE_INTERVAL = 0.3


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    public: bool = True
    catalog: bool = False
    admin: bool = False


@dataclass
class Run:
    """One wrk run, as scripts/bench.lua reports it (latencies in ms)."""

    requests: int
    seconds: float
    not_ok: int
    timeouts: int
    socket_errors: int
    p50: float | None
    p90: float | None
    p95: float | None
    p99: float | None

    @property
    def errors(self) -> int:
        return self.not_ok + self.timeouts + self.socket_errors

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class PageResult:
    page: Page
    status: int | None = None
    size_bytes: int | None = None
    latency: Run | None = None
    throughput: Run | None = None
    note: str = ""

    @property
    def rate(self) -> float | None:
        return self.throughput.rate if self.throughput else None

    @property
    def errors(self) -> int:
        runs = [run for run in (self.latency, self.throughput) if run]
        return sum(run.errors for run in runs) + (self.status != 200)

    def percentile(self, name: str) -> float | None:
        return getattr(self.latency, name) if self.latency else None


@dataclass
class Download:
    """One full download of the CSV export."""

    status: int | None
    rows: int
    size_bytes: int
    seconds: float
    complete: bool
    error: str = ""


@dataclass
class SizeResult:
    exchanges: int
    institutions: int
    workers: int
    threads: int
    pages: dict[str, PageResult] = field(default_factory=dict)
    download: Download | None = None

    @property
    def label(self) -> str:
        return size_label(self.exchanges)

    @property
    def floor(self) -> float | None:
        """Requests per second of /robots.txt: the mean of the first and the
        last run, so that a drift during the run shows in neither alone."""
        rates = [
            self.pages[key].rate
            for key in ("floor-first", "floor-last")
            if key in self.pages and self.pages[key].rate
        ]
        return statistics.mean(rates) if rates else None

    def share(self, key: str) -> float | None:
        rate, floor = self.pages[key].rate, self.floor
        return rate / floor if rate is not None and floor else None


@dataclass
class Target:
    size: str
    text: str
    passed: bool
    detail: str


# ---------------------------------------------------------------- pure parts


def size_label(exchanges: int) -> str:
    """``10k`` for 10,000, ``1m`` for 1,000,000: the databases' suffix."""
    if exchanges % 1_000_000 == 0:
        return f"{exchanges // 1_000_000}m"
    if exchanges % 1_000 == 0:
        return f"{exchanges // 1_000}k"
    return str(exchanges)


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """``"10000:2000,1000000:100000"`` as (exchanges, institutions) pairs."""
    sizes = []
    for item in text.split(","):
        exchanges, sep, institutions = item.strip().replace("_", "").partition(":")
        if not (sep and exchanges.isdigit() and institutions.isdigit()):
            raise argparse.ArgumentTypeError(
                f"{item!r}: sizes are EXCHANGES:INSTITUTIONS, e.g. 10000:2000"
            )
        sizes.append((int(exchanges), int(institutions)))
    return sizes


def parse_wrk(output: str, connections: int = 0) -> Run:
    """Read the line scripts/bench.lua prints at the end of a wrk run with
    ``connections`` connections.

    A percentile is None (shown as a timeout, never as 0 ms) when no request
    finished in time, or when more requests timed out than the percentile
    leaves above it: the 95th percentile of a run in which a tenth of the
    requests timed out is not known, only that it is above the timeout.
    When nothing answered before wrk stopped (a run shorter than wrk's
    timeout), every connection counts as a timeout."""
    for line in output.splitlines():
        if line.startswith("BENCH "):
            values = dict(item.split("=", 1) for item in line.split()[1:])
            break
    else:
        raise ValueError(f"no BENCH line in wrk's output:\n{output}")
    number = {key: int(float(value)) for key, value in values.items()}
    requests, timeouts = number["requests"], number["timeouts"]
    if not requests and not timeouts and not number["socket_errors"]:
        timeouts = connections
    attempts = max(requests, timeouts)

    def ms(percent: int) -> float | None:
        if number["max_us"] == 0 or not attempts:
            return None
        if timeouts * 100 > (100 - percent) * attempts:
            return None
        return number[f"p{percent}_us"] / 1000

    return Run(
        requests=requests,
        seconds=number["duration_us"] / 1_000_000,
        not_ok=number["not_ok"],
        timeouts=timeouts,
        socket_errors=number["socket_errors"],
        p50=ms(50),
        p90=ms(90),
        p95=ms(95),
        p99=ms(99),
    )


def last_page(html: str) -> int | None:
    """The highest page number the pagination links to (None without any)."""
    numbers = [int(n) for n in re.findall(r"[?&;]page=(\d+)", html)]
    return max(numbers) if numbers else None


def with_query(path: str, **query: str) -> str:
    """``path`` with its query string, percent-encoded for wrk."""
    return f"{path}?{urlencode(query, quote_via=quote)}" if query else path


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "timeout"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def fmt_rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def fmt_share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; columns after the first two are numbers, aligned
    right."""
    align = ["---" if i < 2 else "---:" for i in range(len(headers))]
    lines = [headers, align, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def size_table(result: SizeResult) -> str:
    headers = ["page", "path", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
    headers += ["share of floor", "KB"]
    rows = []
    for key, page_result in result.pages.items():
        page = page_result.page
        kb = page_result.size_bytes
        rows.append(
            [
                page.label,
                f"`{page.path}`",
                fmt_rate(page_result.rate),
                fmt_ms(page_result.percentile("p50")),
                fmt_ms(page_result.percentile("p95")),
                fmt_ms(page_result.percentile("p99")),
                f"{page_result.errors:,}",
                fmt_share(result.share(key)),
                "–" if kb is None else f"{kb / 1024:,.0f}",
            ]
        )
    return markdown_table(headers, rows)


def download_text(got: Download) -> str:
    verdict = "complete" if got.complete else f"INCOMPLETE ({got.error})"
    return (
        f"status {got.status}, {got.rows:,} rows, "
        f"{got.size_bytes / 1024 / 1024:,.1f} MB in {got.seconds:,.1f} s, {verdict}"
    )


def download_line(result: SizeResult) -> str:
    if result.download is None:
        return "CSV export: not downloaded."
    return f"CSV export, one full download: {download_text(result.download)}."


def p50_ratios(small: SizeResult, large: SizeResult) -> list[tuple[str, ...]]:
    """Each page's median at the large size over the small one's, for the
    pages measured at both: (key, label, small p50, large p50, ratio)."""
    rows = []
    for key, small_page in small.pages.items():
        if key not in large.pages:
            continue
        before = small_page.percentile("p50")
        after = large.pages[key].percentile("p50")
        ratio = after / before if before and after is not None else None
        rows.append((key, small_page.page.label, before, after, ratio))
    return rows


def ratio_table(small: SizeResult, large: SizeResult) -> str:
    headers = ["page", "", f"p50 {small.label}", f"p50 {large.label}", "ratio"]
    rows = [
        [label, "", fmt_ms(before), fmt_ms(after), fmt_ratio(ratio)]
        for _key, label, before, after, ratio in p50_ratios(small, large)
    ]
    return markdown_table(headers, rows)


# Issue 7, section 3, and issue 12, section 5 (the API): (pages, limit) per
# size.
SHARE_TARGETS_10K = [
    (("catalog", "agreements", "api-exchanges"), 0.40),
    (("exchange-detail", "institution-detail", "api-exchange"), 0.50),
    (("search-en", "search-zh-1", "search-zh-2"), 0.25),
    (("admin-changelist",), 0.15),
]
P95_PUBLIC_10K = 50
P95_TARGETS_1M = [
    (("catalog", "catalog-filtered", "search-en", "search-zh-1", "search-zh-2"), 100),
    (("catalog-last",), 200),
    (("exchange-detail", "institution-detail"), 30),
    (("home", "statistics", "feed"), 50),
    (("admin-changelist", "admin-search"), 300),
    (("api-exchanges", "api-exchange"), 100),
]
MAX_RATIO = 1.5
MAX_CATALOG_KB = 60
FLOOR_KEYS = ("floor-first", "floor-last")


def measured_public(result: SizeResult) -> list[PageResult]:
    """The public pages the latency targets are about (not the floor, not
    the CSV file, which is a download rather than a page)."""
    return [
        r
        for key, r in result.pages.items()
        if r.page.public and key not in FLOOR_KEYS and key != "csv"
    ]


def check_targets(results: list[SizeResult]) -> list[Target]:
    """Each target of issue 7 that the run can judge. A page with errors
    fails every speed target it is in, whatever its figures."""
    targets = []

    def add(size: SizeResult, text: str, page: PageResult, ok: bool, shown: str):
        if page.errors:
            ok, shown = False, f"{shown}, {page.errors:,} errors"
        targets.append(Target(size.label, f"{page.page.label}: {text}", ok, shown))

    for size in results:
        for page in size.pages.values():
            if page.page.catalog and page.status == 200:
                kb = page.size_bytes / 1024
                targets.append(
                    Target(
                        size.label,
                        f"{page.page.label}: HTML under {MAX_CATALOG_KB} KB",
                        kb < MAX_CATALOG_KB,
                        f"{kb:,.0f} KB",
                    )
                )
        if size.download:
            got = size.download
            targets.append(
                Target(
                    size.label,
                    "CSV export downloads complete",
                    got.status == 200 and got.complete,
                    download_text(got),
                )
            )
        if size.exchanges == 10_000:
            for keys, limit in SHARE_TARGETS_10K:
                for key in keys:
                    if key in size.pages:
                        share = size.share(key)
                        add(
                            size,
                            f"throughput ≥ {limit:.0%} of the floor",
                            size.pages[key],
                            share is not None and share >= limit,
                            fmt_share(share),
                        )
            for page in measured_public(size):
                p95 = page.percentile("p95")
                add(
                    size,
                    f"p95 ≤ {P95_PUBLIC_10K} ms",
                    page,
                    p95 is not None and p95 <= P95_PUBLIC_10K,
                    f"{fmt_ms(p95)} ms",
                )
        if size.exchanges == 1_000_000:
            for keys, limit in P95_TARGETS_1M:
                for key in keys:
                    if key in size.pages:
                        p95 = size.pages[key].percentile("p95")
                        add(
                            size,
                            f"p95 ≤ {limit} ms",
                            size.pages[key],
                            p95 is not None and p95 <= limit,
                            f"{fmt_ms(p95)} ms",
                        )
    by_size = {size.exchanges: size for size in results}
    if 10_000 in by_size and 1_000_000 in by_size:
        small, large = by_size[10_000], by_size[1_000_000]
        public = {r.page.key for r in measured_public(large)}
        for key, label, before, after, ratio in p50_ratios(small, large):
            if key in public:
                ok = ratio is not None and ratio <= MAX_RATIO
                shown = f"{fmt_ms(before)} → {fmt_ms(after)} ms, ×{fmt_ratio(ratio)}"
                targets.append(
                    Target("1m/10k", f"{label}: p50 ≤ {MAX_RATIO} × 10k", ok, shown)
                )
    return targets


def targets_text(targets: list[Target]) -> str:
    lines = [
        f"- {'PASS' if t.passed else 'FAIL'} {t.size}, {t.text} ({t.detail})"
        for t in targets
    ]
    passed = sum(t.passed for t in targets)
    lines.append(f"\n{passed} of {len(targets)} targets met.")
    return "\n".join(lines)


def pages_for(
    *, kind: str, country: str, exchange: str, institution: str, last: int | str
) -> list[Page]:
    """Every page measured, in order; the floor first and last."""
    catalog = "/en/exchanges/"
    robots = "/robots.txt"
    return [
        Page("floor-first", "robots.txt (floor, first)", robots),
        Page("home", "home", "/en/"),
        Page("catalog", "catalog", catalog, catalog=True),
        Page(
            "catalog-filtered",
            "catalog, filtered",
            with_query(catalog, kind=kind, country=country),
            catalog=True,
        ),
        Page(
            "search-en", "search, English", with_query(catalog, q="music"), catalog=True
        ),
        Page("search-zh-1", "search, 乐", with_query(catalog, q="乐"), catalog=True),
        Page(
            "search-zh-2", "search, 音乐", with_query(catalog, q="音乐"), catalog=True
        ),
        Page(
            "catalog-page-50",
            "catalog, page 50",
            with_query(catalog, page="50"),
            catalog=True,
        ),
        Page(
            "catalog-last",
            "catalog, last page",
            with_query(catalog, page=str(last)),
            catalog=True,
        ),
        Page("exchange-detail", "exchange", f"/en/exchanges/{quote(exchange)}/"),
        Page(
            "institution-detail",
            "institution",
            f"/en/institutions/{quote(institution)}/",
        ),
        Page("agreements", "agreements", "/en/agreements/"),
        Page("statistics", "statistics", "/en/statistics/"),
        Page("map", "map", "/en/institutions/map/"),
        Page("feed", "feed", "/en/exchanges/feed/"),
        Page("api-exchanges", "API, exchanges", "/api/v1/exchanges/"),
        Page("api-exchange", "API, exchange", f"/api/v1/exchanges/{quote(exchange)}/"),
        Page("csv", "CSV export", "/en/exchanges/exchanges.csv"),
        Page(
            "admin-changelist",
            "admin changelist",
            "/admin/cooperation/exchange/",
            public=False,
            admin=True,
        ),
        Page(
            "admin-search",
            "admin search",
            with_query("/admin/cooperation/exchange/", q="music"),
            public=False,
            admin=True,
        ),
        Page("floor-last", "robots.txt (floor, last)", robots),
    ]


# ------------------------------------------------------------ the machinery


def ensure_wrk() -> str:
    """wrk's path; installed with apt-get when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("bench: installing wrk (apt-get install -y wrk)")
        install = ["apt-get", "install", "-y", "-q", "wrk"]
        if subprocess.run(install, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], check=True)
            subprocess.run(install, check=True)
        found = shutil.which("wrk")
        if found:
            return found
    say(
        "bench: wrk is needed. Debian/Ubuntu: sudo apt-get install wrk; "
        "macOS: brew install wrk."
    )
    raise SystemExit(1)


def manage(*args: str, env: dict, capture: bool = False) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return completed.stdout or ""


def connect(url: str):
    """An autocommit connection to the database at ``url``."""
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    return connection


def on_server(base_url: str, statement: str, params=()) -> list[tuple]:
    """Run ``statement`` on the server's ``postgres`` database."""
    with closing(server_connection(base_url)) as connection:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else []


def exchange_count(url: str) -> int | None:
    """How many exchanges the database at ``url`` holds (None: no table)."""
    import psycopg2

    try:
        with closing(connect(url)) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cooperation_exchange")
            return cursor.fetchone()[0]
    except psycopg2.Error:
        return None


def prepare_database(
    *,
    base_url: str,
    name: str,
    exchanges: int,
    institutions: int,
    env: dict,
    reuse: bool,
) -> None:
    """Make and fill the benchmark database, unless --reuse finds it full."""
    url = env["DATABASE_URL"]
    exists = on_server(base_url, "SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if reuse and exists:
        count = exchange_count(url)
        if count:
            say(f"bench: reusing {name} ({count:,} exchanges)")
            manage("migrate", "--noinput", "-v0", env=env)  # a newer schema
            return
    say(f"bench: making {name}: {exchanges:,} exchanges, {institutions:,} institutions")
    drop_database(base_url, name)
    on_server(base_url, f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "-v0", env=env)
    started = time.monotonic()
    manage(
        "generate_data",
        "--exchanges",
        str(exchanges),
        "--institutions",
        str(institutions),
        "--database-url",
        url,
        env=env,
    )
    say(f"bench: generated in {time.monotonic() - started:,.0f} s")


def drop_database(base_url: str, name: str) -> None:
    on_server(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SESSION_CODE = """
from django.contrib.auth import (
    BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore

user, _ = get_user_model().objects.get_or_create(username="%s")
user.is_staff = user.is_superuser = True
user.set_unusable_password()
user.save()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def sign_in(env: dict) -> str:
    """The session key of a staff superuser signed in to the bench database
    (made there directly: the login form adds nothing to measure)."""
    output = manage("shell", "-c", SESSION_CODE % BENCH_USER, env=env, capture=True)
    return output.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, cookie: str = "", timeout: float = SETUP_TIMEOUT):
    """(status, body, seconds) of one GET; (None, b"", seconds) on failure."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        body = response.read()
        return response.status, body, time.monotonic() - started
    except (OSError, http.client.HTTPException):
        return None, b"", time.monotonic() - started
    finally:
        connection.close()


class Server:
    """``make serve`` on a free port, in a process group of its own."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.log = log
        env = {**env, "PORT": str(self.port)}
        with log.open("w") as out:
            self.process = subprocess.Popen(
                ["make", "-s", "--no-print-directory", "serve"],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_up(self, within: float = 300) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: the server stopped; see {self.log}")
            status, _body, _s = fetch(self.port, "/robots.txt", timeout=5)
            if status == 200:
                return
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"bench: no answer on port {self.port}; see {self.log}")

    def processes(self) -> dict[int, int]:
        """CPU time, in clock ticks, of each process of the server's session
        (make, gunicorn's arbiter and its workers)."""
        found = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # After the command: state, ppid, pgrp, session, ..., utime, stime.
            if int(fields[3]) == self.process.pid:
                found[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
        return found

    def cpu_seconds(self) -> float:
        return sum(self.processes().values()) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """Stop gunicorn gracefully (it lets running requests finish), then
        anything of the session that is left."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 40
        while self.processes() and time.monotonic() < deadline:
            self.process.poll()
            time.sleep(0.2)
        if self.processes():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


class Bench:
    def __init__(self, args, wrk: str, server: Server, database, cookie: str):
        self.args = args
        self.wrk = wrk
        self.server = server
        self.database = database
        self.cookie = cookie

    def database_busy(self) -> bool:
        """Whether the database runs a query other than this one (autovacuum,
        busy after a load, does not count)."""
        with self.database.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND state = 'active'"
                " AND backend_type IN ('client backend', 'parallel worker')"
                " AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0] > 0

    def drain(self) -> None:
        """Wait until the server has finished what wrk left running."""
        deadline = time.monotonic() + self.args.drain
        quiet = 0
        before = self.server.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(IDLE_INTERVAL)
            now = self.server.cpu_seconds()
            idle = (now - before) / IDLE_INTERVAL < IDLE_CPU
            before = now
            quiet = quiet + 1 if idle and not self.database_busy() else 0
            if quiet >= 2:
                return
        say(f"bench: the server was still busy after {self.args.drain:.0f} s")

    def wrk_run(self, page: Page, connections: int, seconds: int) -> Run:
        command = [
            self.wrk,
            f"-t{min(connections, self.args.wrk_threads)}",
            f"-c{connections}",
            f"-d{seconds}s",
            f"--timeout={self.args.timeout}s",
            f"--script={LUA_SCRIPT}",
        ]
        if page.admin:
            command.append(f"--header=Cookie: {self.cookie}")
        command.append(f"http://{HOST}:{self.server.port}{page.path}")
        output = subprocess.run(
            command, capture_output=True, text=True, check=True
        ).stdout
        run = parse_wrk(output, connections)
        self.drain()
        return run

    def measure(self, page: Page, workers: int) -> PageResult:
        status, body, seconds = fetch(
            self.server.port, page.path, self.cookie if page.admin else ""
        )
        result = PageResult(page, status=status, size_bytes=len(body) if body else None)
        if status != 200:
            result.note = f"status {status} after {seconds:.1f} s"
        # Unmeasured: every worker compiles the page's templates, fills its
        # caches and opens its database connections first.
        if self.args.warmup:
            self.wrk_run(page, 4 * workers, self.args.warmup)
        result.latency = self.wrk_run(page, workers, self.args.duration)
        result.throughput = self.wrk_run(page, 4 * workers, self.args.duration)
        shown = (
            f"{fmt_rate(result.rate)} req/s, p50 {fmt_ms(result.percentile('p50'))} "
            f"p95 {fmt_ms(result.percentile('p95'))} ms, {result.errors} errors"
        )
        say(f"  {page.label:28} {shown} {result.note}")
        return result

    def download(self, path: str) -> Download:
        """Download ``path`` whole, as a browser would, and count its rows."""
        started = time.monotonic()
        connection = http.client.HTTPConnection(
            HOST, self.server.port, timeout=self.args.csv_timeout
        )
        size = 0
        status, error = None, ""
        with tempfile.TemporaryFile() as copy:
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                status = response.status
                while chunk := response.read(1 << 16):
                    copy.write(chunk)
                    size += len(chunk)
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"[:200]
            finally:
                connection.close()
            seconds = time.monotonic() - started
            copy.seek(0)
            text = (line.decode("utf-8-sig", "replace") for line in copy)
            rows = max(sum(1 for _row in csv.reader(text)) - 1, 0)
            copy.seek(max(size - 1, 0))
            ends_well = size > 0 and copy.read(1) == b"\n"
        complete = not error and status == 200 and ends_well
        if not error and not ends_well:
            error = "the last row is cut off"
        self.drain()
        return Download(status, rows, size, seconds, complete, error)


def choose(database) -> dict:
    """Values that exist in the generated data: a kind and a country to
    filter on, an exchange from the middle of the table and its host."""
    with database.cursor() as cursor:

        def one(query: str, params=()):
            cursor.execute(query, params)
            row = cursor.fetchone()
            return row[0] if row else None

        kind = one(
            "SELECT kind FROM cooperation_exchange WHERE kind = 'performance' LIMIT 1"
        ) or one(
            "SELECT kind FROM cooperation_exchange GROUP BY kind "
            "ORDER BY count(*) DESC LIMIT 1"
        )
        country = one(
            "SELECT country FROM cooperation_institution "
            "WHERE country = 'CN' AND published LIMIT 1"
        ) or one(
            "SELECT country FROM cooperation_institution WHERE published "
            "GROUP BY country ORDER BY count(*) DESC LIMIT 1"
        )
        cursor.execute(
            "SELECT e.slug, i.slug FROM cooperation_exchange e "
            "JOIN cooperation_institution i ON i.id = e.host_id "
            "WHERE e.published AND i.published AND e.id >= "
            "(SELECT (min(id) + max(id)) / 2 FROM cooperation_exchange) "
            "ORDER BY e.id LIMIT 1"
        )
        row = cursor.fetchone()
    if not (kind and country and row):
        raise SystemExit("bench: the database holds no published exchange")
    return {"kind": kind, "country": country, "exchange": row[0], "institution": row[1]}


def gunicorn_settings(env: dict) -> dict:
    """gunicorn.conf.py's values in the server's environment."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        return runpy.run_path(str(REPO_ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def warn_if_busy() -> None:
    """Other work on the machine shows in every figure: say so."""
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        say(
            f"bench: warning: load average {load:.1f} on {os.cpu_count()} cores; "
            "other work on this machine slows every page down"
        )


def bench_size(args, wrk: str, exchanges: int, institutions: int) -> SizeResult:
    """Make, serve and measure one size; drop its database unless --reuse."""
    from serve import secret_key

    base_url = os.environ["DATABASE_URL"]
    name, url = bench_url(base_url, f"_bench_{size_label(exchanges)}")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secret_key(),
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.no_page_cache:
        env["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    # wrk asks from one address far more often than the API lets one client
    # (600/hour): a limit no run reaches, so that the throttle still does its
    # work (a cache operation per request) but never answers 429.
    env["API_RATE"] = "1000000/second"
    try:
        prepare_database(
            base_url=base_url,
            name=name,
            exchanges=exchanges,
            institutions=institutions,
            env=env,
            reuse=args.reuse,
        )
        return serve_and_measure(args, wrk, exchanges, institutions, env)
    finally:
        if not args.reuse:
            drop_database(base_url, name)


def serve_and_measure(
    args, wrk: str, exchanges: int, institutions: int, env: dict
) -> SizeResult:
    cookie = f"sessionid={sign_in(env)}"
    config = gunicorn_settings(env)
    result = SizeResult(exchanges, institutions, config["workers"], config["threads"])
    log = REPO_ROOT / "var" / f"bench-server-{result.label}.log"
    say(f"bench: serving {result.label} ({result.workers} workers); log in {log}")
    server = Server(env, log)
    database = connect(env["DATABASE_URL"])
    try:
        server.wait_until_up()
        warn_if_busy()
        bench = Bench(args, wrk, server, database, cookie)
        chosen = choose(database)
        _status, body, _s = fetch(server.port, "/en/exchanges/")
        last = last_page(body.decode("utf-8", "replace")) or "last"
        say(f"bench: {chosen}, last page {last}")
        for page in pages_for(last=last, **chosen):
            if args.pages and page.key not in args.pages + list(FLOOR_KEYS):
                continue
            if page.key == "csv":
                result.download = bench.download(page.path)
                say(f"  {download_line(result)}")
                if exchanges > args.csv_wrk_max:
                    continue
            result.pages[page.key] = bench.measure(page, result.workers)
    finally:
        database.close()
        server.stop()
    return result


def machine() -> str:
    """One paragraph on what the run ran on."""

    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":" if ":" in line else "=", 1)[1].strip(' "')
        except OSError:
            pass
        return "?"

    import gunicorn

    memory = first("/proc/meminfo", "MemTotal")
    try:
        memory = f"{int(memory.split()[0]) / 1024 / 1024:.0f} GB RAM"
    except ValueError:
        pass
    postgres = on_server(os.environ["DATABASE_URL"], "SHOW server_version")[0][0]
    postgres = postgres.split()[0]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({first('/proc/cpuinfo', 'model name')}), {memory}, "
        f"{first('/etc/os-release', 'PRETTY_NAME')}, PostgreSQL {postgres}, "
        f"Python {platform.python_version()}, gunicorn {gunicorn.__version__}; "
        f"load average {load} at the start."
    )


def cache_used() -> str:
    from serve import LOCAL_REDIS, redis_answers

    if os.environ.get("REDIS_URL") or redis_answers(LOCAL_REDIS):
        return "Redis"
    return "local memory"


def report(results: list[SizeResult], header: str) -> str:
    parts = [header]
    for result in results:
        parts.append(
            f"### {result.exchanges:,} exchanges, "
            f"{result.institutions:,} institutions\n\n"
            f"gunicorn: {result.workers} workers × {result.threads} threads; "
            f"latencies with {result.workers} connections, "
            f"throughput with {4 * result.workers}; "
            f"floor {fmt_rate(result.floor)} req/s.\n\n"
            f"{size_table(result)}\n\n{download_line(result)}"
        )
    if len(results) > 1:
        small, large = results[0], results[-1]
        parts.append(
            f"### Median at {large.label} over median at {small.label}\n\n"
            f"{ratio_table(small, large)}"
        )
    parts.append(
        f"### Targets (issues 7 and 12)\n\n{targets_text(check_targets(results))}"
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    parts.append(f"Load average at the end: {load}.")
    return "\n\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=parse_sizes(DEFAULT_SIZES),
        help=f"EXCHANGES:INSTITUTIONS, comma-separated (default {DEFAULT_SIZES})",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use benchmark databases left by an earlier --reuse run, and keep them",
    )
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds per wrk run (default 5)"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="seconds of unmeasured requests before each page's runs (default 1)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=2,
        help="a request slower than this many seconds is an error (default 2)",
    )
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--wrk-threads", type=int, default=1, help="wrk threads (default 1)"
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="serve without the public page cache: what a page costs when it "
        "is rendered for its request (a search no one made before)",
    )
    parser.add_argument(
        "--drain",
        type=float,
        default=120,
        help="longest wait, in seconds, for the server to go idle between runs",
    )
    parser.add_argument(
        "--pages",
        type=lambda text: [key.strip() for key in text.split(",") if key.strip()],
        default=[],
        help="measure only these pages (keys, comma-separated, e.g. "
        "api-exchanges,api-exchange) and the floor (default: every page)",
    )
    parser.add_argument(
        "--csv-wrk-max",
        type=int,
        default=100_000,
        help="run wrk on the CSV export up to this many exchanges; above, "
        "only one download is timed (default 100,000)",
    )
    parser.add_argument(
        "--csv-timeout",
        type=float,
        default=900,
        help="longest wait for the full CSV download, in seconds (default 900)",
    )
    today = datetime.datetime.now().astimezone()
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO_ROOT / "var" / f"bench-{today:%Y-%m-%d-%H%M}.md",
        help="Markdown file for the results (default var/bench-<date>-<time>.md)",
    )
    args = parser.parse_args()
    known = [
        page.key
        for page in pages_for(kind="", country="", exchange="", institution="", last=1)
    ]
    unknown = [key for key in args.pages if key not in known]
    if unknown:
        parser.error(
            f"--pages: no page {', '.join(unknown)}; use some of: {', '.join(known)}"
        )
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("bench: DATABASE_URL is needed (make bench finds one).")
    wrk = ensure_wrk()
    header = (
        f"## `make bench`, {today:%Y-%m-%d %H:%M}\n\n"
        f"{machine()} Cache: {cache_used()}; public page cache "
        f"{'off' if args.no_page_cache else 'on'}. wrk: {args.duration} s a run, "
        f"timeout {args.timeout} s.\n"
    )
    say(header)
    results = []
    for exchanges, institutions in args.sizes:
        try:
            result = bench_size(args, wrk, exchanges, institutions)
        except subprocess.CalledProcessError as error:
            say(f"bench: {' '.join(map(str, error.cmd))} failed; nothing measured")
            raise SystemExit(1) from error
        results.append(result)
        say(f"\n{size_table(result)}\n\n{download_line(result)}\n")
    text = report(results, header)
    say(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    say(f"bench: written to {args.output}")


if __name__ == "__main__":
    main()
