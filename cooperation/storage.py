"""Where uploaded files are kept: agreement documents, institution logos and
the spreadsheets of an admin import between its steps.

By default on this machine's disk: documents in DOCUMENT_ROOT, outside
MEDIA_ROOT, so that no web server serves them as plain files; logos in
MEDIA_ROOT. With DJANGO_S3_BUCKET set (settings.py) all of them go to one
S3-compatible bucket that every server of a deployment shares, under
``documents/``, ``media/`` and ``imports/``. The bucket stays private: the
app serves its files itself, logos under /media/ (media.py) and documents
through the view that checks who may read each (public documents: anyone;
staff-only: signed-in staff; views.document_file), so the URLs a storage
gives are the app's, never the bucket's. The bucket's storages are in
s3storage.py, imported only when the settings name them (boto3 takes a
quarter of a second to import).
"""

from typing import IO, cast

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse
from django.utils.functional import LazyObject, empty

#: Where the document view answers for a stored name (urls.py: document-file).
DOCUMENT_URL = "/documents/file/"


class DocumentStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=DOCUMENT_URL)

    @property
    def base_location(self):
        return settings.DOCUMENT_ROOT

    @property
    def location(self):
        return str(settings.DOCUMENT_ROOT)


def open_stream(storage, name: str) -> tuple[IO[bytes], int]:
    """``name`` of ``storage`` opened for reading, and its size in bytes;
    raises FileNotFoundError when it is missing. A bucket's object is read
    as it arrives (s3storage.py)."""
    if hasattr(storage, "open_stream"):
        return storage.open_stream(name)
    file = storage.open(name, "rb")
    return file, file.size


def stored_file_response(storage, name: str, **options) -> FileResponse:
    """A FileResponse (``options`` are its own) streaming ``name`` from
    ``storage``, wherever it keeps it; raises FileNotFoundError."""
    file, size = open_stream(storage, name)
    response = FileResponse(file, **options)
    response["Content-Length"] = size
    return response


class DocumentStorageHandle(LazyObject):
    """``storages["documents"]`` (settings.STORAGES), looked up when first
    used rather than when the model is imported, and again after a change of
    STORAGES (as Django does for ``default_storage``)."""

    _wrapped: Storage | object  # or ``empty`` until first used

    def _setup(self):
        self._wrapped = storages["documents"]


_documents = DocumentStorageHandle()


def document_storage() -> Storage:
    """The storage of AgreementDocument.file (a callable, so that migrations
    name this function rather than a storage)."""
    # The handle stands in for the storage (as django-stubs type
    # ``default_storage``, also a LazyObject, as a Storage).
    return cast(Storage, _documents)


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        _documents._wrapped = empty
