"""The plans PostgreSQL chooses for the busiest pages, on enough generated
rows to make the planner honest (``generate_data`` analyses what it makes):
no page may read a table of more than LARGE rows from end to end.

The module generates its data into the test database once, outside the
tests' transactions, and deletes it afterwards; each page is then requested
and every SELECT it sent is explained as it was sent."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.models import Exchange, Institution

LARGE = 10_000
EXCHANGES = 30_000
INSTITUTIONS = 3_000

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def generated(django_db_blocker):
    with django_db_blocker.unblock():
        call_command(
            "generate_data",
            exchanges=EXCHANGES,
            institutions=INSTITUTIONS,
            verbosity=0,
        )
        try:
            yield
        finally:
            call_command("generate_data", exchanges=0, institutions=0, verbosity=0)


def large_scans(sql: str) -> list[str]:
    """The tables of more than LARGE rows that ``sql``'s plan reads with a
    sequential scan."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        scanned = []

        def walk(node):
            if node["Node Type"] == "Seq Scan":
                scanned.append(node["Relation Name"])
            for child in node.get("Plans", []):
                walk(child)

        walk(plan[0]["Plan"])
        large = []
        for table in scanned:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            if cursor.fetchone()[0] > LARGE:
                large.append(table)
    return large


PUBLIC_PAGES = [
    "/en/exchanges/",
    "/en/exchanges/?page=2",
    "/en/exchanges/?page=last",
    "/en/exchanges/?q=music",
    "/en/exchanges/?q=音乐",
    "/en/exchanges/?q=乐&sort=newest",
    "/en/exchanges/?country=CN&field=02",
    "/en/exchanges/?institution={slug}",
    "/en/exchanges/?sort=newest",
    "/en/exchanges/exchange-slug/",
    "/en/exchanges/feed/",
    "/en/agreements/",
]
ADMIN_PAGES = [
    "/admin/cooperation/exchange/",
    "/admin/cooperation/exchange/?q=music",
    "/admin/cooperation/exchange/?q=上海",
]


@pytest.mark.parametrize("address", PUBLIC_PAGES + ADMIN_PAGES)
def test_page_reads_no_large_table_end_to_end(client, superuser, generated, address):
    assert Exchange.objects.count() > LARGE
    busiest = Institution.objects.order_by("-pk").values_list("slug", flat=True)
    address = address.format(slug=busiest.first())
    if "exchange-slug" in address:
        address = Exchange.objects.public().order_by("pk").first().get_absolute_url()
    if address.startswith("/admin/"):
        client.force_login(superuser)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200

    selects = [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT") and "cooperation_" in query["sql"]
    ]
    assert selects
    for sql in selects:
        assert large_scans(sql) == [], sql
