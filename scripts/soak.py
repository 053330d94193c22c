"""Mixed load on loopback for ten minutes, counting every error: ``make soak``.

Usage (the Makefile finds the database and passes ARGS on):

    make soak                                  10 minutes, at most 200,000 requests
    make soak ARGS="--minutes 1"               a short run
    make soak ARGS="--reuse"                   keep the generated database
    make soak ARGS="--clients 8 --workers 3"

The script

1. makes the database ``<name>_soak_10k`` beside the one in DATABASE_URL and
   fills it with ``manage.py generate_data`` (10,000 exchanges, 2,000
   institutions; the helpers of scripts/bench.py); with --reuse a filled one
   is used as it is and kept afterwards, otherwise it is dropped at the end;
2. gives a staff superuser a new random password (no authenticator app, so
   the admin signs it in with the password alone) and clears its sign-in
   failures (django-axes);
3. serves the database as ``make serve`` does (gunicorn.conf.py, debugging
   off, Redis when it answers), trusting X-Forwarded-For from 127.0.0.1
   (DJANGO_TRUSTED_PROXIES), with mail to nowhere (the dummy backend, unless
   DJANGO_EMAIL_BACKEND is set: no mail server listens on loopback);
4. runs --clients threads, each a visitor after another, until --minutes
   have passed or --requests have been sent:

   - public pages in the four languages: home, catalog, filtered catalog,
     later pages, exchange, institution and agreement pages, the lists of
     institutions and agreements, statistics, map, feed;
   - searches in English and Chinese;
   - the CSV export, whole or filtered, read to the end and parsed;
   - interest registrations: the exchange's page, then its form posted with
     the page's CSRF token and cookie, then the page the answer redirects
     to. Each visitor address (X-Forwarded-For) sends two registrations more
     than the limit: the first ones must be accepted, the others may be
     refused with the rate limit's message (with Redis, they must be);
   - admin saves: each thread signs in once, then opens the change form of
     an exchange or an institution, posts it back with one small change
     and follows the redirect to the list, as a browser does;

5. reads the memory (resident set) of each gunicorn worker before the load,
   every minute, and at the end.

Every answer is checked: no connection error, no status of 500 or more,
the status expected (200, a redirect, or a refusal by design), HTML pages
complete to ``</html>``, the CSV complete and every row as wide as the
header. The server's log is searched for errors too. The script prints a
table per kind of request and writes it as Markdown to --output (for
docs/benchmarks.md); its exit status is 1 on any error.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import http.client
import io
import ipaddress
import os
import random
import re
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from bench import (
    HOST,
    Server,
    cache_used,
    drop_database,
    fmt_ms,
    gunicorn_settings,
    machine,
    markdown_table,
    prepare_database,
    size_label,
    with_query,
)
from benchdb import bench_url, django_on, say

REPO_ROOT = Path(__file__).resolve().parent.parent
# The admin's form reader is the tests' (what a browser without JavaScript
# sends for a form as it stands).
sys.path.insert(0, str(REPO_ROOT))
from tests.html_forms import form_fields  # noqa: E402

SOAK_USER = "soak"
SEARCHES = ("music", "agriculture", "rehabilitation", "summer school", "Shanghai")
SEARCHES_ZH = ("音乐", "乐", "农业", "康复", "上海")
CSV_COLUMNS = 11
# How many operations of each sort, out of their sum, a visitor performs.
MIX = {"page": 50, "search": 25, "csv": 2, "interest": 8, "admin": 4}
# Registrations sent from one visitor address beyond the limit.
OVER_LIMIT = 2
# What the visitor is told, as cooperation/public/views.py words it (translated and
# HTML-escaped by the script for each language).
RATE_LIMITED = (
    "You have sent several registrations in a short time. Please try again in an hour."
)
THANK_YOU = (
    "Thank you: your interest has been registered and passed on to the "
    "organisers, who will contact you."
)
# Visitor addresses: the IPv6 documentation prefix, a random /64 a run, so
# that no rate-limit count of an earlier run (kept in Redis) is met again.
DOCUMENTATION_PREFIX = ipaddress.IPv6Network("2001:db8::/32")
# Log lines of these levels (JSON logs) count as errors.
LOG_ERROR = re.compile(
    r'"level": ?"(ERROR|CRITICAL)"|Traceback \(most recent|\[(ERROR|CRITICAL)\]'
)

KINDS = {
    "page": "public page",
    "search": "search",
    "csv": "CSV export",
    "interest-form": "interest: exchange page",
    "interest-post": "interest: form posted",
    "interest-after": "interest: page after",
    "sign-in": "admin: sign-in",
    "admin-form": "admin: change form",
    "admin-save": "admin: save",
    "admin-list": "admin: list after save",
}


# ---------------------------------------------------------------- pure parts


@dataclass
class Answer:
    """One response as the client saw it (``error``: it did not arrive
    whole)."""

    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0
    error: str = ""
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def problem(answer: Answer, expected: tuple[int, ...] = (200,)) -> str | None:
    """What is wrong with ``answer`` whatever was asked (None: nothing)."""
    if answer.error:
        return f"no complete answer: {answer.error}"
    if answer.status is None or answer.status >= 500:
        return f"server error: status {answer.status}"
    if answer.status not in expected:
        wanted = " or ".join(map(str, expected))
        return f"status {answer.status}, expected {wanted}"
    if answer.status == 200 and answer.content_type.startswith("text/html"):
        if b"</html>" not in answer.body[-200:]:
            return f"HTML page cut off after {len(answer.body):,} bytes (no </html>)"
    return None


def csv_problem(answer: Answer) -> str | None:
    """What is wrong with a CSV export: a failed request, another type, a
    last row cut off, a row narrower or wider than the header."""
    found = problem(answer)
    if found:
        return found
    if not answer.content_type.startswith("text/csv"):
        return f"Content-Type {answer.content_type!r}, expected text/csv"
    if not answer.body.endswith(b"\n"):
        return f"the last row is cut off after {len(answer.body):,} bytes"
    text = answer.body.decode("utf-8-sig", "replace")
    for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
        if len(row) != CSV_COLUMNS:
            return f"row {number} has {len(row)} columns, the header {CSV_COLUMNS}"
    return None


def interest_outcome(
    answer: Answer, *, rate_limited: str
) -> tuple[str | None, str | None]:
    """(outcome, problem) of a posted interest form: ``accepted`` (a redirect
    to the form's place on the exchange page) or ``rate-limited`` (the page
    again, with the rate limit's message, ``rate_limited`` as rendered)."""
    found = problem(answer, (200, 302))
    if found:
        return None, found
    if answer.status == 302:
        if not answer.location.endswith("#interest"):
            return None, f"redirected to {answer.location!r}, not to #interest"
        return "accepted", None
    if rate_limited in answer.text():
        return "rate-limited", None
    return None, f"the form came back with errors: {form_errors(answer.text())}"


def expected_outcomes(number: int, *, limit: int, shared_cache: bool) -> set[str]:
    """What the ``number``-th registration from one address may get: the
    first ``limit`` are accepted; later ones are refused when every worker
    counts in one cache, and may be either when each counts on its own."""
    if number <= limit:
        return {"accepted"}
    return {"rate-limited"} if shared_cache else {"accepted", "rate-limited"}


def admin_save_problem(answer: Answer) -> str | None:
    """A saved change form redirects; one that comes back has errors."""
    if answer.status == 200 and not answer.error:
        return f"the change form came back with errors: {form_errors(answer.text())}"
    found = problem(answer, (302,))
    if found:
        return found
    if "/admin/" not in answer.location:
        return f"redirected to {answer.location!r}, not back to the admin"
    return None


def form_errors(html: str) -> str:
    """The error messages a rendered form shows, for a report."""
    found = re.findall(
        r'class="[^"]*(?:errorlist|invalid-feedback|alert)[^"]*"[^>]*>(.*?)</',
        html,
        re.S,
    )
    texts = [re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found]
    return "; ".join(text for text in texts if text)[:300] or "(none shown)"


def percentile(values: list[float], percent: float) -> float | None:
    """Nearest-rank percentile of ``values`` (None for none)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * percent // 100))
    return ordered[int(rank) - 1]


def visitor_address(network: ipaddress.IPv6Network, number: int) -> str:
    return str(network[number])


# ------------------------------------------------------------ the recording


@dataclass
class Kind:
    requests: int = 0
    errors: int = 0
    seconds: list[float] = field(default_factory=list)


class Record:
    """What every client thread saw, behind one lock."""

    def __init__(self, budget: int, deadline: float):
        self.lock = threading.Lock()
        self.kinds = {key: Kind() for key in KINDS}
        self.errors: list[str] = []
        self.outcomes = {"accepted": 0, "rate-limited": 0}
        self.left = budget
        self.deadline = deadline

    def take(self) -> bool:
        """Whether one more request may be sent (time and budget left)."""
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True

    def add(self, kind: str, answer: Answer, found: str | None, path: str) -> None:
        with self.lock:
            entry = self.kinds[kind]
            entry.requests += 1
            entry.seconds.append(answer.seconds)
            if found:
                entry.errors += 1
                self.errors.append(f"{KINDS[kind]} `{path}`: {found}")

    def error(self, kind: str, text: str) -> None:
        with self.lock:
            self.kinds[kind].errors += 1
            self.errors.append(f"{KINDS[kind]}: {text}")

    @property
    def requests(self) -> int:
        return sum(kind.requests for kind in self.kinds.values())

    @property
    def error_count(self) -> int:
        return sum(kind.errors for kind in self.kinds.values())


class OutOfBudget(Exception):
    """No time or requests left: the operation stops where it is."""


class Browser:
    """One client thread's connection (kept alive, opened anew every
    ``reuse`` requests so that the load spreads over the workers)."""

    def __init__(self, port: int, timeout: float, record: Record, reuse: int = 25):
        self.port = port
        self.timeout = timeout
        self.record = record
        self.reuse = reuse
        self.connection: http.client.HTTPConnection | None = None
        self.used = 0

    def close(self) -> None:
        if self.connection:
            self.connection.close()
        self.connection = None

    def send(
        self,
        method: str,
        path: str,
        *,
        cookies: dict[str, str] | None = None,
        form: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        if not self.record.take():
            raise OutOfBudget
        if self.connection is None or self.used >= self.reuse:
            self.close()
            self.connection = http.client.HTTPConnection(
                HOST, self.port, timeout=self.timeout
            )
            self.used = 0
        self.used += 1
        headers = dict(headers or {})
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return Answer(
                None,
                seconds=time.monotonic() - started,
                error=f"{type(exc).__name__}: {exc}"[:200],
            )
        answer = Answer(
            response.status,
            {
                k.lower(): v
                for k, v in response.getheaders()
                if k.lower() != "set-cookie"
            },
            content,
            time.monotonic() - started,
        )
        for line in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                answer.cookies[name] = morsel.value
        if response.will_close:
            self.close()
        return answer


# ------------------------------------------------------------ the visitors


@dataclass
class Pools:
    """Values that exist in the database, chosen once."""

    exchanges: list[str]
    open_exchanges: list[str]
    institutions: list[str]
    agreements: list[str]
    kinds: list[str]
    countries: list[str]
    exchange_ids: list[int]
    institution_ids: list[int]
    last_page: int


@dataclass
class Soak:
    port: int
    password: str
    pools: Pools
    record: Record
    rate_limited: dict[str, str]
    thank_you: dict[str, str]
    limit: int
    shared_cache: bool
    network: ipaddress.IPv6Network
    timeout: float
    admin_cookies: dict[int, dict[str, str]] = field(default_factory=dict)

    # -- one client thread

    def run(self, index: int, seed: int) -> None:
        rng = random.Random(seed * 1000 + index)
        browser = Browser(self.port, self.timeout, self.record)
        operations = list(MIX)
        weights = [MIX[name] for name in operations]
        # This thread's visitor addresses: each sends ``limit`` + OVER_LIMIT
        # registrations, one an operation.
        address_number, sent = index << 32, 0
        try:
            while True:
                operation = rng.choices(operations, weights)[0]
                if operation == "interest":
                    if sent == self.limit + OVER_LIMIT:
                        address_number, sent = address_number + 1, 0
                    sent += 1
                    address = visitor_address(self.network, address_number)
                    self.register(browser, rng, address, sent)
                else:
                    getattr(self, operation)(browser, rng, index)
        except OutOfBudget:
            pass
        finally:
            browser.close()

    def check(self, kind: str, answer: Answer, path: str, found: str | None = None):
        self.record.add(kind, answer, found, path)
        return found

    # -- public pages

    def page_path(self, rng: random.Random) -> str:
        pools = self.pools
        lang = rng.choice(site_languages())
        choices = [
            "",
            "exchanges/",
            with_query(
                "exchanges/",
                kind=rng.choice(pools.kinds),
                country=rng.choice(pools.countries),
            ),
            with_query("exchanges/", page=str(rng.randint(2, pools.last_page))),
            f"exchanges/{quote(rng.choice(pools.exchanges))}/",
            f"exchanges/{quote(rng.choice(pools.exchanges))}/",
            f"institutions/{quote(rng.choice(pools.institutions))}/",
            f"agreements/{quote(rng.choice(pools.agreements))}/",
            "institutions/",
            "agreements/",
            "statistics/",
            "institutions/map/",
            "exchanges/feed/",
        ]
        return f"/{lang}/{rng.choice(choices)}"

    def page(self, browser: Browser, rng: random.Random, _index: int) -> None:
        path = self.page_path(rng)
        answer = browser.send("GET", path)
        self.check("page", answer, path, problem(answer))

    def search(self, browser: Browser, rng: random.Random, _index: int) -> None:
        lang = rng.choice(site_languages())
        term = rng.choice(SEARCHES if rng.random() < 0.5 else SEARCHES_ZH)
        where = "exchanges/" if rng.random() < 0.8 else "institutions/"
        path = with_query(f"/{lang}/{where}", q=term)
        answer = browser.send("GET", path)
        self.check("search", answer, path, problem(answer))

    def csv(self, browser: Browser, rng: random.Random, _index: int) -> None:
        lang = rng.choice(site_languages())
        query = rng.choice(
            [
                {},
                {"q": rng.choice(SEARCHES + SEARCHES_ZH)},
                {"kind": rng.choice(self.pools.kinds)},
            ]
        )
        path = with_query(f"/{lang}/exchanges/exchanges.csv", **query)
        answer = browser.send("GET", path)
        self.check("csv", answer, path, csv_problem(answer))

    # -- interest registrations

    def register(self, browser: Browser, rng, address: str, number: int) -> None:
        lang = rng.choice(site_languages())
        path = f"/{lang}/exchanges/{quote(rng.choice(self.pools.open_exchanges))}/"
        forwarded = {"X-Forwarded-For": address}
        page = browser.send("GET", path, headers=forwarded)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text())
        found = problem(page)
        if not found and (not token or "csrftoken" not in page.cookies):
            found = "no interest form with a CSRF token and cookie"
        if self.check("interest-form", page, path, found):
            return
        cookies = {"csrftoken": page.cookies["csrftoken"]}
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "name": f"Soak visitor {number}",
            "email": f"soak-{secrets.token_hex(6)}@example.org",
            "organisation": "Soak test",
            "message": f"Registration {number} from {address}.",
            "consent": "on",
            "website": "",
        }
        answer = browser.send(
            "POST", path, cookies=cookies, form=form, headers=forwarded
        )
        outcome, found = interest_outcome(answer, rate_limited=self.rate_limited[lang])
        if outcome:
            allowed = expected_outcomes(
                number, limit=self.limit, shared_cache=self.shared_cache
            )
            if outcome not in allowed:
                found = (
                    f"registration {number} from one address was {outcome}; "
                    f"expected {' or '.join(sorted(allowed))} (limit {self.limit})"
                )
            with self.record.lock:
                self.record.outcomes[outcome] += 1
        if self.check("interest-post", answer, path, found) or outcome != "accepted":
            return
        # As a browser: the page again, with the message the answer set.
        after = urlsplit(answer.location).path
        cookies.update(answer.cookies)
        shown = browser.send("GET", after, cookies=cookies, headers=forwarded)
        found = problem(shown)
        if not found and self.thank_you[lang] not in shown.text():
            found = "the page after registering does not thank the visitor"
        self.check("interest-after", shown, after, found)

    # -- admin saves

    def sign_in(self, browser: Browser) -> dict[str, str] | None:
        path = "/admin/login/?next=/admin/"
        page = browser.send("GET", path)
        if self.check("sign-in", page, path, problem(page)):
            return None
        fields = form_fields(page.text(), "login-form")
        fields.update({"username": [SOAK_USER], "password": [self.password]})
        cookies = dict(page.cookies)
        answer = browser.send("POST", path, cookies=cookies, form=fields)
        found = problem(answer, (302,))
        if not found and "sessionid" not in answer.cookies:
            found = f"not signed in (redirected to {answer.location!r})"
        if self.check("sign-in", answer, path, found):
            return None
        cookies.update(answer.cookies)
        return cookies

    def admin(self, browser: Browser, rng: random.Random, index: int) -> None:
        cookies = self.admin_cookies.get(index)
        if cookies is None:
            cookies = self.sign_in(browser)
            if cookies is None:
                return
            self.admin_cookies[index] = cookies
        if rng.random() < 0.6:
            model, pk = "exchange", rng.choice(self.pools.exchange_ids)
            change = {"places": [str(rng.randint(1, 60))]}
        else:
            model, pk = "institution", rng.choice(self.pools.institution_ids)
            change = {"address": [f"{rng.randint(1, 300)} Soak Street"]}
        path = f"/admin/cooperation/{model}/{pk}/change/"
        page = browser.send("GET", path, cookies=cookies)
        cookies.update(page.cookies)
        if self.check("admin-form", page, path, problem(page)):
            return
        fields = {
            name: values
            for name, values in form_fields(page.text(), f"{model}_form").items()
            if "__prefix__" not in name
        }
        fields.update(change)
        answer = browser.send("POST", path, cookies=cookies, form=fields)
        cookies.update(answer.cookies)
        if self.check("admin-save", answer, path, admin_save_problem(answer)):
            return
        after = answer.location
        listed = browser.send("GET", after, cookies=cookies)
        cookies.update(listed.cookies)
        self.check("admin-list", listed, after, problem(listed))


# ------------------------------------------------------------ the machinery


def choose_pools() -> Pools:
    """Values from the database (Django set up on it)."""
    from cooperation.models import Agreement, Exchange, Institution

    exchanges = Exchange.objects.public().with_state()
    open_exchanges = exchanges.exclude(
        state__in=[Exchange.State.CANCELLED, Exchange.State.COMPLETED]
    )
    institutions = Institution.objects.public()

    def sample(queryset, column: str, size: int = 300) -> list:
        return list(queryset.order_by("?").values_list(column, flat=True)[:size])

    countries = exchanges.order_by().values_list("host__country", flat=True)
    pools = Pools(
        exchanges=sample(exchanges, "slug"),
        open_exchanges=sample(open_exchanges, "slug"),
        institutions=sample(institutions, "slug"),
        agreements=sample(Agreement.objects.public(), "slug"),
        kinds=sorted(set(exchanges.values_list("kind", flat=True)[:1000])),
        countries=sorted(set(countries.distinct()[:30])),
        exchange_ids=sample(Exchange.objects.all(), "pk"),
        institution_ids=sample(Institution.objects.all(), "pk"),
        last_page=max(2, exchanges.count() // 20),
    )
    empty = [name for name, values in vars(pools).items() if not values]
    if empty:
        raise SystemExit(f"soak: the database has nothing for {', '.join(empty)}")
    return pools


def staff_password() -> str:
    """A new random password for the soak's staff superuser (and its sign-in
    failures cleared)."""
    from axes.models import AccessAttempt
    from django.contrib.auth import get_user_model

    password = secrets.token_urlsafe(18)
    user, _created = get_user_model().objects.get_or_create(username=SOAK_USER)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    AccessAttempt.objects.filter(username=SOAK_USER).delete()
    return password


def site_languages() -> tuple[str, ...]:
    """The site's languages, as its URLs give them (``cooperation.languages``,
    read from the settings: Django is set up by the time any visitor runs)."""
    from cooperation import languages

    return languages.CODES


def translated(text: str) -> dict[str, str]:
    """``text`` in each language, as a page shows it (HTML-escaped)."""
    from django.utils import translation
    from django.utils.html import escape

    found = {}
    for lang in site_languages():
        with translation.override(lang):
            found[lang] = escape(translation.gettext(text))
    return found


def proc_status(pid: int) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


def command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def kilobytes(value: str) -> int:
    return int(value.split()[0]) if value else 0


def worker_memory(pids) -> dict[int, tuple[int, int]]:
    """(resident, peak resident) kB of each gunicorn worker among ``pids``:
    the children of the process that runs gunicorn and whose parent does
    not (the master)."""
    pids = set(pids)
    status = {pid: proc_status(pid) for pid in pids}
    runs_gunicorn = {pid: b"gunicorn" in command_line(pid) for pid in pids}

    def parent(pid: int) -> int:
        return int(status[pid].get("PPid", "0").strip() or 0)

    masters = {
        pid
        for pid in pids
        if status[pid] and runs_gunicorn[pid] and not runs_gunicorn.get(parent(pid))
    }
    return {
        pid: (
            kilobytes(status[pid].get("VmRSS", "")),
            kilobytes(status[pid].get("VmHWM", "")),
        )
        for pid in pids
        if status[pid] and parent(pid) in masters
    }


@dataclass
class Sample:
    seconds: float
    workers: dict[int, tuple[int, int]]

    @property
    def total_mb(self) -> float:
        return sum(rss for rss, _peak in self.workers.values()) / 1024


def log_errors(path: Path) -> list[str]:
    """The server log's error lines."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line[:300] for line in lines if LOG_ERROR.search(line)]


