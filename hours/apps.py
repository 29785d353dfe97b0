from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HoursConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hours"
    verbose_name = _("Service hours")

    def ready(self) -> None:
        # Registers the kinds of background work: the workbook, batches of certificates.
        from hours import certificate_jobs, workbook_jobs  # noqa: F401
