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
        from needs.partners import requests_served_with, wishes_fulfilled_by
        from teams.partners import add_work_source

        exports.add_sheet(reports.requests_sheet)
        # A partner unit's page and feedback list the requests it served and the wishes it
        # fulfilled; teams never imports this app.
        add_work_source(requests_served_with)
        add_work_source(wishes_fulfilled_by)
