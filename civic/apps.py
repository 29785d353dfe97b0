from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "civic"
    verbose_name = _("Points and civic work")

    def ready(self) -> None:
        # Points follow the hours: the ledger tells us what it wrote (hours must not import civic).
        from civic.points import follow_hours
        from hours.ledger import after_records_written

        after_records_written(follow_hours)
