"""Benchmark the admin's import of 10,000 institutions: the preview, then
"Confirm import".

Usage, with the project's environment (the database in DATABASE_URL is only
used to reach the server; the benchmark uses its own, ``<name>_admin_bench``
unless ``--database`` names another, and drops it afterwards unless
``--keep``):

    DATABASE_URL=postgres://... .venv/bin/python scripts/benchmark_admin_import.py
    ... --rows 2000           fewer rows (default 10,000)
    ... --registry 0,16000    the registries to import into (default both)
    ... --duplicates on       with the likely-duplicates check only (on, off,
                              both; default both)
    ... --database NAME       this database (made and migrated if need be)
    ... --keep                keep the database (and its generated registry)
    ... --profile             print where the time of each step goes
    ... --row-by-row          as the admin imported before (to compare)
    ... --browser PATH        also time Chromium showing the preview page

It writes a CSV shaped like Hipo's list of world universities (columns
``name``, ``country`` as ISO names such as "Russian Federation",
``alpha_two_code``, ``state-province``, ``web_pages`` with two addresses
joined by ";" now and then, ``domains``): about 200 countries, the United
States most of all, names from a dozen patterns in six languages around
made-up places. For each registry, an empty one and one that
``manage.py generate_data`` filled with generated institutions, it posts the
file to the admin's import page as a signed-in superuser does (Django's test
client, DEBUG off, the whole request with its page rendered), then the
preview's confirm form, and times both; then deletes what the confirm added.
With ``--duplicates off`` the likely-duplicates query
(``InstitutionQuerySet.duplicates_of``) answers "none" at once; with it on,
its own time is printed beside the step's. It prints the figures; it asserts
nothing. Results are recorded in docs/benchmarks.md.
"""

import argparse
import cProfile
import csv
import io
import os
import pstats
import random
import re
import tempfile
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from benchdb import bench_url, django_on, say, server_connection

REPO_ROOT = Path(__file__).resolve().parent.parent
HEADERS = [
    "name",
    "country",
    "alpha_two_code",
    "state-province",
    "web_pages",
    "domains",
]

#: Countries as Hipo's list writes them where that is not django-countries'
#: name (ISO 3166's short names).
ISO_NAMES = {
    "RU": "Russian Federation",
    "KR": "Korea, Republic of",
    "KP": "Korea, Democratic People's Republic of",
    "IR": "Iran, Islamic Republic of",
    "TW": "Taiwan, Province of China",
    "TZ": "Tanzania, United Republic of",
    "VN": "Viet Nam",
    "VA": "Holy See (Vatican City State)",
    "BO": "Bolivia, Plurinational State of",
    "VE": "Venezuela, Bolivarian Republic of",
    "MD": "Moldova, Republic of",
    "SY": "Syrian Arab Republic",
    "LA": "Lao People's Democratic Republic",
    "MK": "North Macedonia",
    "CD": "Congo, The Democratic Republic of the",
    "PS": "Palestine, State of",
    "GB": "United Kingdom",
    "US": "United States",
}
#: The countries with most rows first, as in the real list (the United
#: States about a fifth, then Japan, Brazil, China, India...).
LEADING = (
    "US JP BR CN IN MX RU FR DE PH ID KR TR IR ES GB IT AR PK CO UA PL TW CA".split()
)

