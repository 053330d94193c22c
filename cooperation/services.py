"""Writes that have side effects. Keyword-only arguments, ``<entity>_<verb>``."""

import dataclasses
import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.mail import mail_managers, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import (
    Agreement,
    AgreementExchangeKind,
    AgreementParty,
    AgreementReminder,
    Exchange,
    Interest,
    User,
)


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


def agreement_renew(*, agreement: Agreement) -> Agreement:
    """A new draft that renews ``agreement``: its texts, parties, fields and
    kinds of exchange copied, no dates (queries)."""
    translated = {
        f"{name}_{language}": getattr(agreement, f"{name}_{language}")
        for name in ("title", "summary")
        for language in ("en", "zh_hans", "nl", "fr")
    }
    with transaction.atomic():
        successor = Agreement.objects.create(
            **translated,
            kind=agreement.kind,
            responsible=agreement.responsible,
            renews_automatically=agreement.renews_automatically,
            notice_period_days=agreement.notice_period_days,
            status=Agreement.Status.DRAFT,
            predecessor=agreement,
            lineage=Agreement.Lineage.RENEWS,
        )
        successor.fields.set(agreement.fields.all())
        AgreementParty.objects.bulk_create(
            AgreementParty(
                agreement=successor,
                institution_id=party.institution_id,
                role=party.role,
                position=party.position,
            )
            for party in agreement.parties.all()
        )
        AgreementExchangeKind.objects.bulk_create(
            AgreementExchangeKind(
                agreement=successor,
                kind=covered.kind,
                places_per_year=covered.places_per_year,
            )
            for covered in agreement.exchange_kinds.all()
        )
    return successor


@dataclasses.dataclass
class ReminderRun:
    """What ``agreement_reminders_send`` did (or would do, in a dry run)."""

    sent: list[tuple[Agreement, int, list[str]]] = dataclasses.field(
        default_factory=list
    )
    without_recipient: list[Agreement] = dataclasses.field(default_factory=list)


def reminder_recipients(agreement: Agreement) -> list[str]:
    """The responsible staff member, or else the active editors (queries)."""
    responsible = agreement.responsible
    if responsible and responsible.is_active and responsible.email:
        return [responsible.email]
    return sorted(
        User.objects.filter(groups__name="Editors", is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def agreement_reminders_send(
    *, today: datetime.date, lead_days: list[int], dry_run: bool = False
) -> ReminderRun:
    """E-mail a reminder for each signed agreement whose expiry is within a
    lead time not yet reminded of. A late or repeated run sends each lead time
    at most once per agreement and expiry date; when several are due at once
    (a late run), one e-mail covers them all."""
    run = ReminderRun()
    longest = max(lead_days)
    due = (
        Agreement.objects.expiring_within(longest, on=today)
        .select_related("responsible")
        .prefetch_related("reminders")
        .order_by("expires_on", "pk")
    )
    for agreement in due:
        days_left = (agreement.expires_on - today).days
        reminded = {
            reminder.lead_days
            for reminder in agreement.reminders.all()
            if reminder.expires_on == agreement.expires_on
        }
        pending = [days for days in lead_days if days >= days_left]
        if not set(pending) - reminded:
            continue
        recipients = reminder_recipients(agreement)
        if not recipients:
            run.without_recipient.append(agreement)
            continue
        run.sent.append((agreement, min(pending), recipients))
        if dry_run:
            continue
        with transaction.atomic():
            AgreementReminder.objects.bulk_create(
                [
                    AgreementReminder(
                        agreement=agreement,
                        expires_on=agreement.expires_on,
                        lead_days=days,
                        recipients=", ".join(recipients),
                    )
                    for days in pending
                    if days not in reminded
                ]
            )
            agreement_reminder_mail(
                agreement=agreement, days_left=days_left, recipients=recipients
            )
    return run


def agreement_reminder_mail(
    *, agreement: Agreement, days_left: int, recipients: list[str]
) -> None:
    admin_url = settings.SITE_URL + reverse(
        "admin:cooperation_agreement_change", args=[agreement.pk]
    )
    context = {"agreement": agreement, "days_left": days_left, "admin_url": admin_url}
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            f"[{settings.SITE_NAME}] "
            + render_to_string(
                "cooperation/email/reminder_subject.txt", context
            ).strip()
        )
        body = render_to_string("cooperation/email/reminder_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def interests_purge(*, older_than: datetime.datetime) -> int:
    """Delete interest registrations received before ``older_than``, with
    their change history (personal data is not kept). Returns how many."""
    with transaction.atomic():
        old = Interest.objects.filter(created__lt=older_than)
        ids = list(old.values_list("pk", flat=True))
        old.delete()
        # Including the history rows that the deletion itself just added.
        Interest.history.filter(id__in=ids).delete()
    return len(ids)
