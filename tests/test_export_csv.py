"""The catalog's CSV export (``exchange-csv``): every row complete, the
catalog's filters, spreadsheet formulas defused, a bounded number of queries
however many rows, and a failure while streaming that reaches the server."""

import csv
import datetime
import io
import itertools
import logging

import pytest
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cooperation.models import Exchange
from cooperation.public import feeds
from cooperation.public.filters import ExchangeFilter
from tests.factories import make_exchange, make_institution

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 6, 15)


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2027, 6, 15, 10, 0, tzinfo=datetime.UTC))


def csv_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("exchange-csv")


def download(client, params=None, language: str = "en") -> list[list[str]]:
    response = client.get(csv_url(language), params or {})
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def many_exchanges(count: int, first: int = 0) -> list[Exchange]:
    """``count`` published exchanges of every kind, mode and state, hosted by
    a few institutions, some with their own city and country, some with
    Chinese titles (bulk-created: a few queries)."""
    hosts = [
        make_institution(
            name_en="Shanghai Conservatory of Music",
            name_zh_hans="上海音乐学院",
            country="CN",
            city="Shanghai",
        ),
        make_institution(name_en="AP Hogeschool", country="BE", city="Antwerp"),
        make_institution(name_en="Hogeschool Gent", country="BE", city=""),
    ]
    kinds = itertools.cycle(Exchange.Kind.values)
    modes = itertools.cycle(Exchange.Mode.values)
    exchanges = []
    for number in range(first, first + count):
        starts_on = TODAY + datetime.timedelta(days=number % 97 - 48)
        exchanges.append(
            Exchange(
                title_en=f"Exchange number {number}",
                title_zh_hans=f"交流项目 {number}" if number % 3 == 0 else None,
                slug=f"exchange-number-{number}",
                kind=next(kinds),
                mode=next(modes),
                host=hosts[number % len(hosts)],
                starts_on=starts_on,
                ends_on=(
                    starts_on + datetime.timedelta(days=number % 20)
                    if number % 4
                    else None
                ),
                application_deadline=(
                    starts_on - datetime.timedelta(days=number % 3)
                    if number % 5
                    else None
                ),
                city="Ningbo" if number % 7 == 0 else "",
                country="FR" if number % 11 == 0 else "",
                cancelled=number % 13 == 0,
                published=True,
            )
        )
    return Exchange.objects.bulk_create(exchanges)


def expected_rows(params=None, language: str = "en") -> list[list[str]]:
    """The rows as the export made them from model instances before it was
    made fast, in the catalog's order: the reference the fast export must
    equal."""
    with translation.override(language):
        request = RequestFactory().get(csv_url(language), params or {})
        filterset = ExchangeFilter(
            request.GET,
            queryset=Exchange.objects.public().select_related("host"),
            request=request,
        )
        rows = []
        for exchange in filterset.pages():
            rows.append(
                [
                    exchange.title,
                    exchange.get_kind_display(),
                    exchange.host.name,
                    exchange.starts_on.isoformat(),
                    exchange.ends_on.isoformat() if exchange.ends_on else "",
                    (
                        exchange.application_deadline.isoformat()
                        if exchange.application_deadline
                        else ""
                    ),
                    exchange.get_mode_display(),
                    exchange.location_city,
                    exchange.location_country.name,
                    exchange.state_label,
                    request.build_absolute_uri(exchange.get_absolute_url()),
                ]
            )
        return [[str(value) for value in row] for row in rows]


def test_every_row_is_complete_and_in_the_catalog_order(client):
    many_exchanges(300)
    make_exchange(title_en="Unpublished exchange", published=False)
    rows = download(client)
    assert rows[0] == [
        "Title",
        "Kind",
        "Host institution",
        "Starts on",
        "Ends on",
        "Application deadline",
        "Mode",
        "City",
        "Country",
        "State",
        "Web address",
    ]
    assert len(rows) == 301
    assert rows[1:] == expected_rows()
    # The values the reference computes are the ones expected, spot-checked.
    first = next(row for row in rows if row[0] == "Exchange number 7")
    assert first[2] == "AP Hogeschool"
    assert first[7] == "Ningbo"  # the exchange's own city
    assert first[8] == "Belgium"  # the host's country
    assert first[10] == "http://testserver/en/exchanges/exchange-number-7/"
    states = {row[9] for row in rows[1:]}
    assert states == {label for _value, label in Exchange.State.choices}


def test_rows_are_in_the_order_of_the_catalog_pages(client):
    many_exchanges(45)
    titles = [row[0] for row in download(client)[1:]]
    shown = []
    for number in (1, 2, 3):
        page = client.get(reverse("exchange-list"), {"page": number})
        shown += [exchange.title for exchange in page.context["object_list"]]
    assert shown == titles


