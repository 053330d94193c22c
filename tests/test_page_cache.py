"""Whole public pages kept in the cache for visitors who are not signed in
(cooperation/caching.py: ``public_page``): served without a query, replaced
as soon as a record changes, never shared between languages, hosts, or
visitors with a session or a message, and still giving every visitor a
CSRF token of their own."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cooperation.caching import public_version
from cooperation.models import Exchange, Interest
from cooperation.transfer import records_import
from tests.factories import make_exchange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.ALLOWED_HOSTS = ["testserver", "registry.example.org"]


INTEREST = {
    "name": "Li Wei",
    "email": "li.wei@example.org",
    "organisation": "",
    "message": "",
    "consent": "on",
    "website": "",
}


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def fetch(client, address, **extra):
    """The response and the number of queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address, **extra)
    return response, len(queries)


def test_a_second_anonymous_visit_costs_no_query(client):
    make_exchange(title="Violin masterclass")
    first, first_queries = fetch(client, url("exchange-list"))
    second, second_queries = fetch(client, url("exchange-list"))
    assert first_queries > 0 and second_queries == 0
    assert second.status_code == 200
    assert second.content == first.content
    assert "Violin masterclass" in second.text
    assert second["Content-Type"] == first["Content-Type"]
    # The headers the middleware adds are added to the cached page too.
    assert second["Content-Language"] == "en"
    assert "Content-Security-Policy" in second


def test_a_saved_change_replaces_the_page_at_once(
    client, django_capture_on_commit_callbacks
):
    exchange = make_exchange(title="Violin masterclass")
    detail = exchange.get_absolute_url()
    assert "Violin masterclass" in client.get(detail).text
    assert "Violin masterclass" in client.get(url("exchange-list")).text

    # A write that bypasses save() shows only when the page expires...
    Exchange.objects.filter(pk=exchange.pk).update(title="Not yet shown")
    assert "Violin masterclass" in client.get(detail).text
    assert "Violin masterclass" in client.get(url("exchange-list")).text

    # ...a change saved through the models, at once, on every page.
    with django_capture_on_commit_callbacks(execute=True):
        exchange.title = "Cello masterclass"
        exchange.save()
    assert "Cello masterclass" in client.get(detail).text
    assert "Cello masterclass" in client.get(url("exchange-list")).text


def test_the_version_moves_again_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    """A page computed by another request between the save and the commit
    (from the data before the save) must not outlive the commit."""
    before = public_version()
    with django_capture_on_commit_callbacks(execute=True):
        make_exchange()
        during = public_version()
    assert before < during < public_version()


def test_an_import_replaces_the_pages(client):
    make_exchange(title="Violin masterclass")
    client.get(url("institution-list"))
    before = public_version()
    content = b"name,country,kind,published\nNew Polytechnic,BE,university,yes\n"
    records_import(data=content, file_name="new.csv", model="institutions")
    assert public_version() > before
    assert "New Polytechnic" in client.get(url("institution-list")).text


def test_languages_and_hosts_have_pages_of_their_own(client):
    make_exchange(title="Violin masterclass")
    english = client.get(url("exchange-list"))
    chinese = client.get(url("exchange-list", "zh-hans"))
    assert english.content != chinese.content
    assert 'lang="zh-Hans"' in chinese.text

    other_host, queries = fetch(
        client, url("exchange-list"), HTTP_HOST="registry.example.org"
    )
    assert queries > 0
    assert "http://registry.example.org/en/exchanges/" in other_host.text
    assert "http://testserver/" not in other_host.text


def test_query_strings_have_pages_of_their_own(client):
    make_exchange(title="Violin masterclass")
    make_exchange(title="Welding competition")
    everything = client.get(url("exchange-list"))
    welding = client.get(url("exchange-list") + "?q=welding")
    assert "Violin masterclass" in everything.text
    assert "Violin masterclass" not in welding.text
    assert "Welding competition" in welding.text


def test_signed_in_staff_always_get_a_fresh_page(client, superuser):
    make_exchange(title="Violin masterclass")
    client.get(url("exchange-list"))
    client.force_login(superuser)
    response, queries = fetch(client, url("exchange-list"))
    assert queries > 0 and response.context is not None
    client.get(url("exchange-list"))
    # Nothing a signed-in visitor got was kept for the others.
    client.logout()
    client.cookies.clear()
    response, queries = fetch(client, url("exchange-list"))
    assert queries == 0


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(
    client, django_capture_on_commit_callbacks
):
    exchange = make_exchange(contact_email="international@example.org")
    detail = exchange.get_absolute_url()
    client.get(detail)
    data = INTEREST
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail, data, follow=True)
    assert "your interest has been registered" in response.text
    assert Interest.objects.filter(exchange=exchange).count() == 1
    assert len(mail.outbox) == 1
    # The message is shown once, then the visitor gets the cached page again.
    assert "your interest has been registered" not in client.get(detail).text


def test_failures_and_not_found_pages_are_not_kept(client):
    missing = url("exchange-detail", slug="no-such-exchange")
    assert client.get(missing).status_code == 404
    response, queries = fetch(client, missing)
    assert response.status_code == 404 and queries > 0


def test_a_cached_form_gives_each_visitor_a_working_csrf_token():
    exchange = make_exchange(contact_email="international@example.org")
    detail = exchange.get_absolute_url()
    token_input = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    first = Client(enforce_csrf_checks=True)
    first_token = token_input.search(first.get(detail).text).group(1)

    second = Client(enforce_csrf_checks=True)
    page, queries = fetch(second, detail)
    assert queries == 0
    second_token = token_input.search(page.text).group(1)
    assert second_token != first_token
    assert "%CSRF-TOKEN%" not in page.text
    assert "csrftoken" in page.cookies
    assert "Cookie" in page["Vary"]

    data = {**INTEREST, "csrfmiddlewaretoken": second_token}
    response = second.post(detail, data)
    assert response.status_code == 302
    assert Interest.objects.filter(email="li.wei@example.org").exists()

    # A token kept in the page for everyone would be refused.
    third = Client(enforce_csrf_checks=True)
    third.get(detail)
    refused = third.post(detail, {**data, "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


def test_the_page_cache_can_be_turned_off(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    make_exchange()
    client.get(url("exchange-list"))
    response, queries = fetch(client, url("exchange-list"))
    assert queries > 0 and response.context is not None
