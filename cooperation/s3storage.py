"""The storages of an S3-compatible bucket (DJANGO_S3_BUCKET, settings.py):
agreement documents, logos and an admin import's file between its steps,
each under its own prefix of one private bucket. See storage.py for how the
app serves them."""

from typing import IO

from botocore.exceptions import ClientError
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .storage import DOCUMENT_URL

#: S3's longest object key, in bytes of UTF-8.
MAX_KEY_BYTES = 1024


class PrivateS3Storage(S3Storage):
    """A folder (``location``) of a private bucket. A name already taken
    gets a suffix, as on disk, instead of replacing the other file."""

    def __init__(self, **options):
        super().__init__(**{"file_overwrite": False, **options})

    def open_stream(self, name: str) -> tuple[IO[bytes], int]:
        """The object ``name``, read as it arrives (``open()`` would download
        it whole first), and its size in bytes. One request to the bucket."""
        key = self._normalize_name(clean_name(name))
        if len(key.encode()) > MAX_KEY_BYTES:
            # The bucket would refuse the request (a 500 here): no object.
            raise FileNotFoundError(
                f"The bucket {self.bucket_name} has no object of a name this long."
            )
        try:
            answer = self.bucket.Object(key).get()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(
                    f"The bucket {self.bucket_name} has no object {key}."
                ) from error
            raise
        return answer["Body"], answer["ContentLength"]


class S3DocumentStorage(PrivateS3Storage):
    """Agreement documents in the bucket; their URLs lead to the view that
    checks who may read each."""

    def __init__(self, **options):
        super().__init__(**{"location": "documents", **options})

    def url(self, name, parameters=None, expire=None, http_method=None):
        return DOCUMENT_URL + filepath_to_uri(name)


class S3MediaStorage(PrivateS3Storage):
    """Logos in the bucket, served by the app under MEDIA_URL (media.py)."""

    def __init__(self, **options):
        super().__init__(**{"location": "media", **options})

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(name)


class S3ImportStorage(PrivateS3Storage):
    """An admin import's file between its steps (django-import-export's
    MediaStorage), which may each be served by another server."""

    def __init__(self, **options):
        super().__init__(**{"location": "imports", **options})
