"""Rate-limit counts live in the database every app server shares, with a window that the
count itself cannot shorten (the database cache's increment restarted it at five minutes)."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from common.counters import count_of, count_one_more, take_back_one
from common.models import RateCounter

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60
START = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)


def test_a_count_grows_by_one_from_nothing_and_keys_count_apart():
    assert count_of("test:a") == 0
    assert [count_one_more("test:a", 60) for _n in range(3)] == [1, 2, 3]
    assert count_one_more("test:b", 60) == 1
    assert count_of("test:a") == 3


def test_a_days_window_holds_for_the_day_however_the_counts_are_spaced():
    with freeze_time(START) as clock:
        for _n in range(12):
            count_one_more("sms:number", DAY)
            clock.tick(datetime.timedelta(minutes=6))
        assert count_of("sms:number") == 12
        clock.move_to(START + datetime.timedelta(hours=23, minutes=59))
        assert count_of("sms:number") == 12


def test_a_window_ends_with_its_count_and_the_next_count_starts_a_new_one():
    with freeze_time(START) as clock:
        count_one_more("test:short", 60)
        count_one_more("test:short", 60)
        clock.tick(datetime.timedelta(seconds=60))
        assert count_of("test:short") == 0
        assert count_one_more("test:short", 60) == 1
        clock.tick(datetime.timedelta(seconds=59))
        assert count_one_more("test:short", 60) == 2


def test_taking_one_back_lowers_a_live_count_and_never_below_nothing():
    with freeze_time(START) as clock:
        count_one_more("test:back", 60)
        count_one_more("test:back", 60)
        take_back_one("test:back")
        assert count_of("test:back") == 1
        take_back_one("test:back")
        take_back_one("test:back")
        assert RateCounter.objects.get(key="test:back").count == 0
        take_back_one("test:never")
        assert not RateCounter.objects.filter(key="test:never").exists()
        count_one_more("test:back", 60)
        clock.tick(datetime.timedelta(seconds=60))
        take_back_one("test:back")  # an ended window is left to the sweep
        assert RateCounter.objects.get(key="test:back").count == 1


def test_ended_windows_are_swept_as_new_ones_begin():
    with freeze_time(START) as clock:
        count_one_more("test:old", 60)
        clock.tick(datetime.timedelta(minutes=2))
        count_one_more("test:new", 60)
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["test:new"]


@pytest.mark.django_db(transaction=True)
def test_counts_made_at_the_same_moment_are_none_of_them_lost():
    barrier = threading.Barrier(8)

    def press():
        barrier.wait()
        for _n in range(5):
            count_one_more("test:together", DAY)
        connection.close()

    threads = [threading.Thread(target=press) for _n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert count_of("test:together") == 40
    assert RateCounter.objects.get(key="test:together").window_ends_at > timezone.now()
