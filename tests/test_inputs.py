"""Input that used to answer 500 or mislead: a NUL in a search or a file
name, invalid filters of the CSV export, the dashboard after an exchange
with interest registrations is deleted, an unreachable mail server, a path
that looks like another site's address, and over-long form fields; and
what tests/test_fuzz.py found: over-long logo names (on disk and in a
bucket), a huge API page size, a 100 kB user name, too many parameters
(Django's bare 400), a long path that took half a minute to log."""

import datetime
import logging
import re
import socket
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.db.models.query import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from icalendar import Calendar

from cooperation.models import Interest
from tests.factories import make_agreement, make_exchange, make_institution
from tests.test_object_storage import bucket, s3_endpoint  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SEARCH_NUL = (
    "The search text contains a null character (U+0000), which cannot be "
    "searched for. Remove it and search again."
)


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def catalog():
    host = make_institution(name_en="AP Hogeschool")
    make_agreement(title_en="Music MoU", parties=[host, make_institution()])
    return [
        make_exchange(title_en="Music exchange", host=host),
        make_exchange(title_en="Nursing exchange", host=host),
    ]


# A NUL in the search ----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["exchange-list", "institution-list", "agreement-list"]
)
@pytest.mark.parametrize(
    "query", ["q=%00", "q=music%00&sort=relevance", "q=%00x&page=1"]
)
def test_a_nul_in_the_search_is_named_on_the_catalog_page(client, catalog, name, query):
    response = client.get(f"{url(name)}?{query}")
    assert response.status_code == 200
    assert escape(SEARCH_NUL) in response.text
    # The search is ignored, the other filters and the order still apply.
    assert response.context["paginator"].count >= 1


def test_a_nul_in_the_search_is_ignored_by_the_calendar(client, catalog):
    response = client.get(url("exchange-calendar"), {"q": "\x00", "sort": "relevance"})
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert {str(event["summary"]) for event in events} == {
        "Music exchange",
        "Nursing exchange",
    }


def test_a_nul_in_a_document_file_name_is_not_found(client):
    assert client.get("/documents/file/a%00b").status_code == 404


