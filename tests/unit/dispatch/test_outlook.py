"""The outlook cache: shared while nothing changed, rebuilt once per change, never blocking
a board that already has one."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from watchkeeper.dispatch.outlook import DispatchOutlook, OutlookCache
from watchkeeper.dispatch.reasons import Recommendation

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def outlook(key, at=NOW):
    return DispatchOutlook(at, key, Recommendation(at, "optimal", (), (), 0.0), {}, {}, 1.0)


def test_an_outlook_is_shared_while_the_markers_hold_and_it_is_young():
    cache, built = OutlookCache(timedelta(seconds=10)), []

    def build():
        built.append(1)
        return outlook((1, (1, 1)))

    first = cache.get((1, (1, 1)), NOW, build, wait=True)
    again = cache.get((1, (1, 1)), NOW + timedelta(seconds=9), build, wait=True)
    changed = cache.get((2, (1, 1)), NOW + timedelta(seconds=9), build, wait=True)

    assert again is first and changed is not first
    assert len(built) == 2 == cache.builds


def test_an_outlook_older_than_the_limit_is_rebuilt():
    cache = OutlookCache(timedelta(seconds=10))
    first = cache.get((1, (0, 0)), NOW, lambda: outlook((1, (0, 0))), wait=True)
    later = NOW + timedelta(seconds=10)

    fresh = cache.get((1, (0, 0)), later, lambda: outlook((1, (0, 0)), later), wait=True)

    assert fresh is not first and fresh.as_of == later


def test_a_reader_that_may_not_wait_gets_the_last_outlook_while_the_next_is_built():
    cache = OutlookCache()
    first = cache.get((1, (0, 0)), NOW, lambda: outlook((1, (0, 0))), wait=True)
    release = threading.Event()

    def slow_build():
        release.wait(5)
        return outlook((2, (0, 0)))

    later = NOW + cache.min_interval
    given = cache.get((2, (0, 0)), later, slow_build, wait=False)
    also = cache.get((2, (0, 0)), later, slow_build, wait=False)  # one refresh at a time
    release.set()
    cache.settle()

    assert given is first and also is first
    assert cache.latest is not None and cache.latest.key == (2, (0, 0))
    assert cache.builds == 2


def test_a_failing_background_build_leaves_the_last_outlook_in_place():
    cache = OutlookCache()
    first = cache.get((1, (0, 0)), NOW, lambda: outlook((1, (0, 0))), wait=True)

    def broken():
        raise RuntimeError("store unreachable")

    assert cache.get((2, (0, 0)), NOW + cache.min_interval, broken, wait=False) is first
    cache.settle()
    assert cache.latest is first


def test_a_board_reader_starts_a_recomputation_at_most_once_per_interval():
    """Under a surge the log changes several times a second: the board keeps the outlook
    computed moments ago instead of recomputing after every change."""
    cache = OutlookCache(timedelta(seconds=10), min_interval=timedelta(seconds=5))
    first = cache.get((1, (0, 0)), NOW, lambda: outlook((1, (0, 0))), wait=True)
    built = []

    def build():
        built.append(1)
        return outlook((len(built) + 1, (0, 0)), NOW + timedelta(seconds=5))

    for second in range(5):  # a change every second, within the interval
        key = (second + 2, (0, 0))
        assert cache.get(key, NOW + timedelta(seconds=second), build, wait=False) is first
    cache.settle()
    assert built == []
    cache.get((9, (0, 0)), NOW + timedelta(seconds=5), build, wait=False)
    cache.settle()
    assert built == [1]
    acting = cache.get((10, (0, 0)), NOW + timedelta(seconds=5), build, wait=True)
    assert acting.key == (3, (0, 0)) and built == [1, 1]  # one who acts waits for a fresh one
