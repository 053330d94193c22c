import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cooperation.staff.reminders import agreement_reminders_send


def lead_times(value: str) -> list[int]:
    try:
        days = sorted({int(part) for part in value.split(",") if part.strip()})
    except ValueError as error:
        raise CommandError("--days takes whole numbers, e.g. 180,90,30,7") from error
    if not days or days[0] < 0:
        raise CommandError("--days takes whole numbers of 0 or more.")
    return days


class Command(BaseCommand):
    help = (
        "E-mail the responsible staff member (or the editors) of every signed "
        "agreement that expires within a lead time, only those who may open the "
        "agreement (an editor tied to other institutions is left out). Each lead "
        "time is sent once per agreement, however often or late the command "
        "runs: run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=lead_times,
            default=None,
            help="Lead times in days, comma-separated (default: "
            "AGREEMENT_REMINDER_DAYS, 180,90,30,7).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be sent; send nothing.",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD).",
        )

    def handle(self, *args, days, dry_run, today, **options):
        today = today or timezone.localdate()
        run = agreement_reminders_send(
            today=today,
            lead_days=days or settings.AGREEMENT_REMINDER_DAYS,
            dry_run=dry_run,
        )
        for agreement, lead, recipients in run.sent:
            verb = "would remind" if dry_run else "reminded"
            self.stdout.write(
                f"{verb} {', '.join(recipients)}: “{agreement}” expires on "
                f"{agreement.expires_on.isoformat()} ({lead}-day reminder)"
            )
        for agreement in run.without_recipient:
            self.stderr.write(
                f"no recipient for “{agreement}”: set its responsible staff member "
                "or add users with an e-mail address to the Editors group, not "
                "tied to institutions or tied to one of its parties"
            )
        summary = (
            f"{len(run.sent)} reminder(s) {'to send' if dry_run else 'sent'}, "
            f"{len(run.without_recipient)} without a recipient"
            f"{' (dry run: nothing sent)' if dry_run else ''}."
        )
        self.stdout.write(summary)
