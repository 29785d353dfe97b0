"""Counters for rate limits, in the database that every app server shares (RateCounter)."""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.models import RateCounter


def count_one_more(key: str, window: int) -> int:
    """One more for `key`, counted over `window` seconds from its first; the count after it."""
    now = timezone.now()
    ends = now + datetime.timedelta(seconds=window)
    with transaction.atomic():
        counter, created = RateCounter.objects.select_for_update().get_or_create(
            key=key, defaults={"count": 1, "window_ends_at": ends}
        )
        if created:
            # Ended windows are swept as new ones begin, so that the table keeps only live counts.
            RateCounter.objects.filter(window_ends_at__lte=now).delete()
            return 1
        if counter.window_ends_at <= now:
            counter.count, counter.window_ends_at = 1, ends
        else:
            counter.count += 1
        counter.save(update_fields=["count", "window_ends_at"])
    return counter.count


def take_back_one(key: str) -> None:
    """One less for `key` in its current window: an attempt counted beforehand that came to good."""
    RateCounter.objects.filter(key=key, window_ends_at__gt=timezone.now(), count__gt=0).update(count=F("count") - 1)


def count_of(key: str) -> int:
    """The count of `key` in its current window; 0 when its window is over or never began."""
    counts = RateCounter.objects.filter(key=key, window_ends_at__gt=timezone.now())
    return counts.values_list("count", flat=True).first() or 0
