from django.core.cache import cache

from common.counters import count_of, count_one_more


def test_a_count_grows_by_one_from_nothing_and_keys_count_apart():
    assert count_of("test:a") == 0
    assert [count_one_more("test:a", 60) for _n in range(3)] == [1, 2, 3]
    assert count_one_more("test:b", 60) == 1
    assert count_of("test:a") == 3


def test_a_count_that_expires_between_add_and_incr_starts_a_new_window(monkeypatch):
    def expired(key, delta=1):
        raise ValueError(f"Key '{key}' not found")

    monkeypatch.setattr(cache, "incr", expired)
    assert count_one_more("test:gone", 60) == 1
    monkeypatch.undo()
    assert count_of("test:gone") == 1
    assert count_one_more("test:gone", 60) == 2


def test_a_window_ends_with_its_count(monkeypatch):
    count_one_more("test:short", 60)
    cache.delete("test:short")  # as the cache does when the window is over
    assert count_of("test:short") == 0
    assert count_one_more("test:short", 60) == 1
