"""scripts/soak.py (`make soak`): how it judges answers, without a server.

The answers judged here are the registry's own, made with the test client,
so that the script's expectations (the CSV's width, the rate limit's and the
thank-you's words in each language) cannot drift from the app unnoticed."""

import datetime
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import make_exchange

SCRIPTS = settings.BASE_DIR / "scripts"


def load_soak():
    # soak.py imports bench.py and benchdb.py, its neighbours, as a script does.
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location("soak", SCRIPTS / "soak.py")
        module = importlib.util.module_from_spec(spec)
        # Its dataclasses look their module up while being made.
        sys.modules["soak"] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


soak = load_soak()
Answer = soak.Answer


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    # The factories' exchanges run in March 2027: open for interest now.
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC))


def answer_of(response) -> Answer:
    """The test client's response as the script's client sees it."""
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    headers = {name.lower(): value for name, value in response.items()}
    return Answer(response.status_code, headers, body)


def interest_data(**changes) -> dict:
    data = {
        "name": "Soak visitor",
        "email": "soak@example.org",
        "organisation": "",
        "message": "",
        "consent": "on",
        "website": "",
    }
    return {**data, **changes}


def exchange_address(exchange, language: str) -> str:
    with translation.override(language):
        return exchange.get_absolute_url()


# --- any answer ---------------------------------------------------------------


def test_server_error_is_an_error():
    found = soak.problem(Answer(500, {"content-type": "text/html"}, b"<html></html>"))
    assert found == "server error: status 500"


def test_connection_dropped_midway_is_an_error():
    answer = Answer(None, error="IncompleteRead: IncompleteRead(1024 bytes read)")
    assert soak.problem(answer).startswith("no complete answer: IncompleteRead")


def test_unexpected_status_names_the_expected_one():
    answer = Answer(404, {"content-type": "text/html"}, b"</html>")
    assert soak.problem(answer) == "status 404, expected 200"
    assert soak.problem(Answer(302), (302,)) is None


def test_html_page_cut_off_is_an_error():
    page = Answer(200, {"content-type": "text/html"}, b"<html><body>half")
    assert "cut off after 16 bytes" in soak.problem(page)


# --- the CSV export -------------------------------------------------------------


@pytest.mark.django_db
def test_complete_export_passes_and_a_truncated_one_is_flagged(client):
    for number in range(3):
        make_exchange(title=f"Exchange, with a comma {number}")
    whole = answer_of(client.get(reverse("exchange-csv")))
    assert soak.csv_problem(whole) is None

    body = whole.body
    cut_in_a_row = Answer(200, whole.headers, body[: body.rindex(b",") + 1])
    assert soak.csv_problem(cut_in_a_row).startswith("the last row is cut off")
    # Cut after a comma and given a line end: a row too narrow.
    narrow = Answer(200, whole.headers, body[: body.rindex(b",")] + b"\r\n")
    assert soak.csv_problem(narrow) == (
        f"row 4 has {soak.CSV_COLUMNS - 1} columns, the header {soak.CSV_COLUMNS}"
    )
    html = Answer(200, {"content-type": "text/html"}, b"</html>\n")
    assert "expected text/csv" in soak.csv_problem(html)


# --- interest registrations -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_rate_limited_interest_answer_is_expected(client, settings, language):
    settings.INTEREST_RATE_LIMIT = 0  # every registration is one too many
    address = exchange_address(make_exchange(), language)
    answer = answer_of(client.post(address, interest_data()))
    rate_limited = soak.translated(soak.RATE_LIMITED)[language]
    assert soak.interest_outcome(answer, rate_limited=rate_limited) == (
        "rate-limited",
        None,
    )


@pytest.mark.django_db
def test_accepted_interest_redirects_to_a_page_that_thanks(client):
    address = exchange_address(make_exchange(), "zh-hans")
    posted = client.post(address, interest_data())
    outcome = soak.interest_outcome(
        answer_of(posted), rate_limited=soak.translated(soak.RATE_LIMITED)["zh-hans"]
    )
    assert outcome == ("accepted", None)
    after = client.get(posted["Location"])
    assert soak.translated(soak.THANK_YOU)["zh-hans"] in after.text


@pytest.mark.django_db
def test_interest_form_with_errors_is_an_error(client):
    address = exchange_address(make_exchange(), "en")
    answer = answer_of(client.post(address, interest_data(consent="")))
    outcome, found = soak.interest_outcome(
        answer, rate_limited=soak.translated(soak.RATE_LIMITED)["en"]
    )
    assert outcome is None
    assert found.startswith("the form came back with errors: ")
    assert "Please agree to be contacted" in found


def test_registrations_over_the_limit_are_refused_when_counted_together():
    def expected(number, shared_cache):
        return soak.expected_outcomes(number, limit=5, shared_cache=shared_cache)

    assert expected(5, True) == expected(5, False) == {"accepted"}
    assert expected(6, True) == {"rate-limited"}
    # Each worker counting on its own may let one more through.
    assert expected(6, False) == {"accepted", "rate-limited"}


# --- admin saves --------------------------------------------------------------------


def test_admin_save_must_redirect_back_to_the_admin():
    saved = Answer(302, {"location": "/admin/cooperation/exchange/"})
    assert soak.admin_save_problem(saved) is None
    elsewhere = Answer(302, {"location": "/en/"})
    assert "not back to the admin" in soak.admin_save_problem(elsewhere)
    refused = Answer(
        200,
        {"content-type": "text/html"},
        b'<ul class="errorlist"><li>Enter a whole number.</li></ul></html>',
    )
    assert soak.admin_save_problem(refused) == (
        "the change form came back with errors: Enter a whole number."
    )


# --- figures and the server ----------------------------------------------------------


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(100, 0, -1)]
    assert soak.percentile(values, 50) == 50.0
    assert soak.percentile(values, 95) == 95.0
    assert soak.percentile([], 95) is None


def test_error_lines_of_the_server_log_are_found(tmp_path: Path):
    log = tmp_path / "server.log"
    log.write_text(
        '{"level": "WARNING", "message": "Not Found: /x"}\n'
        '127.0.0.1 - - "GET / HTTP/1.1" 200 10 "-" "-" 5ms\n'
        '{"level": "ERROR", "message": "Internal Server Error: /en/"}\n'
        "[2026-12-03 08:10:53 +0000] [10] [CRITICAL] WORKER TIMEOUT (pid:11)\n"
    )
    found = soak.log_errors(log)
    assert len(found) == 2
    assert "Internal Server Error" in found[0] and "WORKER TIMEOUT" in found[1]


def test_workers_are_the_children_of_the_gunicorn_process():
    # A stand-in master (its command line names gunicorn) with one child.
    master = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time; "
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(20)']);"
            " time.sleep(20)",
            "gunicorn",
        ]
    )
    try:
        children = []
        for _attempt in range(100):
            children = [
                int(path.parent.name)
                for path in Path("/proc").glob("[0-9]*/status")
                if soak.proc_status(int(path.parent.name)).get("PPid", "").strip()
                == str(master.pid)
            ]
            if children:
                break
            time.sleep(0.05)
        workers = soak.worker_memory([master.pid, *children])
        assert list(workers) == children
        resident, peak = workers[children[0]]
        assert 0 < resident <= peak
    finally:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        master.kill()
        master.wait()
