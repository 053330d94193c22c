"""Public reads from a replica of the database, when DATABASE_REPLICA_URL
is set (settings.py adds the 'replica' database, this router and its
middleware).

Only the pages of visitors who are not signed in read from the replica: a
GET or HEAD outside the admin, from a browser without a session cookie or a
message waiting (the visitors the page cache serves too, caching.py). Within
such a request a read goes to the primary ('default') all the same inside a
transaction on it, and after any write, so that a request reads what it
wrote. Everything else reads and writes on the primary: staff, the admin,
forms sent, management commands, anything outside a request.

A replica lags behind the primary, usually by well under a second with
streaming replication: a visitor may see a page without a change saved a
moment ago, and the page cache may keep that page for up to
PUBLIC_PAGE_CACHE_SECONDS. Staff see their changes at once (they read from
the primary). See docs/deploy.md.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import FileResponse

REPLICA = "replica"


@dataclass
class RequestReads:
    """Where the reads of the current request may go. ``depth``: how many
    transactions were open on the primary when the request came in (none,
    but for a test's own)."""

    replica: bool = False
    depth: int = 0


_reads: ContextVar[RequestReads | None] = ContextVar("request_reads", default=None)


def reads_from_replica() -> bool:
    """Whether a read now goes to the replica (no query)."""
    state = _reads.get()
    return bool(
        state
        and state.replica
        and len(connections[DEFAULT_DB_ALIAS].atomic_blocks) == state.depth
        and REPLICA in connections
    )


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if reads_from_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        state = _reads.get()
        if state is not None:
            # What this request writes is on the primary only, for now.
            state.replica = False
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The same data either way.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema by replication.
        return db != REPLICA


def anonymous_read(request) -> bool:
    """A GET or HEAD from a visitor who is not signed in, has no session
    and no message waiting, outside the admin."""
    match = request.resolver_match
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not (match and "admin" in match.namespaces)
    )


class ReplicaMiddleware:
    """Decides, once the view is known, whether the request's reads may go
    to the replica; a streamed response (CSV, calendar) keeps reading there
    while it streams, after the view has returned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = RequestReads(depth=len(connections[DEFAULT_DB_ALIAS].atomic_blocks))
        token = _reads.set(state)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if (
            state.replica
            and response.streaming
            and not response.is_async
            and not isinstance(response, FileResponse)  # reads a file, not rows
        ):
            response.streaming_content = _streamed_with(
                state, response.streaming_content
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _reads.get()
        if state is not None:
            state.replica = anonymous_read(request)


def _streamed_with(state: RequestReads, chunks):
    """``chunks`` produced, chunk by chunk, with the request's reads."""
    chunks = iter(chunks)
    while True:
        token = _reads.set(state)
        try:
            chunk = next(chunks, None)
        finally:
            _reads.reset(token)
        if chunk is None:
            return
        yield chunk
