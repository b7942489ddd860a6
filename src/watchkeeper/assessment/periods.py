"""Assessment periods: a year (``2026``), a quarter (``2026-Q3``) or a month (``2026-07``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from watchkeeper.kernel.errors import InputError

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, slots=True)
class Period:
    """A labelled half-open interval [start, end) in the force's time zone, held as UTC."""

    label: str
    start: datetime
    end: datetime
    first_day: date
    last_day: date

    def previous(self, zone: ZoneInfo | None = None) -> Period:
        """The period of the same length just before this one."""
        year, kind, n = _parts(self.label)
        if kind == "Q":
            label = f"{year - 1}-Q4" if n == 1 else f"{year}-Q{n - 1}"
        elif kind == "M":
            label = f"{year - 1}-12" if n == 1 else f"{year}-{n - 1:02d}"
        else:
            label = f"{year - 1}"
        return parse_period(label, zone)

    def describe(self) -> str:
        """'1 Jul 2026 to 30 Sep 2026': the local days the period covers."""
        return f"{self.first_day:%-d %b %Y} to {self.last_day:%-d %b %Y}"


def _parts(label: str) -> tuple[int, str, int]:
    if m := _QUARTER.match(label):
        return int(m[1]), "Q", int(m[2])
    if m := _MONTH.match(label):
        return int(m[1]), "M", int(m[2])
    if m := _YEAR.match(label):
        return int(m[1]), "Y", 0
    raise InputError(
        f"period {label!r}: use a year (2026), a quarter (2026-Q3) or a month (2026-07)"
    )


def parse_period(label: str, zone: ZoneInfo | None = None) -> Period:
    """Parse a period label; boundaries are local midnights in ``zone`` (UTC by default)."""
    year, kind, n = _parts(label.strip())
    if kind == "Q":
        first, months = 3 * (n - 1) + 1, 3
    elif kind == "M":
        first, months = n, 1
    else:
        first, months = 1, 12
    end_month = first + months
    end_year, end_month = (year + 1, end_month - 12) if end_month > 12 else (year, end_month)
    tz = zone or ZoneInfo("UTC")
    start = datetime(year, first, 1, tzinfo=tz)
    end = datetime(end_year, end_month, 1, tzinfo=tz)
    last = end.date() - timedelta(days=1)
    return Period(label.strip(), start.astimezone(UTC), end.astimezone(UTC), start.date(), last)


def last_complete_quarter(now: datetime, zone: ZoneInfo | None = None) -> Period:
    """The latest calendar quarter that has ended by ``now`` (in the force's zone)."""
    local = now.astimezone(zone or ZoneInfo("UTC"))
    quarter = (local.month - 1) // 3 + 1
    current = parse_period(f"{local.year}-Q{quarter}", zone)
    return current.previous(zone)
