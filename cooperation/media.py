"""Uploaded media (institution logos), served by the app itself in every
mode, debugging or not: they are few and small, and this way a deployment
needs no second file server. Agreement documents are not media: they live
in DOCUMENT_ROOT and a view decides who may read each (views.document_file).
With DJANGO_S3_BUCKET the logos are in the bucket (storage.py) and are
streamed from it.
"""

import errno
import mimetypes

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.static import serve

from .storage import stored_file_response

#: A replaced logo is saved under a new name, so a day's caching is safe.
MEDIA_MAX_AGE = 24 * 60 * 60


def media_file(request, path: str):
    """The file ``path`` under MEDIA_ROOT, or 404 (Django's ``serve`` refuses
    paths leaving the folder and answers If-Modified-Since); or the object
    ``path`` of the bucket's media folder."""
    if isinstance(default_storage, FileSystemStorage):
        try:
            response = serve(request, path, document_root=settings.MEDIA_ROOT)
        except OSError as error:
            # A name longer than the file system allows is no logo's name.
            if error.errno != errno.ENAMETOOLONG:
                raise
            raise Http404("No logo has this name.") from error
    else:
        response = bucket_file(path)
    patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE)
    return response


def bucket_file(path: str):
    if "\x00" in path:
        raise Http404("No logo has this name.")
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    try:
        return stored_file_response(default_storage, path, content_type=content_type)
    except (FileNotFoundError, SuspiciousOperation) as error:
        # SuspiciousOperation: a path that leaves the media folder.
        raise Http404("No logo has this name.") from error
