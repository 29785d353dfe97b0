from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self) -> None:
        # Registers the background kinds: big roster checks and imports, card sheets.
        from volunteers import card_jobs, roster_jobs  # noqa: F401
