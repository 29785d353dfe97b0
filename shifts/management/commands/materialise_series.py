from django.utils.translation import ngettext

from common.commands import SiteLanguageCommand
from shifts.series import top_up_all


class Command(SiteLanguageCommand):
    help = "Create the coming weeks' shifts of every running recurring series (run daily from cron)."

    def handle(self, *args, **options):
        created = top_up_all()
        self.stdout.write(
            ngettext("%(count)d shift created.", "%(count)d shifts created.", created) % {"count": created}
        )
