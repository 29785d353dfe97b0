"""Management commands that speak the site's language."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation


class SiteLanguageCommand(BaseCommand):
    """A command run by the office's operator answers in the site's language
    (settings.LANGUAGE_CODE, 简体中文), whatever language the caller has active:
    cron, a shell, or call_command from a request in English."""

    def execute(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            return super().execute(*args, **options)