def memory_table(samples: list[Sample]) -> str:
    headers = ["when", "workers", "total MB", "smallest MB", "largest MB"]
    rows = []
    for number, sample in enumerate(samples):
        sizes = [rss / 1024 for rss, _peak in sample.workers.values()] or [0]
        when = f"{sample.seconds / 60:.1f} min"
        if number == 0:
            when = "before the load"
        elif number == len(samples) - 1:
            when = f"end ({when})"
        rows.append(
            [
                when,
                str(len(sample.workers)),
                f"{sample.total_mb:,.0f}",
                f"{min(sizes):,.0f}",
                f"{max(sizes):,.0f}",
            ]
        )
    return markdown_table(headers, rows)


def kinds_table(record: Record) -> str:
    headers = ["kind", "requests", "errors", "p50 ms", "p95 ms", "max ms"]
    rows = []
    for key, label in KINDS.items():
        kind = record.kinds[key]
        ms = [seconds * 1000 for seconds in kind.seconds]
        rows.append(
            [
                label,
                f"{kind.requests:,}",
                f"{kind.errors:,}",
                fmt_ms(percentile(ms, 50)) if ms else "–",
                fmt_ms(percentile(ms, 95)) if ms else "–",
                fmt_ms(max(ms)) if ms else "–",
            ]
        )
    total = [
        seconds * 1000 for kind in record.kinds.values() for seconds in kind.seconds
    ]
    rows.append(
        [
            "**all**",
            f"{record.requests:,}",
            f"{record.error_count:,}",
            fmt_ms(percentile(total, 50)) if total else "–",
            fmt_ms(percentile(total, 95)) if total else "–",
            fmt_ms(max(total)) if total else "–",
        ]
    )
    return markdown_table(headers, rows)


