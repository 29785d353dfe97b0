import datetime

from django.utils.translation import gettext as _

from common.commands import SiteLanguageCommand
from needs.deadlines import check_deadlines, take_within


class Command(SiteLanguageCommand):
    help = (
        "Send requests nobody took in time back to the office, flag those not done in their window, "
        "and return wishes whose claim lapsed to the wall. "
        "Run it every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=float,
            default=None,
            help="How long a dispatched request may wait for a volunteer (default: NEEDS_TAKE_WITHIN_HOURS, 24).",
        )

    def handle(self, *args, hours, **options):
        within = take_within() if hours is None else datetime.timedelta(hours=hours)
        run = check_deadlines(within=within)
        self.stdout.write(
            _(
                "%(back)d requests sent back to the office, %(overdue)d flagged overdue, "
                "%(wishes)d wishes back on the wall."
            )
            % {"back": run.sent_back, "overdue": run.overdue, "wishes": run.wishes_returned}
        )
