from django.utils.translation import ngettext

from common.commands import SiteLanguageCommand
from shifts.deadlines import remind_unconfirmed_sheets


class Command(SiteLanguageCommand):
    help = (
        "Remind office staff of attendance sheets still unconfirmed near the 10-working-day limit, "
        "once a sheet a day, on working days. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sms", action="store_true", help="also send each reminder as a text message")

    def handle(self, *args, sms: bool, **options):
        count = remind_unconfirmed_sheets(text=sms)
        self.stdout.write(
            ngettext(
                "Staff reminded of %(count)d unconfirmed attendance sheet.",
                "Staff reminded of %(count)d unconfirmed attendance sheets.",
                count,
            )
            % {"count": count}
        )
