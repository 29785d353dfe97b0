"""Telling people things: in-site notifications, and text messages through the SMS sender."""

from collections.abc import Iterable

from django.utils import timezone

from accounts.models import Notification, User
from accounts.sms import SmsRefused, send_sms


def notify(users: Iterable[User], message: str, link: str = "", *, text: bool = False) -> None:
    """One in-site notification per person; `text` also sends it as a text message."""
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