def test_rows_follow_the_language_of_the_address(client):
    many_exchanges(30)
    rows = download(client, language="zh-hans")
    assert rows[1:] == expected_rows(language="zh-hans")
    by_slug = {row[10].rsplit("/", 2)[-2]: row for row in rows[1:]}
    chinese, english_only = by_slug["exchange-number-3"], by_slug["exchange-number-4"]
    assert chinese[0] == "交流项目 3"
    assert english_only[0] == "Exchange number 4"  # the English fallback
    assert chinese[2] == "上海音乐学院"
    assert chinese[10].startswith("http://testserver/zh-hans/exchanges/")
    assert rows[0][0] != "Title"  # the header is translated too


@pytest.mark.parametrize(
    "params",
    [
        {"country": "CN"},
        {"kind": "teacher"},
        {"mode": "online"},
        {"state": "running"},
        {"open": "on"},
        {"starts_from": "2027-06-01", "starts_until": "2027-06-30"},
        {"q": "Shanghai"},
        {"sort": "title"},
    ],
)
def test_rows_are_the_catalogs_current_result(client, params):
    many_exchanges(60)
    rows = download(client, params)
    expected = expected_rows(params)
    assert 0 < len(expected) < 60 or params.get("sort")
    assert rows[1:] == expected


def test_formulas_are_defused_and_numbers_kept(client):
    host = make_institution(name_en="@Evil Institute", city="+32 city")
    make_exchange(title_en='=HYPERLINK("http://evil.example","x")', host=host)
    make_exchange(title_en="-3.5", host=make_institution(name_en="Harmless"))
    make_exchange(title_en="\tTabbed", host=make_institution(name_en="Harmless too"))
    rows = {row[0]: row for row in download(client)[1:]}
    evil = rows['\'=HYPERLINK("http://evil.example","x")']
    assert evil[2] == "'@Evil Institute"
    assert evil[7] == "'+32 city"
    assert "-3.5" in rows  # a number, not a formula
    assert "'\tTabbed" in rows


def test_queries_do_not_grow_with_the_rows(client, monkeypatch):
    monkeypatch.setattr(feeds, "CSV_CHUNK_ROWS", 20)  # several fetches
    many_exchanges(10)

    def queries() -> int:
        cache.clear()  # the filters' cached choices
        with CaptureQueriesContext(connection) as context:
            assert len(download(client, {"country": "BE"})) > 1
        return len(context.captured_queries)

    few = queries()
    # The filter's countries, a savepoint, a setting, one query for each of
    # the four parts of the "upcoming first" order, the release.
    assert few <= 8
    many_exchanges(200, first=10)
    assert queries() == few


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_client_gone_mid_stream_leaves_the_connection_clean(monkeypatch):
    monkeypatch.setattr(feeds, "CSV_CHUNK_ROWS", 10)
    many_exchanges(50)
    with translation.override("en"):
        response = feeds.exchange_csv(RequestFactory().get(csv_url()))
    content = iter(response.streaming_content)
    next(content), next(content)
    # What the server does when the client goes away, without closing the
    # test's database connection (the test client does the same).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert Exchange.objects.count() == 50  # the connection still works


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_failure_while_streaming_reaches_the_server(client, monkeypatch, caplog):
    """The error is raised out of the response's iterator (gunicorn then
    closes the connection without the chunked response's last chunk, so
    the client sees a broken download), and logged."""
    monkeypatch.setattr(feeds, "CSV_CHUNK_ROWS", 10)
    many_exchanges(50)

    class FailingOnRow26:
        """Stands for anything that fails mid-stream (the database, a bug):
        the formula check runs on three cells of every row."""

        calls = 0

        def match(self, text):
            self.calls += 1
            if self.calls > 3 * 25:
                raise RuntimeError("the database went away")

    monkeypatch.setattr(feeds, "FORMULA_START", FailingOnRow26())
    response = client.get(csv_url())
    assert response.status_code == 200
    assert not response.has_header("Content-Length")  # chunked by the server
    content = iter(response.streaming_content)
    received = [next(content), next(content)]
    assert received[0].decode("utf-8-sig").startswith("Title,")
    assert b"".join(received).count(b"\n") == 1 + 20
    with caplog.at_level(logging.ERROR, logger="cooperation.public.feeds"):
        with pytest.raises(RuntimeError, match="the database went away"):
            next(content)
    assert "The CSV export failed after 25 rows." in caplog.text
