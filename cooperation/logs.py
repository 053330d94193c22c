"""Log lines: one JSON object a line, each with the id of the request it
belongs to (settings.LOGGING; the id is set by
cooperation.middleware.RequestIdMiddleware).

When the database is unreachable every request fails the same way; such a
failure is logged as one short line (the error's first line and where it was
raised), not a traceback per request. No e-mail address reaches the log
(an SMTP error names its recipient, for example)."""

import contextvars
import datetime
import json
import logging
import re
import traceback

from django.db import InterfaceError, OperationalError

#: The id of the request being answered in this thread, "-" outside one.
request_id = contextvars.ContextVar("request_id", default="-")

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# An address starts where a run of the characters its local part may hold
# starts (the look-behind): tried at every character of a run instead, a
# 100 kB path without "@" in a 404's log line took half a minute to search.
EMAIL_ADDRESS = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    """``text`` with every e-mail address replaced."""
    return EMAIL_ADDRESS.sub("[e-mail address]", text)


class RequestIdFilter(logging.Filter):
    """Gives every record the id of its request (``%(request_id)s``): the
    record's own request where it has one (Django logs a 4xx or 5xx response
    after the middleware has finished), else the request being answered."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or request_id.get()
        return True


def short_database_error(exc_info) -> str | None:
    """``Error: first line (file:line)`` for a database that cannot be
    reached, None for any other exception."""
    error = exc_info[1] if exc_info else None
    if not isinstance(error, DATABASE_UNAVAILABLE):
        return None
    first_line = (str(error).strip().splitlines() or [""])[0]
    frames = traceback.extract_tb(error.__traceback__)
    where = f" ({frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {first_line}{where}"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request id,
    and for failed requests the method, path and status; an exception's
    traceback is one field of the same line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = request.method
            entry["path"] = request.path
        if hasattr(record, "status_code"):
            entry["status"] = record.status_code
        if record.exc_info:
            short = short_database_error(record.exc_info)
            if short:
                entry["error"] = short
            else:
                entry["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """The plain format of development, with the same one-line database
    failures."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))

    def formatException(self, exc_info) -> str:
        return short_database_error(exc_info) or super().formatException(exc_info)
