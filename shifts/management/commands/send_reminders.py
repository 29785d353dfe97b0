from django.utils.translation import ngettext

from common.commands import SiteLanguageCommand
from shifts.services import send_due_reminders


class Command(SiteLanguageCommand):
    help = "Remind everyone confirmed for a shift that starts within 24 hours, once. Run it every few minutes."

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", sent) % {"count": sent})
