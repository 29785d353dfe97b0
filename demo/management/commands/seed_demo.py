import random

from django.core.management.base import BaseCommand

from common.progress import TerminalProgress
from demo.civic import seed_demo_points, seed_points_rules
from demo.needs import RESIDENT_PHONE, seed_demo_needs
from demo.people import DEMO_PASSWORD, LEADER_PHONE, STAFF_PHONE, VOLUNTEER_PHONE, seed_demo
from demo.shifts import seed_demo_shifts
from volunteers.models import Volunteer


class Command(BaseCommand):
    help = "Create demo offices, teams and volunteers (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the database has volunteers")

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Volunteer.objects.exists():
            self.stdout.write("The database already has volunteers; demo data not loaded.")
            return
        with TerminalProgress(self.stdout, "Loading demo data", language="en") as progress:
            progress(0, 3)
            counts = seed_demo()
            seed_points_rules()  # before the hours: points follow the hours posted after them
            progress(1, 3)
            # The people first: shifts are signed up for by members of the demo teams.
            counts |= seed_demo_shifts(random.Random(2026))
            progress(2, 3)
            # After the shifts: a request's time must not overlap its volunteer's shifts (rule 5).
            counts |= seed_demo_needs(random.Random(2026))
            counts |= seed_demo_points(random.Random(2026))
            progress(3, 3)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data: {offices} offices, {teams} teams, {volunteers} volunteers, "
                "{shifts} new shifts, {signups} new sign-ups, {records} new ledger records, "
                "{requests} new residents' requests, {wishes} new wishes, "
                "{deeds} new good deeds, {orders} new orders, {reports} new party members' reports.".format(**counts)
            )
        )
        for role, phone in (
            ("office staff", STAFF_PHONE),
            ("team leader", LEADER_PHONE),
            ("volunteer", VOLUNTEER_PHONE),
            ("resident", RESIDENT_PHONE),
        ):
            self.stdout.write(f"  {role:<13} {phone[3:]} / {DEMO_PASSWORD}")
