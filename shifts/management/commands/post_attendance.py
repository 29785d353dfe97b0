from django.core.management.base import BaseCommand

from shifts.posting import POSTING_WORKING_DAYS, post_finished_shifts


class Command(BaseCommand):
    help = (
        "Post the attendance of finished shifts whose check-out window has closed to the ledger; "
        "what needs review waits for the leader. Safe to run from cron as often as you like."
    )

    def handle(self, *args, **options):
        run = post_finished_shifts()
        self.stdout.write(
            f"{run.shifts} shifts checked: {run.records} records posted, "
            f"{run.not_signed_out} people not signed out, {run.waiting} waiting for the leader's review"
        )
        if run.too_old:
            self.stdout.write(
                f"{run.too_old} shifts ended more than {POSTING_WORKING_DAYS} working days ago "
                "and were left alone: their time can only be added as a backfill"
            )
