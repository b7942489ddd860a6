"""Local wall times in CAD exports -> UTC instants: DST folds and midnight wraps.

Times are local to the profile's time zone. A time-only column is dated by the received
date and wraps to the next day when earlier than received (a call received before midnight
and attended after it). In the autumn repeated hour the fold that keeps times non-decreasing
is chosen, else the first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class TimeSpec:
    """A full date-time column, a date + time-only pair, or a time-only column."""

    column: str = ""  # one column holding date and time, parsed with ``format``
    format: str = ""
    date_column: str = ""  # received only: the date part ...
    date_format: str = ""
    time_column: str = ""  # ... and the time part; for later events, dated by ``received``
    time_format: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.column, self.date_column, self.time_column) if c)


class UnusableValue(Exception):
    """A value the row cannot be imported with; the mapper turns it into a rejection."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def _utc(naive: datetime, tz: ZoneInfo, fold: int) -> datetime:
    return naive.replace(tzinfo=tz, fold=fold).astimezone(UTC)


def resolve_local(naive: datetime, tz: ZoneInfo, after: datetime | None) -> datetime:
    """A local wall time as UTC; in a repeated hour, the fold that keeps times non-decreasing.

    At the autumn clock change 01:00-01:59 happens twice; the first occurrence is taken
    unless only the second keeps the time at or after ``after``.
    """
    first, second = _utc(naive, tz, 0), _utc(naive, tz, 1)
    if after is not None and first < after <= second:
        return second
    return first


def parse_value(field: str, value: str, fmt: str) -> datetime:
    try:
        return datetime.strptime(value, fmt)  # noqa: DTZ007 - local wall time, zoned below
    except ValueError:
        raise UnusableValue(field, f"unparseable {field} {value!r} (expected {fmt})") from None


def received_time(
    row: dict[str, str], spec: TimeSpec, tz: ZoneInfo, after: datetime | None
) -> tuple[datetime, date]:
    if spec.column:
        value = row[spec.column].strip()
        if not value:
            raise UnusableValue(spec.column, "missing received time")
        naive = parse_value(spec.column, value, spec.format)
    else:
        day, clock = row[spec.date_column].strip(), row[spec.time_column].strip()
        if not day or not clock:
            raise UnusableValue(
                spec.date_column if not day else spec.time_column, "missing received time"
            )
        d = parse_value(spec.date_column, day, spec.date_format).date()
        t = parse_value(spec.time_column, clock, spec.time_format).time()
        naive = datetime.combine(d, t)
    return resolve_local(naive, tz, after), naive.date()


def event_time(
    row: dict[str, str], spec: TimeSpec, tz: ZoneInfo, received: datetime, day: date
) -> datetime | None:
    column = spec.column or spec.time_column
    value = row[column].strip()
    if not value:
        return None
    if spec.column:
        at = resolve_local(parse_value(column, value, spec.format), tz, received)
        if at < received:
            raise UnusableValue(
                column, f"impossible times: {column} {value!r} is before the call was received"
            )
        return at
    clock = parse_value(column, value, spec.time_format).time()
    # A time-only value earlier than received is on the next day (a call received before
    # midnight and attended after it); in the repeated DST hour the later fold comes first.
    for offset in (0, 1):
        naive = datetime.combine(day + timedelta(days=offset), clock)
        for fold in (0, 1):
            if (at := _utc(naive, tz, fold)) >= received:
                return at
    raise UnusableValue(
        column, f"impossible times: {column} {value!r} is before the call was received"
    )
