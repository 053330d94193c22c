"""Management commands other than the demo data."""

from io import StringIO

import pytest
from django.core.management import call_command

from cooperation.models import User

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_dev_superuser_is_made_once_with_a_printed_password(settings):
    settings.DEBUG = True
    first = run("ensure_dev_superuser")
    user = User.objects.get(username="admin")
    password = first.split("password “")[1].split("”")[0]
    assert user.is_superuser and user.check_password(password)
    second = run("ensure_dev_superuser")
    assert "exists already" in second
    assert password not in second
    assert User.objects.count() == 1


def test_no_dev_superuser_when_not_debugging(settings):
    settings.DEBUG = False
    assert "Not debugging" in run("ensure_dev_superuser")
    assert not User.objects.exists()
