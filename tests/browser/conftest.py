"""Browser tests: Playwright driving Debian's Chromium against live_server."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from cooperation.models import Interest, User
from tests.factories import (
    make_agreement,
    make_exchange,
    make_institution,
    make_user,
)

# Playwright's sync API keeps an event loop running in the main thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def demo(transactional_db):
    """The demo data set, committed so that the live server sees it (on the
    data the migrations loaded: see tests/conftest.py)."""
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def site(live_server, demo):
    return live_server.url


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:3],
        }
        for violation in result["violations"]
    ]


@pytest.fixture
def staff_page(browser, live_server):
    """A page of a browser signed in to the admin as a superuser, at a given
    width (the session cookie of Django's test client: no password step)."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def open_page(*, width: int = 1280, height: int = 800, user=None):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        client = Client()
        if user is None:
            user = User.objects.filter(username="admin-tester").first()
        client.force_login(user or make_user("admin-tester", is_superuser=True))
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def registry(live_server, transactional_db, django_db_serialized_rollback):
    """A record of each type, made here rather than by the demo data set
    (seed_demo), so that these tests judge the admin only; the live
    server's address."""
    host = make_institution(
        name="AP University of Applied Sciences and Arts Antwerp",
        official_name="AP Hogeschool Antwerpen",
        acronym="AP",
    )
    partner = make_institution(
        name="Shanghai Conservatory of Music",
        name_zh_hans="上海音乐学院",
        country="CN",
        city="Shanghai",
    )
    agreement = make_agreement(
        title="Memorandum of understanding on nurturing musical talent",
        parties=[host, partner],
    )
    exchange = make_exchange(
        title="Antwerp composition teachers in Shanghai",
        host=host,
        partners=[partner],
        agreement=agreement,
    )
    Interest.objects.create(
        exchange=exchange, name="Li Wei", email="li@example.org", consent=True
    )
    return live_server.url
