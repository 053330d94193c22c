import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from tests import factories


def pytest_collection_modifyitems(items):
    """Browser tests last: their transactional flush empties the tables that
    the data migrations filled, which the other tests rely on."""
    items.sort(key=lambda item: "/tests/browser/" in str(item.path))


@pytest.fixture(autouse=True, scope="session")
def _plain_static_storage():
    """The tests collect no static files, so they name them plainly: outside
    debugging the settings choose the manifest storage, which refuses
    {% static %} of a file collectstatic has not hashed."""
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**django_settings.STORAGES, "staticfiles": plain}):
        yield


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Each test starts with nothing cached (choices, figures), and with no
    page cache, so that a second request renders its page again (the page
    cache has its own tests: tests/test_page_cache.py)."""
    cache.clear()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _file_roots(settings, tmp_path):
    """Uploads of every test go to its own temporary folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_ROOT = tmp_path / "documents"


@pytest.fixture(autouse=True)
def _reset_language():
    """A request in another language leaves it active in the thread; undo it."""
    yield
    translation.deactivate()


@pytest.fixture
def superuser(db):
    return factories.make_user("super", is_superuser=True)


@pytest.fixture
def editor(db):
    return factories.make_user("editor", group=Group.objects.get(name="Editors"))


@pytest.fixture
def viewer(db):
    return factories.make_user("viewer", group=Group.objects.get(name="Viewers"))
