"""Benchmark full-text search (cooperation/search.py) at a million exchanges.

Usage, with the project's environment (the database in DATABASE_URL is only
used to reach the server; the benchmark makes its own):

    DATABASE_URL=postgres://... .venv/bin/python scripts/benchmark_search.py
    ... --rows 100000       fewer exchanges (default 1,000,000)
    ... --keep              keep the benchmark database afterwards
    ... --reuse             use a kept benchmark database as it is

It creates the database ``<name>_bench``, migrates it, fills it with
institutions and exchanges whose titles mix Chinese, English, Dutch and
French (in SQL, INSERT ... SELECT from generate_series: the ORM would take
hours), runs VACUUM ANALYZE, then times each search as the ORM runs it: the
first page of 20 by rank and the count of matches, median of --repeat runs
after one warm-up, and prints which indexes the plan uses. It prints figures;
it asserts nothing. Results are recorded in docs/benchmarks.md.
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

CITIES = [  # zh, en, nl, fr
    ("上海", "Shanghai", "Shanghai", "Shanghai"),
    ("北京", "Beijing", "Peking", "Pékin"),
    ("天津", "Tianjin", "Tianjin", "Tianjin"),
    ("海南", "Hainan", "Hainan", "Hainan"),
    ("广州", "Guangzhou", "Guangzhou", "Canton"),
    ("深圳", "Shenzhen", "Shenzhen", "Shenzhen"),
    ("杭州", "Hangzhou", "Hangzhou", "Hangzhou"),
    ("南京", "Nanjing", "Nanjing", "Nankin"),
    ("成都", "Chengdu", "Chengdu", "Chengdu"),
    ("武汉", "Wuhan", "Wuhan", "Wuhan"),
    ("西安", "Xi'an", "Xi'an", "Xi'an"),
    ("重庆", "Chongqing", "Chongqing", "Chongqing"),
    ("青岛", "Qingdao", "Qingdao", "Qingdao"),
    ("厦门", "Xiamen", "Xiamen", "Xiamen"),
    ("苏州", "Suzhou", "Suzhou", "Suzhou"),
    ("长沙", "Changsha", "Changsha", "Changsha"),
    ("郑州", "Zhengzhou", "Zhengzhou", "Zhengzhou"),
    ("济南", "Jinan", "Jinan", "Jinan"),
    ("大连", "Dalian", "Dalian", "Dalian"),
    ("宁波", "Ningbo", "Ningbo", "Ningbo"),
    ("安特卫普", "Antwerp", "Antwerpen", "Anvers"),
    ("布鲁塞尔", "Brussels", "Brussel", "Bruxelles"),
    ("根特", "Ghent", "Gent", "Gand"),
    ("鲁汶", "Leuven", "Leuven", "Louvain"),
    ("列日", "Liège", "Luik", "Liège"),
    ("里尔", "Lille", "Rijsel", "Lille"),
    ("巴黎", "Paris", "Parijs", "Paris"),
    ("里昂", "Lyon", "Lyon", "Lyon"),
    ("阿姆斯特丹", "Amsterdam", "Amsterdam", "Amsterdam"),
    ("鹿特丹", "Rotterdam", "Rotterdam", "Rotterdam"),
]
SUBJECTS = [
    ("音乐", "music", "muziek", "musique"),
    ("护理", "nursing", "verpleegkunde", "soins infirmiers"),
    ("机械工程", "mechanical engineering", "werktuigbouwkunde", "génie mécanique"),
    ("旅游", "tourism", "toerisme", "tourisme"),
    ("烹饪", "culinary arts", "kookkunst", "arts culinaires"),
    ("汽车技术", "automotive technology", "autotechniek", "technique automobile"),
    ("电子", "electronics", "elektronica", "électronique"),
    ("现代农业", "modern agriculture", "moderne landbouw", "agriculture moderne"),
    ("物流", "logistics", "logistiek", "logistique"),
    ("设计", "design", "ontwerp", "design"),
    ("康复", "rehabilitation", "revalidatie", "réadaptation"),
    ("舞蹈", "dance", "dans", "danse"),
    ("戏剧", "theatre", "theater", "théâtre"),
    ("焊接", "welding", "lassen", "soudage"),
    ("酒店管理", "hotel management", "hotelmanagement", "hôtellerie"),
    ("会计", "accounting", "boekhouding", "comptabilité"),
    ("建筑", "architecture", "architectuur", "architecture"),
    ("航海", "maritime studies", "maritieme opleiding", "études maritimes"),
    ("茶艺", "tea culture", "theecultuur", "culture du thé"),
    ("信息技术", "information technology", "informatica", "informatique"),
]
KINDS = [
    ("交流项目", "Exchange programme", "Uitwisselingsprogramma", "Programme d'échange"),
    ("夏令营", "Summer school", "Zomerschool", "École d'été"),
    ("教师培训", "Teacher training", "Lerarenopleiding", "Formation des enseignants"),
    ("研修班", "Workshop", "Workshop", "Atelier"),
    ("实习", "Internship", "Stage", "Stage"),
    ("访问团", "Study visit", "Studiebezoek", "Visite d'étude"),
    ("技能大赛", "Skills competition", "Vakwedstrijd", "Concours de métiers"),
    ("联合课程", "Joint course", "Gezamenlijke cursus", "Cours commun"),
]
SCHOOL_TYPES = [  # zh, en
    ("职业技术学院", "Vocational and Technical College"),
    ("音乐学院", "Conservatory of Music"),
    ("大学", "University"),
    ("职业学校", "Vocational School"),
    ("旅游学院", "Tourism College"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    return parser.parse_args()


def values_sql(rows: list[tuple]) -> str:
    """A VALUES list with an index column first (0, 1, ...), quoted."""

    def quote(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    return ", ".join(
        "(" + ", ".join([str(i), *(quote(v) for v in row)]) + ")"
        for i, row in enumerate(rows)
    )


def fill(rows: int) -> None:
    from django.db import connection

    from cooperation.models import Exchange

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2026)")
        for table, columns, data in (
            ("bench_city", "zh, en, nl, fr", CITIES),
            ("bench_subject", "zh, en, nl, fr", SUBJECTS),
            ("bench_kind", "zh, en, nl, fr", KINDS),
            ("bench_type", "zh, en", SCHOOL_TYPES),
        ):
            cursor.execute(
                f"CREATE TEMP TABLE {table} AS SELECT * FROM "
                f"(VALUES {values_sql(data)}) AS v (i, {columns})"
            )
        # Institution 1 is the Shanghai Conservatory of Music, as in the demo.
        cursor.execute(
            """
            INSERT INTO cooperation_institution (
                slug, published, is_sample, created, updated, name, name_en,
                name_zh_hans, name_nl, name_fr, official_name, acronym, aliases,
                kind, level, country, region, city, address, website, email,
                erasmus_code, schac_code, pic, other_identifier, description,
                description_en, logo)
            SELECT 'bench-institution-' || g, true, true, now(), now(),
                   name_en, name_en, name_zh, NULL, NULL, name_zh, '', '',
                   'school', '', 'CN', '', c.en, '', '', '', '', '', '', '', '',
                   CASE WHEN g %% 3 = 0 THEN 'A college in ' || c.en || '.' END, ''
            FROM (
                SELECT g,
                       CASE WHEN g = 1 THEN 0 ELSE (g * 7) %% 30 END AS ci,
                       CASE WHEN g = 1 THEN 1 ELSE (g / 30) %% 5 END AS ti
                FROM generate_series(1, %s) AS g
            ) AS r
            JOIN bench_city AS c ON c.i = r.ci
            JOIN bench_type AS t ON t.i = r.ti
            CROSS JOIN LATERAL (
                SELECT c.zh || t.zh || CASE WHEN g > 150 THEN g::text ELSE '' END
                           AS name_zh,
                       c.en || ' ' || t.en
                           || CASE WHEN g > 150 THEN ' ' || g ELSE '' END AS name_en
            ) AS names
            """,
            [INSTITUTIONS],
        )
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["exchange_search_vector_gin"],
        )
        (index_sql,) = cursor.fetchone()
        # Building a GIN index once is faster than updating it a million times.
        cursor.execute("DROP INDEX exchange_search_vector_gin")
        cursor.execute(
            """
            INSERT INTO cooperation_exchange (
                slug, published, is_sample, created, updated, kind, title,
                title_en, title_zh_hans, title_nl, title_fr, summary, summary_en,
                description, eligibility, how_to_apply, contact_email,
                external_url, starts_on, mode, city, country, outcomes,
                cancelled, host_id)
            SELECT 'bench-exchange-' || r.g, true, true, now(), now(), %s,
                   k.en || ': ' || s.en || ' in ' || c.en,
                   k.en || ': ' || s.en || ' in ' || c.en,
                   c.zh || s.zh || k.zh,
                   CASE WHEN r.g %% 2 = 0
                        THEN k.nl || ' ' || s.nl || ' in ' || c.nl END,
                   CASE WHEN r.g %% 3 = 0
                        THEN k.fr || ' : ' || s.fr || ' à ' || c.fr END,
                   '',
                   CASE WHEN r.g %% 4 = 0
                        THEN 'Students and teachers of ' || s2.en
                             || ' meet their peers; visits, lessons and a '
                             || 'final performance.' END,
                   '', '', '', '', '', date '2027-01-01' + r.g %% 700, 'on_site',
                   '', '', '', false, ids.ids[1 + r.hi]
            FROM (
                SELECT g,
                       floor(random() * 30)::int AS ci,
                       floor(random() * 20)::int AS si,
                       floor(random() * 20)::int AS s2i,
                       floor(random() * 8)::int AS ki,
                       floor(random() * %s)::int AS hi
                FROM generate_series(1, %s) AS g
            ) AS r
            JOIN bench_city AS c ON c.i = r.ci
            JOIN bench_subject AS s ON s.i = r.si
            JOIN bench_subject AS s2 ON s2.i = r.s2i
            JOIN bench_kind AS k ON k.i = r.ki
            CROSS JOIN (
                SELECT array_agg(id ORDER BY id) AS ids FROM cooperation_institution
            ) AS ids
            """,
            [Exchange.Kind.STUDENT_EXCHANGE.value, INSTITUTIONS, rows],
        )
        loaded = time.perf_counter()
        cursor.execute(index_sql)
        indexed = time.perf_counter()
        # A partner for three exchanges in ten.
        cursor.execute(
            """
            INSERT INTO cooperation_exchange_partners (exchange_id, institution_id)
            SELECT e.id, ids.ids[1 + floor(random() * %s)::int]
            FROM cooperation_exchange AS e
            CROSS JOIN (
                SELECT array_agg(id ORDER BY id) AS ids FROM cooperation_institution
            ) AS ids
            WHERE random() < 0.3
            """,
            [INSTITUTIONS],
        )
        cursor.execute("VACUUM ANALYZE")
    done = time.perf_counter()
    say(
        f"Filled {rows:,} exchanges and {INSTITUTIONS:,} institutions in "
        f"{done - started:.0f} s (insert with stored vectors {loaded - started:.0f} s, "
        f"GIN index {indexed - loaded:.0f} s)."
    )


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
