from django.core.management.base import BaseCommand

from shifts.series import top_up_all


class Command(BaseCommand):
    help = "Create the coming weeks' shifts of every running recurring series (run daily from cron)."

    def handle(self, *args, **options):
        self.stdout.write(f"{top_up_all()} shifts created.")
