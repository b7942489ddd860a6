"""Time is an input: services take a Clock, never call ``datetime.now`` themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of the current instant (timezone-aware, UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests, replays and ``--as-of``."""

    def __init__(self, at: datetime) -> None:
        self._at = ensure_utc(at)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta


def ensure_utc(at: datetime) -> datetime:
    """Refuse naive datetimes and normalise aware ones to UTC."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()} has no time zone")
    return at.astimezone(UTC)


def minutes_between(start: datetime, end: datetime) -> float:
    """Minutes from start to end (negative when end is earlier)."""
    return (end - start).total_seconds() / 60.0
