from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from civic.models import PointsPolicy
from civic.points import lapse_points


class Command(BaseCommand):
    help = (
        "Lapse the points that offices with yearly lapsing let lapse at the end of a year "
        "(default: last year). Run it early in January; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)

    def handle(self, *args, year: int, **options):
        # A year not yet over would lapse points that may still be spent in it.
        if year >= timezone.localdate().year:
            raise CommandError(
                _("Points lapse only at the end of a past year: give a year before %(year)d.")
                % {"year": timezone.localdate().year}
            )
        touched = sum(
            lapse_points(office=policy.office, year=year)
            for policy in PointsPolicy.objects.filter(expires_yearly=True).select_related("office")
        )
        self.stdout.write(f"{touched} points accounts lapsed points at the end of {year}")