@dataclass
class Outcome:
    """A run's results beside the per-request record."""

    record: Record
    samples: list[Sample]
    seconds: float
    workers: int
    threads: int
    shared_cache: bool
    limit: int
    # Errors no single request showed: workers replaced, the server's log.
    other_errors: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.record.error_count + len(self.other_errors)


def soak_report(args, outcome: Outcome, header: str) -> str:
    record, samples = outcome.record, outcome.samples
    first, last = samples[0], samples[-1]
    peak = max((peak for _rss, peak in last.workers.values()), default=0) / 1024
    growth = last.total_mb - first.total_mb
    # The first minute fills each worker's caches (templates, translations,
    # connections); what grows after it is what a leak would show as.
    warm = (
        f" ({last.total_mb - samples[1].total_mb:+,.0f} MB after the first minute)"
        if len(samples) > 2
        else ""
    )
    listed = record.errors + outcome.other_errors
    errors = "\n".join(f"- {text}" for text in listed[:20]) or "none."
    if len(listed) > 20:
        errors += f"\n- … and {len(listed) - 20:,} more"
    counted = (
        "one count for every worker (Redis)"
        if outcome.shared_cache
        else "each worker counts on its own"
    )
    rate = record.requests / outcome.seconds if outcome.seconds else 0
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{header}"
        f"gunicorn {outcome.workers} workers × {outcome.threads} threads; "
        f"{args.clients} client threads on the same machine; "
        f"limits {args.minutes:g} min and {args.requests:,} requests.\n\n"
        f"{record.requests:,} requests in {outcome.seconds:,.0f} s "
        f"({rate:,.1f} a second), **{outcome.errors:,} errors**.\n\n"
        f"{kinds_table(record)}\n\n"
        f"Interest registrations: {record.outcomes['accepted']:,} accepted, "
        f"{record.outcomes['rate-limited']:,} refused by the rate limit as "
        f"designed ({outcome.limit + OVER_LIMIT} from each visitor address, "
        f"limit {outcome.limit}; {counted}).\n\n"
        f"Memory of the gunicorn workers (resident set, /proc/PID/status):\n\n"
        f"{memory_table(samples)}\n\n"
        f"From before the load to the end: {growth:+,.0f} MB in all{warm}; the "
        f"highest peak of one worker {peak:,.0f} MB.\n\n"
        f"Errors: {errors}\n\n"
        f"Load average at the end: {load}.\n"
    )


