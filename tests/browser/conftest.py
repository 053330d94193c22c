"""Browser tests: Playwright driving Debian's Chromium against live_server."""

import importlib
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from cooperation.models import FieldOfEducation

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


def load_reference_data() -> None:
    """What the data migrations load (fields of education, staff groups):
    a transactional test's flush empties every table."""
    if FieldOfEducation.objects.exists():
        return
    for name, function in [
        ("0002_fields_of_education", "load_fields"),
        ("0003_groups", "create_groups"),
    ]:
        migration = importlib.import_module(f"cooperation.migrations.{name}")
        # The functions read only the connection of their schema editor.
        getattr(migration, function)(apps, SimpleNamespace(connection=connection))


@pytest.fixture
def demo(transactional_db):
    """The demo data set, committed so that the live server sees it."""
    load_reference_data()
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
