import re

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from common.commands import SiteLanguageCommand
from hours.months import close_month, parse_month
from teams.models import Office


def find_office(id_or_name: str) -> Office:
    """An office by its id, or else by its name (names are unique only within a street office)."""
    if re.fullmatch(r"[0-9]{1,18}", id_or_name):
        office = Office.objects.filter(pk=int(id_or_name)).first()
        if office is not None:
            return office
    offices = list(Office.objects.filter(name=id_or_name.strip()).select_related("parent")[:5])
    if not offices:
        raise CommandError(_("No office has the id or name “%(office)s”.") % {"office": id_or_name})
    if len(offices) > 1:
        # Translators: the list of offices of the same name that a command cannot choose between.
        found = _(", ").join(
            _("%(id)s (%(parent)s / %(name)s)") % {"id": office.pk, "parent": office.parent or "-", "name": office.name}
            for office in offices
        )
        raise CommandError(
            _("Several offices are called “%(office)s”: give the id, one of %(found)s.")
            % {"office": id_or_name, "found": found}
        )
    return offices[0]


class Command(SiteLanguageCommand):
    help = "Close a month for an office: freeze its totals and ranking (later records go to the next open month)."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="the office's id or name")
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, office: str, month: str, **options):
        found = find_office(office)
        try:
            closed = close_month(office=found, month=parse_month(month), by=None)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        snapshot = closed.snapshot
        self.stdout.write(
            self.style.SUCCESS(
                _("Closed %(month)s for %(office)s: %(volunteers)d volunteers, %(hours)s h.")
                % {
                    "month": snapshot["month"],
                    "office": found.name,
                    "volunteers": snapshot["volunteers"],
                    "hours": f"{snapshot['total_minutes'] / 60:g}",
                }
            )
        )