def serve_and_soak(args, env: dict, pools: Pools, password: str, limit: int):
    """Serve the database, run the clients, read the workers' memory."""
    from serve import LOCAL_REDIS, redis_answers

    config = gunicorn_settings(env)
    log = REPO_ROOT / "var" / "soak-server.log"
    say(f"soak: {config['workers']} workers × {config['threads']} threads; log {log}")
    server = Server(env, log)
    try:
        server.wait_until_up()
        started = time.monotonic()
        samples = [Sample(0, worker_memory(server.processes()))]
        record = Record(args.requests, started + args.minutes * 60)
        # A random /64 of the documentation prefix a run.
        network = ipaddress.IPv6Network(
            (int(DOCUMENTATION_PREFIX[0]) + (secrets.randbits(32) << 64), 64)
        )
        shared_cache = bool(env.get("REDIS_URL") or redis_answers(LOCAL_REDIS))
        soak = Soak(
            port=server.port,
            password=password,
            pools=pools,
            record=record,
            rate_limited=translated(RATE_LIMITED),
            thank_you=translated(THANK_YOU),
            limit=limit,
            shared_cache=shared_cache,
            network=network,
            timeout=args.timeout,
        )
        say(f"soak: {args.clients} clients, {args.minutes:g} min at most")
        with ThreadPoolExecutor(args.clients) as pool:
            futures = [
                pool.submit(soak.run, index, args.seed) for index in range(args.clients)
            ]
            next_sample = 60.0
            while not all(future.done() for future in futures):
                time.sleep(0.5)
                elapsed = time.monotonic() - started
                # No sample in the last seconds: the end's follows.
                if next_sample <= elapsed < args.minutes * 60 - 5:
                    samples.append(Sample(elapsed, worker_memory(server.processes())))
                    say(
                        f"  {elapsed / 60:4.1f} min: {record.requests:,} requests, "
                        f"{record.error_count} errors, "
                        f"workers {samples[-1].total_mb:,.0f} MB"
                    )
                    next_sample += 60
        seconds = time.monotonic() - started
        samples.append(Sample(seconds, worker_memory(server.processes())))
    finally:
        server.stop()
    outcome = Outcome(
        record,
        samples,
        seconds,
        config["workers"],
        config["threads"],
        shared_cache,
        limit,
    )
    for future in futures:
        if future.exception():
            outcome.other_errors.append(f"a client stopped: {future.exception()!r}")
    before, after = sorted(samples[0].workers), sorted(samples[-1].workers)
    if before != after:
        outcome.other_errors.append(
            f"gunicorn workers were replaced during the run: {before} → {after}"
        )
    outcome.other_errors += [
        f"in the server's log ({log.name}): `{line}`" for line in log_errors(log)
    ]
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--minutes", type=float, default=10, help="longest run (default 10)"
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=200_000,
        help="most requests sent (default 200,000)",
    )
    parser.add_argument(
        "--clients", type=int, default=6, help="client threads (default 6)"
    )
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)"
    )
    parser.add_argument("--exchanges", type=int, default=10_000)
    parser.add_argument("--institutions", type=int, default=2_000)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the database of an earlier --reuse run, and keep it",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=30,
        help="a request slower than this many seconds is an error (default 30)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="for the visitors' choices (default 1)"
    )
    today = datetime.datetime.now().astimezone()
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO_ROOT / "var" / f"soak-{today:%Y-%m-%d-%H%M}.md",
        help="Markdown file for the results (default var/soak-<date>-<time>.md)",
    )
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("soak: DATABASE_URL is needed (make soak finds one).")
    from serve import secret_key

    base_url = os.environ["DATABASE_URL"]
    name, url = bench_url(base_url, f"_soak_{size_label(args.exchanges)}")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secret_key(),
        # The clients say which visitor they are, as a proxy on this machine.
        "DJANGO_TRUSTED_PROXIES": HOST,
        # No mail server listens on loopback.
        "DJANGO_EMAIL_BACKEND": os.environ.get(
            "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend"
        ),
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    header = (
        f"## `make soak`, {today:%Y-%m-%d %H:%M}\n\n"
        f"{machine()} Cache: {cache_used()}. {args.exchanges:,} generated "
        f"exchanges, {args.institutions:,} institutions. "
    )
    try:
        prepare_database(
            base_url=base_url,
            name=name,
            exchanges=args.exchanges,
            institutions=args.institutions,
            env=env,
            reuse=args.reuse,
        )
        django_on(url, REPO_ROOT)
        from django.conf import settings
        from django.db import connections

        pools = choose_pools()
        password = staff_password()
        connections.close_all()
        outcome = serve_and_soak(
            args, env, pools, password, settings.INTEREST_RATE_LIMIT
        )
    finally:
        if not args.reuse:
            drop_database(base_url, name)
    text = soak_report(args, outcome, header)
    say(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    say(f"soak: written to {args.output}")
    raise SystemExit(1 if outcome.errors else 0)


if __name__ == "__main__":
    main()
