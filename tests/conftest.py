import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from tests import factories


def pytest_collection_modifyitems(items):
    """Every test that commits (a live server's, a browser's, one marked
    ``transaction=True``) gets Django's serialized rollback: it starts from
    the data the migrations loaded (fields of education, staff groups,
    content types), which the flush after such a test empties. All of them,
    or one would find the content types that a flush's post_migrate made
    anew under other keys than those it restores."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        if kwargs.get("transaction") or {"transactional_db", "live_server"} & set(
            item.fixturenames
        ):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(autouse=True, scope="session")
def _serialized_data_on_every_connection(django_db_setup):
    """The serialized data, on every connection object. Playwright's sync API
    runs its browser in another greenlet, which has a context of its own:
    once it started, ``connections["default"]`` is another object than the
    one the test database was serialized on, which has no
    ``_test_serialized_contents``, and Django then restores nothing, without
    an error (every browser test after a flush found no fields of
    education). Set on the class, the copy serves every object."""
    from django.db import connections

    contents = getattr(connections["default"], "_test_serialized_contents", None)
    if contents is not None:
        type(connections["default"])._test_serialized_contents = contents


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