LANGUAGE_OF = {
    **dict.fromkeys(
        "ES MX AR CO CL PE VE EC BO PY UY CR CU DO GT HN NI PA SV".split(), "es"
    ),
    **dict.fromkeys(
        "FR BE CH SN CI CM MA DZ TN HT ML BF NE TG BJ GA MG LU".split(), "fr"
    ),
    **dict.fromkeys(["DE", "AT", "LI"], "de"),
    **dict.fromkeys(["BR", "PT", "AO", "MZ", "CV"], "pt"),
    **dict.fromkeys(["IT", "SM", "VA"], "it"),
}
PATTERNS = {
    "en": [
        "University of {place}",
        "{place} State University",
        "{place} College",
        "{surname} University",
        "{place} Institute of Technology",
        "{place} Community College",
        "Saint {saint} College",
        "{place} University of {subject}",
        "{place} School of {subject}",
        "{adjective} University of {place}",
        "{surname} College of {subject}",
        "{place} Polytechnic",
        "{place} Christian University",
    ],
    "es": [
        "Universidad de {place}",
        "Universidad Nacional de {place}",
        "Universidad Autónoma de {place}",
        "Instituto Tecnológico de {place}",
        "Universidad {surname}",
        "Escuela Superior de {subject_es}",
        "Universidad Católica de {place}",
    ],
    "fr": [
        "Université de {place}",
        "Université {surname}",
        "École Nationale Supérieure de {subject_fr} de {place}",
        "Institut Supérieur de {subject_fr}",
        "Haute École de {place}",
    ],
    "de": [
        "Universität {place}",
        "Technische Universität {place}",
        "Hochschule {place}",
        "Fachhochschule {place}",
        "Pädagogische Hochschule {place}",
    ],
    "pt": [
        "Universidade Federal de {place}",
        "Universidade Estadual de {place}",
        "Faculdade de {subject_pt} de {place}",
        "Instituto Federal de {place}",
        "Universidade {surname}",
    ],
    "it": [
        "Università degli Studi di {place}",
        "Politecnico di {place}",
        "Accademia di Belle Arti di {place}",
        "Università {surname}",
    ],
}
WORDS = {
    "subject": [
        "Medicine",
        "Engineering",
        "Agriculture",
        "Arts",
        "Music",
        "Law",
        "Business",
        "Nursing",
        "Education",
        "Theology",
        "Design",
        "Science and Technology",
        "Economics",
        "Fisheries",
        "Mines",
    ],
    "subject_es": [
        "Medicina",
        "Ingeniería",
        "Agronomía",
        "Bellas Artes",
        "Música",
        "Comercio",
        "Enfermería",
    ],
    "subject_fr": [
        "Chimie",
        "Commerce",
        "Agronomie",
        "Arts et Métiers",
        "Génie Civil",
        "Musique",
    ],
    "subject_pt": ["Medicina", "Engenharia", "Direito", "Ciências Agrárias", "Música"],
    "adjective": [
        "National",
        "Technical",
        "Open",
        "Royal",
        "Catholic",
        "International",
        "Metropolitan",
        "Free",
        "Islamic",
        "Pedagogical",
    ],
    "saint": [
        "Mary's",
        "John's",
        "Joseph's",
        "Francis",
        "Augustine",
        "Thomas",
        "Peter's",
        "Xavier",
        "Clare",
        "Benedict",
    ],
}
SYLLABLES = (
    "ka ro vi len mar to sa bel dor ni wes ham ton ria an gu lo ste ber qui zan ol mo "
    "chi ra ven sul ta pe kin"
).split()
ENDINGS = ["", "", "burg", "ville", "field", "a", "ia", "stad", "pur", "abad"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--registry", default="0,16000")
    parser.add_argument("--duplicates", choices=["on", "off", "both"], default="both")
    parser.add_argument("--database", default="")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--browser",
        default="",
        help="a Chromium to time showing the preview page in (its scripts and "
        "stylesheets left out), e.g. /usr/bin/chromium",
    )
    parser.add_argument(
        "--row-by-row",
        action="store_true",
        help="as before issue 8 §4: rows saved one by one, also in the preview, "
        "and the confirm looking for likely duplicates again",
    )
    return parser.parse_args()


