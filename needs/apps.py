from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "needs"
    verbose_name = _("Residents' requests and wishes")

    def ready(self) -> None:
        # The monthly workbook gains the 服务需求 sheet; the ledger's app never imports this one.
        from hours import exports
        from needs import reports

        exports.add_sheet(reports.requests_sheet)
