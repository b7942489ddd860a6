from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from watchkeeper.kernel.clock import FixedClock, ensure_utc, minutes_between


def test_a_fixed_clock_moves_only_when_advanced() -> None:
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    clock.advance(timedelta(minutes=90))
    assert clock.now() == datetime(2026, 1, 1, 1, 30, tzinfo=UTC)


def test_aware_times_are_normalised_to_utc_and_naive_ones_refused() -> None:
    bst = timezone(timedelta(hours=1))
    assert ensure_utc(datetime(2026, 7, 1, 12, 0, tzinfo=bst)).hour == 11
    with pytest.raises(ValueError, match="naive"):
        ensure_utc(datetime(2026, 7, 1))
    assert (
        minutes_between(datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 7, 1, 0, 15, tzinfo=UTC))
        == 15
    )
