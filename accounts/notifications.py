"""Telling people things: in-site notifications, and text messages through the SMS sender."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import timezone, translation

from accounts.models import Notification, User
from accounts.sms import SmsRefused, send_sms


def in_site_language(words: Callable[[], str]) -> str:
    """What `words` says in the site's language (settings.LANGUAGE_CODE)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(words())


def notify(users: Iterable[User], words: Callable[[], str], link: str = "", *, text: bool = False) -> None:
    """One in-site notification per person; `text` also sends it as a text message.

    `words` is a function that says the message, called here in the site's language: the
    reader may not share the language of whoever's request sent it (an office working in
    English deciding a volunteer's correction), and people keep no language of their own.
    A notification is stored as text, so it is written once, in the language of the site."""
    if not callable(words):
        raise TypeError("notify() takes a function that says the message, e.g. lambda: _('...') % {...}")
    message = in_site_language(words)
    users = list(users)
    Notification.objects.bulk_create(Notification(user=user, message=message[:300], link=link) for user in users)
    if text:
        for user in users:
            try:
                send_sms(user.phone, message)
            except SmsRefused:
                # Spent budget: the in-site notification above still tells them (logged by the sender).
                continue


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user: User) -> None:
    Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
