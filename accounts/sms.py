"""Text messages go through one pluggable sender named by settings.SMS_SENDER.

A real deployment names a class that talks to its SMS gateway; it only has to
implement `send(phone, text)`. Every message is counted here, at the sender, in the
shared cache: codes have daily caps per number and per address (a script must not text
one number thousands of times, nor a stranger's phone from one address all day), and
the deployment has a daily budget for all messages, with a warning in the log at 80%
and an error when it is spent (settings.SMS_DAILY_*).
"""

import logging
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from common.counters import count_one_more

logger = logging.getLogger(__name__)
DAY = 24 * 60 * 60


class SmsRefused(Exception):
    """A daily cap or the deployment's budget is reached: the message is not sent."""


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


def client_ip(request) -> str:
    """The address a request came from, as the rate limits see it."""
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _count(key: str) -> int:
    """One more for `key` today; the count after it."""
    return count_one_more(f"sms:{timezone.localdate():%Y%m%d}:{key}", DAY)


def send_sms(phone: str, text: str, *, code: bool = False, ip: str = "") -> None:
    """Send one message, or raise SmsRefused when a cap or the budget is reached."""
    if code:
        if _count(f"number:{phone}") > settings.SMS_DAILY_CODES_PER_NUMBER:
            raise SmsRefused(f"daily codes for {phone[:-4]}****")
        if ip and _count(f"ip:{ip}") > settings.SMS_DAILY_CODES_PER_ADDRESS:
            raise SmsRefused(f"daily codes for {ip}")
    sent = _count("all")
    budget = settings.SMS_DAILY_BUDGET
    if sent > budget:
        logger.error("SMS budget of %d messages a day is spent: %s not sent", budget, phone[:-4] + "****")
        raise SmsRefused("daily budget")
    if sent == int(budget * 0.8):
        logger.warning("SMS: %d of the %d messages of today's budget sent", sent, budget)
    _sender_class(settings.SMS_SENDER)().send(phone, text)
