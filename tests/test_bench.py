"""scripts/bench.py (`make bench`): the parts that do not need a server."""

import importlib.util
import sys

import pytest
from django.conf import settings

SCRIPTS = settings.BASE_DIR / "scripts"


def load_bench():
    # bench.py imports its neighbour benchdb.py, as when run as a script.
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location("bench", SCRIPTS / "bench.py")
        module = importlib.util.module_from_spec(spec)
        # Its dataclasses look their module up while being made.
        sys.modules["bench"] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


bench = load_bench()

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/en/
  1 threads and 5 connections
  1234 requests in 5.00s, 12.00MB read
Requests/sec:    246.80
BENCH requests=1234 duration_us=5000000 bytes=12582912 not_ok=0 timeouts=0 \
socket_errors=0 p50_us=12345 p90_us=20000 p95_us=25500 p99_us=40100 max_us=61000
"""


def bench_line(**values) -> str:
    line = {
        "requests": 100,
        "duration_us": 5_000_000,
        "bytes": 1000,
        "not_ok": 0,
        "timeouts": 0,
        "socket_errors": 0,
        "p50_us": 10_000,
        "p90_us": 20_000,
        "p95_us": 30_000,
        "p99_us": 40_000,
        "max_us": 50_000,
    }
    line.update(values)
    return "BENCH " + " ".join(f"{key}={value}" for key, value in line.items())


def test_wrk_output_is_read_from_the_lua_line():
    run = bench.parse_wrk(WRK_OUTPUT)
    assert run.requests == 1234
    assert run.seconds == 5.0
    assert run.rate == pytest.approx(246.8)
    assert (run.p50, run.p90, run.p95, run.p99) == (12.345, 20.0, 25.5, 40.1)
    assert run.errors == 0


def test_bad_statuses_timeouts_and_socket_errors_are_errors():
    run = bench.parse_wrk(bench_line(not_ok=3, timeouts=2, socket_errors=1))
    assert run.errors == 6


def test_page_where_nothing_finished_has_no_latency_rather_than_zero():
    run = bench.parse_wrk(
        bench_line(requests=0, timeouts=14, p50_us=0, p95_us=0, p99_us=0, max_us=0)
    )
    assert (run.p50, run.p95, run.p99) == (None, None, None)
    assert run.errors == 14
    assert bench.fmt_ms(run.p95) == "timeout"


def test_run_in_which_nothing_answered_counts_each_connection_as_a_timeout():
    silent = bench_line(requests=0, p50_us=0, p95_us=0, p99_us=0, max_us=0)
    run = bench.parse_wrk(silent, connections=20)
    assert (run.rate, run.timeouts, run.p50) == (0.0, 20, None)


def test_percentiles_above_the_share_of_timeouts_are_unknown():
    # 10 of 100 requests timed out: the median is known, the 95th is not.
    run = bench.parse_wrk(bench_line(requests=100, timeouts=10))
    assert run.p50 == 10.0
    assert run.p90 == 20.0
    assert (run.p95, run.p99) == (None, None)


def test_wrk_output_without_the_lua_line_is_refused():
    with pytest.raises(ValueError, match="no BENCH line"):
        bench.parse_wrk("Requests/sec: 12.3\n")


def test_last_page_is_the_highest_page_linked():
    html = (
        '<a href="?page=2">2</a> <a href="?q=music&amp;page=50">50</a> '
        '<a href="/en/exchanges/?kind=forum&page=9">9</a> <span>page=7000</span>'
    )
    assert bench.last_page(html) == 50
    assert bench.last_page("<p>one page only</p>") is None


def test_queries_are_percent_encoded_for_wrk():
    assert bench.with_query("/en/exchanges/", q="音乐") == (
        "/en/exchanges/?q=%E9%9F%B3%E4%B9%90"
    )
    assert bench.with_query("/e/", kind="performance", country="CN") == (
        "/e/?kind=performance&country=CN"
    )
    assert bench.with_query("/en/") == "/en/"


@pytest.mark.parametrize(
    ("exchanges", "label"), [(10_000, "10k"), (1_000_000, "1m"), (2_500, "2500")]
)
def test_size_labels(exchanges, label):
    assert bench.size_label(exchanges) == label


def test_sizes_are_read_as_exchanges_and_institutions():
    assert bench.parse_sizes("10000:2000,1_000_000:100_000") == [
        (10_000, 2_000),
        (1_000_000, 100_000),
    ]
    with pytest.raises(Exception, match="EXCHANGES:INSTITUTIONS"):
        bench.parse_sizes("10000")


def run(rate=100.0, p50=10.0, p95=20.0, p99=30.0, errors=0):
    return bench.Run(
        requests=int(rate * 5),
        seconds=5.0,
        not_ok=errors,
        timeouts=0,
        socket_errors=0,
        p50=p50,
        p90=p95,
        p95=p95,
        p99=p99,
    )


def measured(result, key, kb=10, **figures):
    """Record page ``key`` in ``result`` as measured with ``figures``."""
    pages = {page.key: page for page in PAGES}
    result.pages[key] = bench.PageResult(
        pages[key],
        status=200,
        size_bytes=kb * 1024,
        latency=run(**figures),
        throughput=run(**figures),
    )
    return result.pages[key]


PAGES = bench.pages_for(
    kind="forum", country="CN", exchange="x-1", institution="i-1", last=500
)


def sized(exchanges):
    result = bench.SizeResult(exchanges, exchanges // 5, workers=5, threads=4)
    measured(result, "floor-first", rate=1100.0, p50=1.0, p95=2.0)
    measured(result, "floor-last", rate=900.0, p50=1.0, p95=2.0)
    return result


def test_pages_are_measured_between_two_floors():
    keys = [page.key for page in PAGES]
    assert keys[0] == "floor-first"
    assert keys[-1] == "floor-last"
    paths = {page.key: page.path for page in PAGES}
    assert paths["catalog-last"] == "/en/exchanges/?page=500"
    assert paths["catalog-filtered"] == "/en/exchanges/?kind=forum&country=CN"
    assert paths["exchange-detail"] == "/en/exchanges/x-1/"
    assert [page.key for page in PAGES if page.admin] == [
        "admin-changelist",
        "admin-search",
    ]


def test_the_api_list_and_detail_are_measured():
    paths = {page.key: page.path for page in PAGES}
    assert paths["api-exchanges"] == "/api/v1/exchanges/"
    assert paths["api-exchange"] == "/api/v1/exchanges/x-1/"
    pages = {page.key: page for page in PAGES}
    assert pages["api-exchanges"].public and not pages["api-exchanges"].admin


def test_api_targets_of_issue_12():
    small, large = sized(10_000), sized(1_000_000)
    measured(small, "api-exchanges", rate=390.0, p95=20.0)
    measured(small, "api-exchange", rate=510.0, p95=20.0)
    measured(large, "api-exchanges", p95=90.0)
    measured(large, "api-exchange", p95=120.0)
    got = verdicts([small, large])
    assert got[("10k", "API, exchanges: throughput ≥ 40% of the floor")] is False
    assert got[("10k", "API, exchange: throughput ≥ 50% of the floor")] is True
    assert got[("1m", "API, exchanges: p95 ≤ 100 ms")] is True
    assert got[("1m", "API, exchange: p95 ≤ 100 ms")] is False


def test_share_of_the_floor_uses_the_mean_of_both_floor_runs():
    result = sized(10_000)
    measured(result, "catalog", rate=450.0)
    assert result.floor == pytest.approx(1000.0)
    assert result.share("catalog") == pytest.approx(0.45)


def test_size_table_shows_timeouts_and_shares():
    result = sized(10_000)
    measured(result, "catalog", rate=450.0, p50=9.04, p95=None, p99=None, errors=3)
    table = bench.size_table(result).splitlines()
    assert table[0].startswith("| page | path | req/s | p50 ms | p95 ms |")
    assert table[1].startswith("| --- | --- | ---: |")
    catalog = next(line for line in table if line.startswith("| catalog |"))
    cells = [cell.strip() for cell in catalog.strip("|").split("|")]
    assert cells == [
        "catalog",
        "`/en/exchanges/`",
        "450.0",
        "9.0",
        "timeout",
        "timeout",
        "6",
        "45.0 %",
        "10",
    ]


def test_ratio_of_medians_between_sizes():
    small, large = sized(10_000), sized(1_000_000)
    measured(small, "catalog", p50=20.0)
    measured(large, "catalog", p50=50.0)
    measured(small, "home", p50=10.0)
    measured(large, "home", p50=None)
    measured(small, "feed", p50=10.0)
    ratios = {key: ratio for key, _l, _b, _a, ratio in bench.p50_ratios(small, large)}
    assert ratios["catalog"] == pytest.approx(2.5)
    assert ratios["home"] is None
    assert "feed" not in ratios
    assert "| catalog |  | 20.0 | 50.0 | 2.50 |" in bench.ratio_table(small, large)


def verdicts(results):
    return {(t.size, t.text): t.passed for t in bench.check_targets(results)}


def test_targets_at_10k():
    result = sized(10_000)
    measured(result, "catalog", rate=450.0, p95=40.0)
    measured(result, "search-en", rate=200.0, p95=60.0)
    measured(result, "exchange-detail", rate=600.0, p95=10.0, errors=1)
    measured(result, "admin-changelist", rate=100.0, p95=400.0)
    got = verdicts([result])
    assert got[("10k", "catalog: throughput ≥ 40% of the floor")] is True
    assert got[("10k", "catalog: p95 ≤ 50 ms")] is True
    assert got[("10k", "search, English: throughput ≥ 25% of the floor")] is False
    assert got[("10k", "search, English: p95 ≤ 50 ms")] is False
    # Fast, but with an error: fails.
    assert got[("10k", "exchange: p95 ≤ 50 ms")] is False
    assert got[("10k", "admin changelist: throughput ≥ 15% of the floor")] is False
    # The admin is not a public page; the floor is not judged.
    assert ("10k", "admin changelist: p95 ≤ 50 ms") not in got
    assert not any("robots" in text for _size, text in got)


def test_targets_at_1m_and_the_ratio():
    small, large = sized(10_000), sized(1_000_000)
    measured(small, "catalog", p50=20.0, kb=40)
    measured(large, "catalog", p50=25.0, p95=90.0, kb=61)
    measured(small, "catalog-last", p50=20.0)
    measured(large, "catalog-last", p50=150.0, p95=180.0)
    measured(small, "exchange-detail", p50=10.0)
    measured(large, "exchange-detail", p50=12.0, p95=31.0)
    measured(large, "admin-search", p95=250.0)
    got = verdicts([small, large])
    assert got[("1m", "catalog: p95 ≤ 100 ms")] is True
    assert got[("1m", "catalog, last page: p95 ≤ 200 ms")] is True
    assert got[("1m", "exchange: p95 ≤ 30 ms")] is False
    assert got[("1m", "admin search: p95 ≤ 300 ms")] is True
    assert got[("1m/10k", "catalog: p50 ≤ 1.5 × 10k")] is True
    assert got[("1m/10k", "catalog, last page: p50 ≤ 1.5 × 10k")] is False
    assert got[("10k", "catalog: HTML under 60 KB")] is True
    assert got[("1m", "catalog: HTML under 60 KB")] is False


def test_size_of_a_page_counts_even_when_some_requests_failed():
    result = sized(10_000)
    measured(result, "catalog", kb=30, errors=2)
    got = verdicts([result])
    assert got[("10k", "catalog: HTML under 60 KB")] is True
    assert got[("10k", "catalog: p95 ≤ 50 ms")] is False


def test_incomplete_csv_download_fails_its_target():
    result = sized(1_000_000)
    result.download = bench.Download(
        status=200,
        rows=57_583,
        size_bytes=9 * 1024 * 1024,
        seconds=30.2,
        complete=False,
        error="IncompleteRead",
    )
    assert verdicts([result])[("1m", "CSV export downloads complete")] is False
    assert "57,583 rows" in bench.download_line(result)
    assert "INCOMPLETE (IncompleteRead)" in bench.download_line(result)
    text = bench.targets_text(bench.check_targets([result]))
    assert "- FAIL 1m, CSV export downloads complete" in text
    assert text.endswith("0 of 1 targets met.")
