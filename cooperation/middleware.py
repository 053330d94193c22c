"""Middleware of the registry's own (the rest is Django's and its libraries')."""

import re
import uuid

from django.urls import reverse
from django.utils import translation

from .logs import request_id

#: An X-Request-ID worth keeping: what proxies generate (nginx's
#: $request_id, UUIDs), never free text that could forge a log line.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestIdMiddleware:
    """Names each request: the proxy's X-Request-ID when it sent a
    well-formed one, else a new random id. Every log line written while the
    request is answered carries it, and so does the response's X-Request-ID
    header, so a visitor's report, the proxy's log and the app's log meet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = (
            given if WELL_FORMED_ID.fullmatch(given) else uuid.uuid4().hex
        )
        token = request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class AdminLanguageMiddleware:
    """Shows the admin in the language its signed-in user chose in the
    admin's language menu (``User.language``, sites.py), on every admin page,
    whatever the browser asks for. Comes after LocaleMiddleware (which chose
    the browser's language) and AuthenticationMiddleware; public pages keep
    the language of their address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith(reverse("admin:index")) and user:
            language = user.is_authenticated and user.language
            if language and translation.check_for_language(language):
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
