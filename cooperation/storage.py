"""Where agreement documents are kept: outside MEDIA_ROOT, so that no web
server serves them as plain files. Their URLs lead to a view that checks who
may read each one (public documents: anyone; staff-only: signed-in staff)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class DocumentStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url="/documents/file/")

    @property
    def base_location(self):
        return settings.DOCUMENT_ROOT

    @property
    def location(self):
        return str(settings.DOCUMENT_ROOT)


def document_storage() -> DocumentStorage:
    return DocumentStorage()
