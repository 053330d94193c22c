"""Settings of the app servers that live tests start (tests/test_outage.py,
tests/test_servers.py): the production settings from the environment, with
static files named plainly, as in every other test (tests/conftest.py),
because the tests collect none."""

from cooperation.settings import *  # noqa: F403
from cooperation.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