# The CSV export ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "\x00"}, f"Search (q): {SEARCH_NUL}"),
        ({"starts_from": "next tuesday"}, "Starting from (starts_from): Enter a valid"),
        ({"kind": "picnic"}, "Kind (kind): Select a valid choice."),
    ],
)
def test_csv_with_invalid_filters_is_refused_with_the_reason(
    client, catalog, params, message
):
    response = client.get(url("exchange-csv"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("This export was not made: some filters")
    assert message in text


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_database_failure_mid_export_breaks_the_stream(client, monkeypatch):
    """An error of the rows' iterator leaves the response's iterator: the
    server then ends the connection without the chunked response's last
    chunk, so the download is incomplete, not a short file with status 200."""
    from cooperation.public import feeds

    monkeypatch.setattr(feeds, "CSV_CHUNK_ROWS", 5)
    host = make_institution()
    for number in range(12):
        make_exchange(title_en=f"Exchange {number:02}", host=host)
    iterator = QuerySet.iterator

    def failing_after_eight(self, *args, **kwargs):
        for number, row in enumerate(iterator(self, *args, **kwargs)):
            if number == 8:
                raise OperationalError("server closed the connection unexpectedly")
            yield row

    monkeypatch.setattr(QuerySet, "iterator", failing_after_eight)
    response = client.get(url("exchange-csv"), {"sort": "title"})
    assert response.status_code == 200  # sent before the first row
    content = iter(response.streaming_content)
    assert next(content).count(b"\n") == 1 + 5
    with pytest.raises(OperationalError, match="server closed the connection"):
        next(content)


# The dashboard after a deletion ------------------------------------------------


def test_dashboard_lists_interests_of_a_deleted_exchange(client, superuser):
    exchange = make_exchange(title_en="Cancelled for good")
    interest = Interest.objects.create(
        exchange=exchange, name="Li Wei", email="li.wei@example.org", consent=True
    )
    exchange_id = exchange.pk
    exchange.delete()  # its interest registrations go with it
    client.force_login(superuser)
    with translation.override("en"):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    # Named by number: the history keeps no personal data (test_privacy.py).
    assert (
        escape(f"registration {interest.pk} – deleted exchange {exchange_id}")
        in response.text
    )
    assert "Li Wei" not in response.text


# Mail that cannot be sent ------------------------------------------------------


@pytest.fixture
def unreachable_mail_server(settings):
    """SMTP, as in production, to a port of this machine where nothing
    listens (the connection is refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        port,
        5,
    )
    return settings


def open_exchange(**fields):
    """An exchange that takes registrations (far ahead: the detail view's
    state is computed on the day its module was imported)."""
    return make_exchange(
        starts_on=datetime.date(2031, 3, 1),
        ends_on=datetime.date(2031, 3, 31),
        **fields,
    )


def interest_data(**changes) -> dict:
    data = {
        "name": "Li Wei",
        "email": "li.wei@example.org",
        "organisation": "Shanghai Conservatory of Music",
        "message": "I teach composition.",
        "consent": "on",
        "website": "",
    }
    return {**data, **changes}


def test_interest_is_kept_and_thanked_for_when_mail_fails(
    client, unreachable_mail_server, django_capture_on_commit_callbacks, caplog
):
    exchange = open_exchange(contact_email="contact@ap.example.org")
    with caplog.at_level(logging.ERROR, logger="cooperation.services"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                exchange.get_absolute_url(), interest_data(), follow=True
            )
    assert response.status_code == 200
    assert "your interest has been registered" in response.text
    saved = Interest.objects.get(email="li.wei@example.org")
    assert saved.notification_failed
    assert f"interest registration {saved.pk}" in caplog.text
    assert "ConnectionRefusedError" in caplog.text
    for private in ("li.wei", "contact@ap", "Li Wei", "composition"):
        assert private not in caplog.text


def test_failed_notifications_are_sent_by_the_daily_command(settings):
    exchange = make_exchange(contact_email="contact@ap.example.org")
    failed = Interest.objects.create(
        exchange=exchange,
        name="Li Wei",
        email="li.wei@example.org",
        consent=True,
        notification_failed=True,
    )
    Interest.objects.create(
        exchange=exchange,
        name="Spam",
        email="spam@example.org",
        consent=True,
        notification_failed=True,
        status=Interest.Status.SPAM,
    )
    Interest.objects.create(
        exchange=exchange, name="Sent", email="sent@example.org", consent=True
    )
    call_command("send_interest_notifications", stdout=(out := _Output()))
    assert "1 notification(s) sent, 0 failed again." in out.text
    assert [message.to for message in mail.outbox] == [["contact@ap.example.org"]]
    assert "Li Wei" in mail.outbox[0].body
    failed.refresh_from_db()
    assert not failed.notification_failed


def test_daily_command_says_when_mail_still_fails(unreachable_mail_server):
    Interest.objects.create(
        exchange=make_exchange(contact_email="contact@ap.example.org"),
        name="Li Wei",
        email="li.wei@example.org",
        consent=True,
        notification_failed=True,
    )
    out, err = _Output(), _Output()
    call_command("send_interest_notifications", stdout=out, stderr=err)
    assert "0 notification(s) sent, 1 failed again." in out.text
    assert "check the mail settings" in err.text
    assert Interest.objects.get().notification_failed


class _Output:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


# Paths that look like another site's address -----------------------------------


def test_language_links_of_a_404_stay_on_the_site(client):
    # What a browser sends for http://registry//evil.example/x/ (the test
    # client would read "//evil.example" as a host).
    response = client.get("/", PATH_INFO="//evil.example/x/")
    assert response.status_code == 404
    links = re.findall(r'href="([^"]*)"', response.text)
    alternates = re.findall(
        r'<link rel="alternate" hreflang="[^"]*" href="([^"]*)"', response.text
    )
    assert len(alternates) == 5  # four languages and x-default
    assert {urlsplit(link).netloc for link in links} <= {"", "testserver"}
    assert "/evil.example/x/" in links  # the language switcher: a path here


# Lengths of the interest form ---------------------------------------------------


@pytest.mark.parametrize(
    ("field_name", "length", "message"),
    [
        (
            "message",
            5001,
            "The message can have at most 5000 characters; this one has 5001.",
        ),
        ("name", 201, "Your name can have at most 200 characters; this one has 201."),
        ("organisation", 300, "The organisation&#x27;s name can have at most 255"),
    ],
)
def test_interest_fields_are_limited_in_length(client, field_name, length, message):
    exchange = open_exchange()
    response = client.post(
        exchange.get_absolute_url(), interest_data(**{field_name: "x" * length})
    )
    assert response.status_code == 200
    assert message in response.text
    assert not Interest.objects.exists()


def test_a_message_of_the_longest_length_is_accepted(client):
    exchange = open_exchange()
    response = client.post(
        exchange.get_absolute_url(), interest_data(message="x" * 5000)
    )
    assert response.status_code == 302
    assert len(Interest.objects.get().message) == 5000


# Found by tests/test_fuzz.py ------------------------------------------------------


def test_a_logo_name_longer_than_a_file_name_is_not_found(client):
    # 300 bytes: the file system refuses the name (ENAMETOOLONG), which
    # Django's static serve let through as a 500.
    assert client.get("/media/" + "x" * 300).status_code == 404
    assert client.get("/media/logos/" + "上" * 100).status_code == 404


def test_a_100_kb_path_is_logged_with_its_addresses_redacted():
    """Log lines name the path of a 404. The redaction's pattern tried an
    address at each character of a long run of letters: a 100 kB path took
    half a minute of CPU to log. It now starts only where a run starts."""
    from cooperation.logs import redact

    path = "/en/exchanges/" + "x" * 100_000 + "/li.wei@example.org/"
    assert redact(f"Not Found: {path}") == (
        "Not Found: /en/exchanges/" + "x" * 100_000 + "/[e-mail address]/"
    )
    assert redact("to <li.wei+news@mail.example.org>, x@y") == (
        "to <[e-mail address]>, x@y"
    )


def test_too_many_parameters_answer_the_translated_400_page(client):
    # More than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000): Django's bare English
    # "Bad Request (400)" before; a page of the site now, in its language.
    query = "&".join(f"utm{number}=1" for number in range(1001))
    response = client.get(url("exchange-list", "fr"), QUERY_STRING=query)
    assert response.status_code == 400
    assert "Requête non comprise" in response.text
    assert escape("raccourcissez ou corrigez ce que vous avez envoyé") in (
        response.text
    )
    exchange = open_exchange()
    response = client.generic(
        "POST",
        url("exchange-detail", slug=exchange.slug),
        "&".join(["website="] * 1001),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "Request not understood" in response.text
    # More than DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) of form.
    response = client.post(
        url("exchange-detail", slug=exchange.slug), {"message": "x" * 3_000_000}
    )
    assert response.status_code == 400
    assert "Request not understood" in response.text


def test_an_api_page_size_of_5000_digits_is_refused_with_the_reason(client):
    # int() refuses more than 4,300 digits: a ValueError, a 500, before.
    response = client.get("/api/v1/exchanges/", {"page_size": "9" * 5000})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["parameter"] == "page_size"
    assert error["fix"] == "Use a whole number from 1 to 100."


def test_a_100_kb_user_name_is_a_failed_sign_in(client):
    # Django's sign-in form does not refuse a user name longer than any
    # account's; django-axes' record of the failure held at most 255
    # characters of it, and the insert failed the request (500).
    from axes.models import AccessAttempt

    response = client.post(
        reverse("admin:login"), {"username": "x" * 100_000, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text
    assert AccessAttempt.objects.get().username == "x" * 255


@pytest.mark.usefixtures("bucket")
def test_a_logo_name_longer_than_a_bucket_key_is_not_found(client):
    # The bucket refuses a key of more than 1,024 bytes (moto's server with
    # "414 Request-URI Too Long"), which failed the request (500).
    assert client.get("/media/" + "x" * 100_000).status_code == 404
    assert client.get("/media/logos/" + "上" * 400).status_code == 404


def test_a_form_refused_for_its_missing_csrf_cookie_says_what_to_do():
    """Django's English technical page before; the site's own, translated."""
    exchange = open_exchange()
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        url("exchange-detail", "fr", slug=exchange.slug), {"name": "Li Wei"}
    )
    assert response.status_code == 403
    assert "Formulaire non envoyé" in response.text
    assert escape("rechargez la page") in response.text
    assert "CSRF" not in response.text
