"""Text messages go through one pluggable sender named by settings.SMS_SENDER.

A real deployment names a class that talks to its SMS gateway; it only has to
implement `send(phone, text)`.
"""

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsSender:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LogSmsSender(SmsSender):
    """Writes each message to the log; for development and for tests."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class MemorySmsSender(SmsSender):
    """Keeps messages in a list, so that tests can read the codes sent."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


@cache
def _sender_class(path: str) -> type[SmsSender]:
    return import_string(path)


def send_sms(phone: str, text: str) -> None:
    _sender_class(settings.SMS_SENDER)().send(phone, text)
