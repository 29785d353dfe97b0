from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShiftsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shifts"
    verbose_name = _("Shifts")

    def ready(self) -> None:
        # A partner unit's page and feedback list the shifts it ran; teams never imports this app.
        from shifts.partners import shifts_run_with
        from teams.partners import add_work_source

        add_work_source(shifts_run_with)
