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
from collections.abc import Callable
from functools import wraps
from typing import Any

import redis
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language
from redis.commands.core import Script

PUBLIC_TIMEOUT = 300  # seconds
_VERSION_KEY = "public-data:version"


def public_version() -> int:
    """The current version of the public data (one cache read)."""
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, None)
        version = cache.get(_VERSION_KEY, 1)
    return version


def public_version_with(keys: list[str], found: dict | None = None) -> tuple[int, dict]:
    """The current version of the public data and those of ``keys`` that are
    in the cache, with their values, read in one cache operation; or taken
    from ``found``, what was read already of ``with_version(keys)``."""
    if found is None:
        found = cache.get_many(with_version(keys))
    else:
        found = dict(found)
    version = found.pop(_VERSION_KEY, None)
    if version is None:
        version = public_version()
    return version, found


def with_version(keys: list[str]) -> list[str]:
    """``keys`` and the public data version's, to read in one operation (then
    given to ``public_version_with``)."""
    return [_VERSION_KEY, *keys]


def count_and_get_many(counter: str, timeout: int, keys: list[str]) -> tuple[int, dict]:
    """Add one to the counter ``counter`` (made at its first count, to expire
    after ``timeout`` seconds) and read ``keys``: in one cache operation with
    Redis (``RedisCache.count_and_get_many``: a request's throttle count and
    what its answer needs, in one round trip), in two otherwise. The count,
    and those of ``keys`` in the cache with their values."""
    both = getattr(cache, "count_and_get_many", None)
    if both is not None:
        return both(counter, timeout, keys)
    try:
        count = cache.incr(counter)
    except ValueError:  # the first count (or evicted)
        if cache.add(counter, 1, timeout):
            count = 1
        else:  # another worker added it meanwhile
            count = cache.incr(counter)
    return count, cache.get_many(keys) if keys else {}


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


# The cache backend when REDIS_URL is set (settings.CACHES) -----------------


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping its ``redis.Redis`` clients, with
    ``count_and_get_many``.

    Django's own makes a new ``redis.Redis`` for every cache operation (over
    the connection pool it keeps), and redis-py fills a table of some 170
    response callbacks each time: a quarter of the CPU of an API answer kept
    in the cache (docs/benchmarks.md). This one makes one client per
    connection pool and keeps it. A redis-py client may be shared between
    threads (each command takes a connection from the pool and gives it
    back); Django keeps a cache backend, so a client, per thread anyway.
    Connection errors are redis-py's, as with Django's client.

    ``count_and_get_many`` is one Lua script, run by its SHA-1 (EVALSHA;
    redis-py's ``Script`` sends the text again when the server no longer
    knows it: after a restart or SCRIPT FLUSH): a counter's INCR, with its
    expiry at the first count, then an MGET."""

    # Set by RedisCacheClient.__init__; django-stubs does not declare them.
    _serializer: Any
    _get_connection_pool: Callable[[bool], redis.ConnectionPool]

    # The count followed by the values: a flat list is the cheapest to read
    # back. The counter is a plain integer, as Django's serializer and
    # ``incr`` keep integers.
    _COUNT_AND_GET_MANY = (
        "local count = redis.call('incr', KEYS[1]) "
        "if count == 1 then redis.call('expire', KEYS[1], ARGV[1]) end "
        "if #KEYS == 1 then return {count} end "
        "local values = redis.call('mget', unpack(KEYS, 2)) "
        "table.insert(values, 1, count) "
        "return values"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[redis.ConnectionPool, redis.Redis] = {}
        self._script: Script | None = None

    def get_client(self, key=None, *, write: bool = False) -> redis.Redis:
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            # Two threads may both get here: either client will do.
            client = self._clients.setdefault(pool, redis.Redis(connection_pool=pool))
        return client

    def count_and_get_many(
        self, counter: str, timeout: int, keys: list[str]
    ) -> tuple[int, dict[str, Any]]:
        client = self.get_client(counter, write=True)
        if self._script is None:
            self._script = client.register_script(self._COUNT_AND_GET_MANY)
        count, *values = self._script([counter, *keys], [timeout], client=client)
        return count, {
            key: self._serializer.loads(value)
            for key, value in zip(keys, values, strict=True)
            if value is not None
        }


class RedisCache(DjangoRedisCache):
    """Django's Redis cache backend with ``KeptClientRedisCacheClient``."""

    _cache: KeptClientRedisCacheClient  # Django's (a cached property)

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient

    def count_and_get_many(
        self, counter: str, timeout: int, keys: list[str], version=None
    ) -> tuple[int, dict[str, Any]]:
        """``caching.count_and_get_many`` in one Redis command: add one to
        ``counter`` (made, at its first count, to expire after ``timeout``
        seconds) and read ``keys``. The count, and those of ``keys`` found
        with their values."""
        counter = self.make_and_validate_key(counter, version=version)
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        count, found = self._cache.count_and_get_many(
            counter, max(1, int(timeout)), list(made)
        )
        return count, {made[key]: value for key, value in found.items()}
