from django.utils.translation import gettext as _

from common.commands import SiteLanguageCommand
from shifts.posting import POSTING_WORKING_DAYS, post_finished_shifts


class Command(SiteLanguageCommand):
    help = (
        "Post the attendance of finished shifts whose check-out window has closed to the ledger; "
        "what needs review waits for the leader. Safe to run from cron as often as you like."
    )

    def handle(self, *args, **options):
        run = post_finished_shifts()
        self.stdout.write(
            _(
                "Shifts checked: %(shifts)d. Records posted: %(records)d. Not signed out: %(not_signed_out)d. "
                "Waiting for the leader's review: %(waiting)d."
            )
            % {
                "shifts": run.shifts,
                "records": run.records,
                "not_signed_out": run.not_signed_out,
                "waiting": run.waiting,
            }
        )
        if run.too_old:
            self.stdout.write(
                _(
                    "Shifts that ended more than %(days)d working days ago, left alone: %(count)d. "
                    "Their time can only be added as a backfill."
                )
                % {"count": run.too_old, "days": POSTING_WORKING_DAYS}
            )
