from django.core.management.base import BaseCommand

from shifts.services import send_due_reminders


class Command(BaseCommand):
    help = "Remind everyone confirmed for a shift that starts within 24 hours, once. Run it every few minutes."

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(f"{sent} reminders sent")
