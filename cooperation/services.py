"""Writes that have side effects. Keyword-only arguments, ``<entity>_<verb>``."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.mail import mail_managers, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Exchange, Interest


def interest_rate_exceeded(*, email: str, client_address: str) -> bool:
    """Whether this e-mail address or client address has sent too many
    registrations recently (the window and limit are settings; queries)."""
    window = datetime.timedelta(minutes=settings.INTEREST_RATE_WINDOW_MINUTES)
    recent = Interest.objects.filter(
        email__iexact=email, created__gte=timezone.now() - window
    ).count()
    sent_from_address = cache.get(f"interest-rate:{client_address}", 0)
    return max(recent, sent_from_address) >= settings.INTEREST_RATE_LIMIT


def interest_register(
    *, exchange: Exchange, form, client_address: str
) -> Interest | None:
    """Save a visitor's interest and e-mail the exchange's contact. A form
    filled in by a bot (the honeypot) is accepted silently and nothing is kept."""
    key = f"interest-rate:{client_address}"
    cache.add(key, 0, timeout=settings.INTEREST_RATE_WINDOW_MINUTES * 60)
    cache.incr(key)
    if form.is_bot:
        return None
    with transaction.atomic():
        interest = form.save(commit=False)
        interest.exchange = exchange
        interest.save()
        transaction.on_commit(lambda: interest_notify(interest=interest))
    return interest


def interest_notify(*, interest: Interest) -> None:
    """E-mail the exchange's contact (or the host's, or the site managers)."""
    exchange = interest.exchange
    recipient = exchange.contact_email or exchange.host.email
    admin_url = settings.SITE_URL + reverse(
        "admin:cooperation_interest_change", args=[interest.pk]
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            f"[{settings.SITE_NAME}] "
            + render_to_string(
                "cooperation/email/interest_subject.txt", {"exchange": exchange}
            ).strip()
        )
        body = render_to_string(
            "cooperation/email/interest_body.txt",
            {"interest": interest, "exchange": exchange, "admin_url": admin_url},
        )
    if recipient:
        send_mail(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [recipient],
            fail_silently=False,
        )
    else:
        mail_managers(subject, body)
