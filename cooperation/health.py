"""The service's health: the probes a load balancer or a service manager
asks (``/healthz``, ``/readyz``) and what visitors get while the database
cannot be reached (a 503 page that asks them to come back, instead of a 500).

While the database is down every request fails the same way; the failure is
logged as one line (cooperation/logs.py) and answered by ``server_error``
(the project's ``handler500``) with the branded 503 page. Nothing is kept
between requests, so the first request after the database is back is served
normally: no restart is needed.
"""

import sys
import uuid

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.log import log_response
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as default_server_error

from .logs import DATABASE_UNAVAILABLE
from .routers import REPLICA

#: Seconds a visitor or a client is asked to wait before trying again.
RETRY_AFTER = 30


@never_cache
def healthz(request):
    """Liveness: the process answers. No database query, no cache."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def database_check(alias: str = DEFAULT_DB_ALIAS) -> tuple[str, str]:
    """``ok``, or that the database ``alias`` cannot be reached and why (one
    query)."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_UNAVAILABLE as error:
        return "unreachable", first_line(error)
    return "ok", ""


def migrations_check() -> tuple[str, str]:
    """``ok``, or how many migrations of this code the database lacks
    (reads the migration files and the table of applied migrations)."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} not applied", "run manage.py migrate"
    return "ok", ""


def cache_check() -> tuple[str, str]:
    """``ok``, or that a cache (Redis with REDIS_URL) does not keep a value
    and why (one write, one read, one delete each)."""
    key = f"readyz:{uuid.uuid4().hex}"
    for cache in caches.all(initialized_only=False):
        try:
            cache.set(key, "ok", 10)
            kept = cache.get(key)
            cache.delete(key)
        except Exception as error:  # noqa: BLE001 - whatever the backend raises
            return "unreachable", first_line(error)
        if kept != "ok":
            return "unreachable", "a value written was not read back"
    return "ok", ""


def first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


@never_cache
def readyz(request):
    """Readiness: the database (and its replica, when one is configured)
    answers, every migration is applied and the cache answers. 200 when all
    are ``ok``; otherwise 503 with the state of each check (no error text:
    the address is public) and one log line that says why."""
    results = {"database": database_check()}
    results["migrations"] = (
        migrations_check() if results["database"][0] == "ok" else ("not checked", "")
    )
    if REPLICA in connections.settings:
        # Visitors' pages read from it (cooperation/routers.py).
        results["replica"] = database_check(REPLICA)
    results["cache"] = cache_check()
    checks = {name: state for name, (state, _why) in results.items()}
    ready = all(state == "ok" for state in checks.values())
    response = JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
    if not ready:
        response["Retry-After"] = str(RETRY_AFTER)
        log_response(
            "Not ready: %s",
            "; ".join(
                f"{name} {state}: {why}"
                for name, (state, why) in results.items()
                if state not in ("ok", "not checked")
            ),
            response=response,
            request=request,
            level="warning",
        )
    return response


def unavailable_response(content: str) -> HttpResponse:
    """A 503 answer that asks to come back later and is never cached."""
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


def server_error(request, template_name="500.html"):
    """The project's handler500. A database that cannot be reached is an
    outage, not a bug: the visitor gets the translated 503 page with
    Retry-After (rendered without the database: no context processors);
    every other error the 500 page."""
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return unavailable_response(loader.get_template("503.html").render())
    return default_server_error(request, template_name)


def interest_unsaved(request, form_class, error: Exception) -> HttpResponse:
    """The interest form as the visitor filled it in, with a request to send
    it again in a moment: the database failed while the registration was
    being saved (or before). The form posts to the same address; its fields
    are filled from the POST without validating it (validation could need
    the database). The failure is logged as one line."""
    initial = {
        name: form_class.base_fields[name].to_python(request.POST.get(name))
        if name == "consent"
        else request.POST.get(name, "")
        for name in form_class._meta.fields
    }
    content = loader.get_template("cooperation/interest_unsaved.html").render(
        {"form": form_class(initial=initial), "csrf_token": get_token(request)}
    )
    response = unavailable_response(content)
    log_response(
        "%s: %s",
        response.reason_phrase,
        request.path,
        response=response,
        request=request,
        exception=error,
    )
    return response
