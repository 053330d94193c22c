"""Public figures that cost an aggregate over the whole registry (home page
figures, statistics, filter choices) are computed once and kept in the cache
(Redis when REDIS_URL is set, so shared by every worker and server).

Each is kept under the current *version* of the public data, which every
save or deletion of a record through the ORM moves on (after its transaction
commits), and for at most PUBLIC_TIMEOUT seconds whatever happens, so that
writes that bypass the ORM (the command-line import's COPY) show within that
time.
"""

from django.core.cache import cache
from django.db import transaction
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


def public_data_changed() -> None:
    """Call when a record changes: what was cached is recomputed when next
    asked for, once the current transaction (if any) has committed."""

    def bump():
        try:
            cache.incr(_VERSION_KEY)
        except ValueError:  # not set yet (or evicted): nothing to invalidate
            cache.add(_VERSION_KEY, 1, None)

    transaction.on_commit(bump)


def cached_public(name: str, compute, *, per_language: bool = False):
    """``compute()``'s value, kept under the public data's version (and the
    active language, if ``per_language``) for at most PUBLIC_TIMEOUT."""
    language = f":{get_language()}" if per_language else ""
    key = f"public-data:{public_version()}:{name}{language}"
    return cache.get_or_set(key, compute, PUBLIC_TIMEOUT)
