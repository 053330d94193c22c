import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from tests import factories


def pytest_collection_modifyitems(items):
    """Browser tests last: their transactional flush empties the tables that
    the data migrations filled, which the other tests rely on."""
    items.sort(key=lambda item: "/tests/browser/" in str(item.path))


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
