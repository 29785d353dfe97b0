"""Counters for rate limits, kept in the cache that every app server shares (Redis when
REDIS_URL is set, the database otherwise), so that a limit counts across all of them."""

from django.core.cache import cache


def count_one_more(key: str, window: int) -> int:
    """One more for `key`, counted over `window` seconds from its first; the count after it."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # the count expired between add and incr: this one starts a new window
        cache.set(key, 1, window)
        return 1


def count_of(key: str) -> int:
    return cache.get(key) or 0
