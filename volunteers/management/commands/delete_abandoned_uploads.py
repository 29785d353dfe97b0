from django.utils.translation import ngettext

from common.commands import SiteLanguageCommand
from volunteers.uploads import discard_abandoned


class Command(SiteLanguageCommand):
    help = (
        "Delete uploaded rosters left unconfirmed for more than a day. A new upload sweeps them too; "
        "run this daily from cron so that an office that stops uploading keeps none."
    )

    def handle(self, *args, **options):
        count = discard_abandoned()
        self.stdout.write(
            ngettext("%(count)d abandoned upload deleted.", "%(count)d abandoned uploads deleted.", count)
            % {"count": count}
        )
