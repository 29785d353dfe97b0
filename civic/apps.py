from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "civic"
    verbose_name = _("Points and civic work")

    def ready(self) -> None:
        # Points follow the hours: the ledger tells us what it wrote (hours must not import civic).
        from civic.points import follow_hours
        from civic.workbook import points_sheet
        from hours import exports
        from hours.ledger import after_records_written

        after_records_written(follow_hours)
        # The monthly workbook gains the 积分 sheet (staff's monthly points sheet).
        exports.add_sheet(points_sheet)
