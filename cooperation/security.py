"""Who is asking, and what a locked-out staff member is told.

``client_address`` is the one place that decides a visitor's address: the
interest form's rate limit and django-axes' sign-in lockout both key on it
(``AXES_CLIENT_IP_CALLABLE``)."""

import ipaddress

from django.conf import settings
from django.shortcuts import render


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    """Whether ``address`` is one of DJANGO_TRUSTED_PROXIES (addresses or
    networks)."""
    ip = _ip(address)
    return ip is not None and any(ip in network for network in settings.TRUSTED_PROXIES)


def client_address(request) -> str:
    """The visitor's address: the connection's peer, or, when the peer is a
    trusted proxy, the nearest address in X-Forwarded-For that is not one.

    X-Forwarded-For is read from the right: each proxy appends the address it
    was reached from, so only the entries added by trusted proxies are
    facts; whatever a visitor wrote there themselves stands further left and
    is never reached. A malformed entry stops the walk at the last proxy."""
    address = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(address):
        return address
    forwarded = request.headers.get("x-forwarded-for", "")
    for hop in reversed([hop for hop in forwarded.split(",") if hop.strip()]):
        ip = _ip(hop)
        if ip is None:
            break
        address = str(ip)
        if not is_trusted_proxy(address):
            break
    return address


#: The length of the user names django-axes records (AccessAttempt.username).
RECORDED_USERNAME_LENGTH = 255


def sign_in_username(request, credentials=None) -> str | None:
    """The user name of a sign-in attempt as django-axes records and counts
    it (AXES_USERNAME_CALLABLE): what was typed, cut to the length its
    records hold. No account's name is that long (150 characters at most),
    but Django's sign-in form lets a longer one through to the check of the
    password, and 100 kB sent as a user name made the record of the failure
    fail the request (status 500)."""
    if credentials:
        username = credentials.get("username")
    elif request is not None:
        username = getattr(request, "data", request.POST).get("username")
    else:
        username = None
    return username[:RECORDED_USERNAME_LENGTH] if isinstance(username, str) else None


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes answers once a user name is locked out from an
    address (AXES_LOCKOUT_CALLABLE): the admin's page, translated, with
    status 429."""
    from django.contrib import admin  # the public views import this module

    username = request.POST.get("username", "") if request.method == "POST" else ""
    context = {
        **admin.site.each_context(request),
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/locked_out.html", context, status=429)