def place_name(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
    return (word + rng.choice(ENDINGS)).capitalize()


def ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def country_rows(rows: int, rng: random.Random) -> list[tuple[str, str]]:
    """(code, name in the file) of each row: about 200 countries."""
    from django_countries import countries
    from django_countries.data import COUNTRIES

    from cooperation.transfer import parse_country

    names = {}
    for code, _name in countries:
        name = ISO_NAMES.get(code, str(COUNTRIES.get(code, _name)))
        try:  # the file's countries are all ones the registry knows
            if parse_country(name) == code:
                names[code] = name
        except ValueError:
            continue
    others = sorted(set(names) - set(LEADING))
    rng.shuffle(others)
    order = [code for code in LEADING if code in names] + others[:176]
    weights = [1 / (rank + 1.5) ** 1.1 for rank in range(len(order))]
    picked = rng.choices(order, weights=weights, k=rows)
    return [(code, names[code]) for code in picked]


def world_universities_csv(rows: int, seed: int = 1) -> bytes:
    """``rows`` institutions as Hipo's world universities list gives them."""
    rng = random.Random(seed)
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(HEADERS)
    places, regions = {}, {}
    used_names, used_domains = set(), set()
    for code, country in country_rows(rows, rng):
        pool = places.setdefault(code, [])
        if len(pool) < 4 or rng.random() < 0.35:
            pool.append(place_name(rng))
        place = rng.choice(pool)
        language = LANGUAGE_OF.get(code, "en")
        for attempt in range(20):
            values = {key: rng.choice(words) for key, words in WORDS.items()}
            values["surname"] = place_name(rng)
            pattern = rng.choice(PATTERNS[language])
            name = pattern.format(place=place, **values)
            if attempt > 10:
                name = f"{name}, {place_name(rng)} Campus"
            if (name, code) not in used_names:
                break
        used_names.add((name, code))
        stem = ascii_slug(values["surname"] if "{surname}" in pattern else place)
        suffix = {"US": ".edu"}.get(code, f".edu.{code.lower()}")
        domain = f"{stem}{suffix}"
        number = 2
        while domain in used_domains:
            domain, number = f"{stem}{number}{suffix}", number + 1
        used_domains.add(domain)
        web_pages = f"http://www.{domain}/"
        if rng.random() < 0.06:  # two addresses in one cell
            web_pages += f";https://{stem}.ac.{code.lower()}/"
        elif rng.random() < 0.08:
            web_pages = ""  # the domain stands in
        region = ""
        if rng.random() < 0.3:
            region = regions.setdefault((code, place), place_name(rng) + " Province")
        writer.writerow([name, country, code, region, web_pages, domain])
    return output.getvalue().encode()


class ConfirmForm(HTMLParser):
    """The inputs of the preview's "Confirm import" form."""

    def __init__(self):
        super().__init__()
        self.inside, self.data = False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = (attrs.get("action") or "").endswith("process_import/")
        elif tag == "input" and self.inside and attrs.get("name"):
            self.data[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


class DuplicateCheck:
    """Times ``InstitutionQuerySet.duplicates_of``, or turns it off."""

    def __init__(self):
        from cooperation.models.institution import InstitutionQuerySet

        self.original = InstitutionQuerySet.duplicates_of
        self.enabled, self.seconds = True, 0.0
        check = self

        def duplicates_of(queryset, probes):
            if not check.enabled:
                return {}
            started = time.perf_counter()
            try:
                return check.original(queryset, probes)
            finally:
                check.seconds += time.perf_counter() - started

        InstitutionQuerySet.duplicates_of = duplicates_of


def timed(label: str, request, *, profile: bool, check: DuplicateCheck):
    """Run ``request()``, print its time (and the duplicate check's)."""
    profiler = cProfile.Profile() if profile else None
    check.seconds = 0.0
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    response = request()
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    duplicates = (
        f", of which {check.seconds:.1f} s duplicate check" if (check.enabled) else ""
    )
    say(f"    {label}: {elapsed:.1f} s{duplicates} ({len(response.content):,} bytes)")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    return response, elapsed


def time_in_browser(html: str, chromium: str) -> None:
    """Print how long headless Chromium takes to show ``html`` (a page saved
    without its scripts and stylesheets: the table itself)."""
    from playwright.sync_api import sync_playwright

    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.DOTALL)
    with tempfile.NamedTemporaryFile("w", suffix=".html") as page_file:
        page_file.write(html)
        page_file.flush()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=["--headless", "--no-sandbox"]
            )
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(f"file://{page_file.name}", timeout=300_000)
            # Until the page is laid out and painted.
            page.evaluate(
                "() => new Promise(done => requestAnimationFrame("
                "() => requestAnimationFrame(done)))"
            )
            elapsed = time.perf_counter() - started
            browser.close()
    say(f"    the preview page in Chromium: {elapsed:.1f} s")


