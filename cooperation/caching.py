"""Public figures that cost an aggregate over the whole registry (home page
figures, statistics, filter choices) are computed once and kept in the cache
(Redis when REDIS_URL is set, so shared by every worker and server); so are
whole public pages as an anonymous visitor gets them (``public_page``).

Each is kept under the current *version* of the public data, which every
save or deletion of a record through the ORM, and every import, moves on (at
once, and again when its transaction commits), and for at most
PUBLIC_TIMEOUT seconds (pages: settings.PUBLIC_PAGE_CACHE_SECONDS) whatever
happens, so that writes that bypass the ORM show within that time.
"""

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

PUBLIC_TIMEOUT = 300  # seconds
_VERSION_KEY = "public-data:version"


def public_version() -> int:
    """The current version of the public data (one cache read)."""
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, None)
        version = cache.get(_VERSION_KEY, 1)
    return version


def public_version_with(keys: list[str]) -> tuple[int, dict]:
    """The current version of the public data and those of ``keys`` that are
    in the cache, with their values, read in one cache operation."""
    found = cache.get_many([_VERSION_KEY, *keys])
    version = found.pop(_VERSION_KEY, None)
    if version is None:
        version = public_version()
    return version, found


def public_data_changed() -> None:
    """Call when a record changes: what was cached is recomputed when next
    asked for. The version moves at once (so that this transaction's own
    later reads see the change) and again when the transaction commits (so
    that nothing another request computed from the data before the commit
    is kept)."""

    def bump():
        try:
            cache.incr(_VERSION_KEY)
        except ValueError:  # not set yet (or evicted): nothing to invalidate
            cache.add(_VERSION_KEY, 1, None)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


def cached_public(name: str, compute, *, per_language: bool = False):
    """``compute()``'s value, kept under the public data's version (and the
    active language, if ``per_language``) for at most PUBLIC_TIMEOUT."""
    language = f":{get_language()}" if per_language else ""
    key = f"public-data:{public_version()}:{name}{language}"
    return cache.get_or_set(key, compute, PUBLIC_TIMEOUT)


# The CSRF token as Django's {% csrf_token %} writes it: a cached page keeps a
# placeholder in its place, and each visitor gets a token of their own.
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = b"\\1%CSRF-TOKEN%\\2"
_HEADERS_KEPT = ("Content-Type", "Cache-Control", "ETag", "Last-Modified")


def serves_cached_pages(request) -> bool:
    """Whether ``request`` may be answered from, and stored in, the page
    cache: a GET or HEAD from a visitor who is not signed in and has no
    message waiting (no session or message cookie), so that the page is the
    same for every such visitor."""
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _page_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    day = timezone.localdate().isoformat()  # "upcoming", "running" move daily
    return f"public-page:{public_version()}:{day}:{get_language()}:{digest}"


def public_page(view):
    """Decorate a public view: anonymous visitors get the page from the
    cache, kept under the public data's version for at most
    settings.PUBLIC_PAGE_CACHE_SECONDS. Only complete 200 answers that set
    no cookie are kept; a form's CSRF token is made afresh for each visitor
    (the CSRF middleware then sets their cookie)."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not serves_cached_pages(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        stored = cache.get(key)
        if stored is not None:
            return _from_cache(request, stored)
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "add_post_render_callback", None)) and not (
            response.is_rendered
        ):
            response.add_post_render_callback(lambda done: _store(key, done))
        else:
            _store(key, response)
        return response

    return cached_view


def _store(key: str, response) -> None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    content = _CSRF_INPUT.sub(_CSRF_PLACEHOLDER, response.content)
    headers = {name: response[name] for name in _HEADERS_KEPT if name in response}
    cache.set(key, (content, headers), settings.PUBLIC_PAGE_CACHE_SECONDS)


def _from_cache(request, stored) -> HttpResponse:
    content, headers = stored
    if b"%CSRF-TOKEN%" in content:
        content = content.replace(b"%CSRF-TOKEN%", get_token(request).encode())
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response
