import calendar
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cooperation.services import interests_purge


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time ``months`` calendar months earlier (the last day
    of the month when that month is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


class Command(BaseCommand):
    help = (
        "Delete interest registrations older than the retention period "
        "(INTEREST_RETENTION_MONTHS, default 12), with their change history."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=settings.INTEREST_RETENTION_MONTHS,
            help="Retention period in months.",
        )

    def handle(self, *args, months: int, **options):
        cutoff = months_before(timezone.now(), months)
        count = interests_purge(older_than=cutoff)
        self.stdout.write(
            f"Deleted {count} interest registration(s) received before "
            f"{cutoff.date().isoformat()}."
        )
