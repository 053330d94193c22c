from django.core.management.base import BaseCommand

from cooperation.services import interest_notifications_retry


class Command(BaseCommand):
    help = (
        "E-mail the organisers again about every interest registration whose "
        "e-mail failed when it was received (marked in the admin's list of "
        "interest registrations). Run it daily."
    )

    def handle(self, *args, **options):
        sent, failed = interest_notifications_retry()
        self.stdout.write(f"{sent} notification(s) sent, {failed} failed again.")
        if failed:
            self.stderr.write(
                f"{failed} notification(s) could not be sent: check the mail "
                "settings (DJANGO_EMAIL_BACKEND and the server's log); the next "
                "run tries again."
            )