def admin_import(
    client, content: bytes, rows: int, *, profile, check, chromium=""
) -> None:
    """The preview, then the confirm; what the confirm added is deleted."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.urls import reverse

    from cooperation.models import Institution

    preview, _seconds = timed(
        "preview",
        lambda: client.post(
            reverse("admin:cooperation_institution_import"),
            {
                "resource": "0",
                "format": "0",  # CSV
                "import_file": SimpleUploadedFile("world_universities.csv", content),
                "default_kind": "university",
                "update_mode": "fill",
            },
        ),
        profile=profile,
        check=check,
    )
    form = ConfirmForm()
    form.feed(preview.content.decode())
    if preview.status_code != 200 or "import_file_name" not in form.data:
        raise SystemExit("The preview has no confirm form (errors in the file?).")
    if chromium:
        time_in_browser(preview.content.decode(), chromium)
    last = Institution.objects.order_by("-pk").values_list("pk", flat=True).first()
    response, _seconds = timed(
        "confirm",
        lambda: client.post(
            reverse("admin:cooperation_institution_process_import"), form.data
        ),
        profile=profile,
        check=check,
    )
    added = Institution.objects.filter(pk__gt=last or 0).count()
    if response.status_code != 302 or added != rows:
        raise SystemExit(f"The confirm added {added:,} institutions, not {rows:,}.")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_admin_log")
        cursor.execute(
            "DELETE FROM cooperation_historicalinstitution WHERE id > %s", [last or 0]
        )
        cursor.execute("DELETE FROM cooperation_institution WHERE id > %s", [last or 0])


def fill_registry(institutions: int) -> None:
    """``institutions`` generated ones (and 1,000 exchanges), or none."""
    from django.core.management import call_command

    from cooperation.models import Institution

    generated = Institution.objects.filter(slug__startswith="gen-").count()
    if generated == institutions:
        return
    say(f"Generating {institutions:,} institutions...")
    exchanges = 1000 if institutions else 0
    call_command(
        "generate_data",
        institutions=institutions,
        exchanges=exchanges,
        verbosity=0,
    )


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "postgres:///cooperation")
    name, url_bench = bench_url(url, "_admin_bench")
    if args.database:
        name = args.database
        url_bench = url.rsplit("/", 1)[0] + "/" + name
    server = server_connection(url)
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')

    django_on(url_bench, REPO_ROOT)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from cooperation.models import User

    # As the tests do: no collected static files, the test client's host.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": plain},
        ALLOWED_HOSTS=["testserver"],
    ).enable()
    check = DuplicateCheck()
    if args.row_by_row:
        from cooperation.transfer.admin import RecordImportExportMixin

        RecordImportExportMixin.bulk_kwargs = lambda self, request, confirming: {}
    try:
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            say(cursor.fetchone()[0].split(" on ")[0])
        say(f"DEBUG {settings.DEBUG}, database {name}")
        content = world_universities_csv(args.rows)
        say(f"{args.rows:,} institutions, {len(content) / 1024:.0f} KB of CSV.")
        user = User.objects.filter(username="benchmark").first()
        if user is None:
            user = User.objects.create_superuser("benchmark", "b@example.org", "x")
        client = Client()
        client.force_login(user)
        modes = {"on": [True], "off": [False], "both": [False, True]}[args.duplicates]
        for registry in (int(size) for size in args.registry.split(",")):
            fill_registry(registry)
            for enabled in modes:
                # Without the rows that earlier runs added and deleted.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE cooperation_institution")
                check.enabled = enabled
                say(
                    f"Registry of {registry:,} institutions, duplicate check "
                    f"{'on' if enabled else 'off'}:"
                )
                admin_import(
                    client,
                    content,
                    args.rows,
                    profile=args.profile,
                    check=check,
                    chromium=args.browser,
                )
    finally:
        connection.close()
        if not args.keep:
            with server.cursor() as cursor:
                cursor.execute(f'DROP DATABASE "{name}"')
        server.close()


if __name__ == "__main__":
    main()
