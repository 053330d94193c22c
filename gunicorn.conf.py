"""gunicorn's settings for the registry: ``gunicorn -c gunicorn.conf.py``.

``make serve`` and ``make bench`` start gunicorn this way. Every value below
can be changed through the environment (see README.md, "Configuration"), and
command-line options given after ``-c gunicorn.conf.py`` win over this file.
"""

import os

MAX_WORKERS = 12


def _whole_number(name: str, default: int) -> int:
    """Read a positive whole number from the environment, refusing others."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, not {value!r}.")
    return int(value)


def default_workers(cores: int) -> int:
    """gunicorn's rule of thumb, two processes a core plus one, capped so
    that a big machine does not open more database connections than a
    default PostgreSQL accepts (workers x threads of them)."""
    return min(2 * cores + 1, MAX_WORKERS)


wsgi_app = "cooperation.wsgi:application"
# Behind a reverse proxy on the same machine; never exposed directly.
bind = f"127.0.0.1:{_whole_number('PORT', 8000)}"

workers = _whole_number("WEB_CONCURRENCY", default_workers(os.cpu_count() or 1))
# Threads let a worker go on answering while one of its requests streams a
# long export. In a gthread worker the main loop keeps telling the arbiter it
# is alive, so ``timeout`` restarts a worker that hangs, not one whose thread
# is still streaming (a sync worker is killed mid-download after ``timeout``).
worker_class = "gthread"
threads = _whole_number("GUNICORN_THREADS", 4)
timeout = _whole_number("GUNICORN_TIMEOUT", 30)
# On a restart, requests in progress get as long to finish as any request.
graceful_timeout = timeout
keepalive = 5

# Access log on stdout, errors on stderr: the service manager keeps both.
accesslog = "-"
errorlog = "-"
# The usual combined format plus the time taken, in milliseconds, and the
# request's id (the X-Request-ID response header of RequestIdMiddleware), which
# the app's log lines carry too.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms '
    "%({x-request-id}o)s"
)
proc_name = "cooperation"
# gunicorn's control socket (gunicornc) is one fixed path per user: a second
# server, such as one of `make bench`, would take it over. Nothing here uses it.
control_socket_disable = True
