"""Uploaded media (institution logos), served by the app itself in every
mode, debugging or not: they are few and small, and this way a deployment
needs no second file server. Agreement documents are not media: they live
in DOCUMENT_ROOT and a view decides who may read each (views.document_file).
"""

from django.conf import settings
from django.utils.cache import patch_cache_control
from django.views.static import serve

#: A replaced logo is saved under a new name, so a day's caching is safe.
MEDIA_MAX_AGE = 24 * 60 * 60


def media_file(request, path: str):
    """The file ``path`` under MEDIA_ROOT, or 404 (Django's ``serve`` refuses
    paths leaving the folder and answers If-Modified-Since)."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE)
    return response
