"""Settings of the app server that tests/test_outage.py starts: the
production settings from the environment, with static files named plainly,
as in every other test (tests/conftest.py), because the test collects none."""

from cooperation.settings import *  # noqa: F403
from cooperation.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
