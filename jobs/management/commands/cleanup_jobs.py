from django.utils.translation import gettext as _

from common.commands import SiteLanguageCommand
from jobs.services import delete_abandoned_partials, delete_expired_results, sweep_stale_jobs


class Command(SiteLanguageCommand):
    help = (
        "Mark jobs whose worker died as failed, delete prepared files older than JOBS_KEEP_DAYS and "
        "temporary files left by killed workers. Run it from cron, e.g. every 10 minutes."
    )

    def handle(self, *args, **options):
        lost = sweep_stale_jobs()
        expired = delete_expired_results()
        partials = delete_abandoned_partials()
        self.stdout.write(
            _("%(lost)d lost jobs marked failed, %(expired)d old files deleted, %(partials)d temporary files deleted.")
            % {"lost": lost, "expired": expired, "partials": partials}
        )
