from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phones import normalise_phone
from common.commands import SiteLanguageCommand
from common.progress import TerminalProgress
from hours import exports
from hours.management.commands.close_month import find_office
from hours.months import parse_month


def find_user(phone: str) -> User:
    try:
        return User.objects.get(phone=normalise_phone(phone), is_active=True)
    except (ValidationError, User.DoesNotExist):
        raise CommandError(_("No active user has the mobile number “%(phone)s”.") % {"phone": phone}) from None


class Command(SiteLanguageCommand):
    help = (
        "Write an office's monthly hours workbook (its offices below included); masked unless --unmasked is given "
        "with a --user allowed to see full numbers. Every export is logged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="the office's id or name")
        parser.add_argument("--month", required=True, help="YYYY-MM: the month the records are reported in")
        parser.add_argument("--output", required=True, help="the file to write (.xlsx, or .csv with --csv)")
        parser.add_argument("--csv", action="store_true", help="write the detail sheet as CSV (UTF-8 with BOM)")
        parser.add_argument("--unmasked", action="store_true", help="full phone and ID numbers (needs --user)")
        parser.add_argument("--user", help="phone number of the person exporting (logged; checked for access)")

    def handle(self, *args, office: str, month: str, output: str, csv: bool, unmasked: bool, user, **options):
        found = find_office(office)
        try:
            first_day = parse_month(month)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        exporter = find_user(user) if user else None
        if unmasked and exporter is None:
            raise CommandError(_("--unmasked needs --user: the person allowed to see full numbers."))
        try:
            if csv:
                with open(output, "wb") as stream:
                    log = exports.write_csv(stream, office=found, month=first_day, user=exporter, unmasked=unmasked)
            else:
                with TerminalProgress(self.stdout, _("Writing the workbook")) as progress:
                    log = exports.write_workbook(
                        output, office=found, month=first_day, user=exporter, unmasked=unmasked, progress=progress
                    )
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        words = {"file": output, "rows": log.rows, "office": found.name, "month": f"{first_day:%Y-%m}"}
        if log.unmasked:
            done = _("Wrote %(file)s: %(rows)d records of %(office)s reported in %(month)s, with full numbers.")
        else:
            done = _("Wrote %(file)s: %(rows)d records of %(office)s reported in %(month)s.")
        self.stdout.write(self.style.SUCCESS(done % words))
