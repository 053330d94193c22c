"""Expiry reminders: the e-mail that tells the staff who may open an
agreement that it is about to expire (``manage.py send_agreement_reminders``,
run daily). Who hears of an agreement is decided in cooperation/permissions.py;
each mail sent is recorded as an ``AgreementReminder``, so that a late or
repeated run sends each lead time once."""

import dataclasses
import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .. import permissions
from ..models import Agreement, AgreementReminder


@dataclasses.dataclass
class ReminderRun:
    """What ``agreement_reminders_send`` did (or would do, in a dry run)."""

    sent: list[tuple[Agreement, int, list[str]]] = dataclasses.field(
        default_factory=list
    )
    without_recipient: list[Agreement] = dataclasses.field(default_factory=list)


def agreement_reminders_send(
    *, today: datetime.date, lead_days: list[int], dry_run: bool = False
) -> ReminderRun:
    """E-mail a reminder for each signed agreement whose expiry is within a
    lead time not yet reminded of. A late or repeated run sends each lead time
    at most once per agreement and expiry date; when several are due at once
    (a late run), one e-mail covers them all."""
    run = ReminderRun()
    # Only users who may open an agreement hear of it (permissions.py).
    editors = permissions.reminder_editors()
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
        recipients = permissions.reminder_recipients(agreement, editors=editors)
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
