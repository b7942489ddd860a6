"""Synthetic exports in the exact San Diego calls-for-service CSV format, for import benchmarks.

Same header and column order as the real file, every field double-quoted, LF line ends.
Codes (call type with its priority, disposition given priority, beat, block address) are
drawn from the real frequencies in the calibration; times follow San Diego's own hourly and
weekday profile. Rows are written hour by hour, so memory stays constant for any ``rows``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from watchkeeper.kernel.errors import InputError
from watchkeeper.synthetic.calibration import Calibration, load_calibration

SOURCE = "san-diego"
STREAMS = ("times", "codes", "places")


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class _Table:
    """Pre-quoted values and their cumulative probabilities, for fast vectorised draws."""

    values: tuple[str, ...]
    cumulative: np.ndarray
    bands: tuple[float, ...]  # the same cumulative shares, for pure-Python bisection

    @classmethod
    def of(cls, pairs: list[tuple[str, int]]) -> _Table:
        counts = np.array([n for _, n in pairs], dtype=float)
        cumulative = np.cumsum(counts) / counts.sum()
        return cls(tuple(v for v, _ in pairs), cumulative, tuple(cumulative.tolist()))

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        index = np.searchsorted(self.cumulative, rng.random(n), side="right")
        return np.minimum(index, len(self.values) - 1)

    def value_at(self, u: float) -> str:
        """The value whose cumulative band holds ``u`` (0 <= u < 1); one scalar draw."""
        index = bisect.bisect_right(self.bands, u)
        return self.values[min(index, len(self.values) - 1)]


@dataclass(frozen=True, slots=True)
class _Codes:
    call_types: _Table  # values are '"type","' ... joined later with the priority
    priorities: tuple[str, ...]  # priority of each call_types entry
    dispositions: dict[str, _Table]
    beats: _Table
    addresses: _Table

    @classmethod
    def of(cls, calibration: Calibration) -> _Codes:
        export = calibration.export
        pairs = [(_quote(t), n) for t, _, n in export.call_type_priority]
        return cls(
            _Table.of(pairs),
            tuple(p for _, p, _ in export.call_type_priority),
            {
                p: _Table.of([(_quote(d), n) for d, n in counts])
                for p, counts in export.disposition_by_priority.items()
            },
            _Table.of([(_quote(b), n) for b, n in export.beats]),
            _Table.of([(",".join(_quote(v) for v in a), n) for a, n in export.addresses]),
        )


def _hour_rows(
    codes: _Codes, rngs: dict[str, np.random.Generator], seconds: np.ndarray
) -> list[tuple[str, str, str, str, str, str]]:
    """(call type, priority, disposition, beat, address, mm:ss) for each second offset."""
    n = len(seconds)
    types = codes.call_types.draw(rngs["codes"], n)
    beats = codes.beats.draw(rngs["places"], n)
    places = codes.addresses.draw(rngs["places"], n)
    draws = rngs["codes"].random(n).tolist()
    rows = []
    for i in range(n):
        priority = codes.priorities[types[i]]
        disposition = codes.dispositions[priority].value_at(draws[i])
        second = int(seconds[i])
        rows.append(
            (
                codes.call_types.values[types[i]],
                priority,
                disposition,
                codes.beats.values[beats[i]],
                codes.addresses.values[places[i]],
                f"{second // 60:02d}:{second % 60:02d}",
            )
        )
    return rows


def _hour_text(
    codes: _Codes,
    rngs: dict[str, np.random.Generator],
    hour: datetime,
    seconds: np.ndarray,
    first: int,
) -> str:
    """The CSV lines for the calls in one wall-clock hour, numbered from ``first``."""
    prefix = hour.strftime("%Y-%m-%d %H:")
    month = hour.strftime("%y%m")
    day_of_week = (hour.weekday() + 1) % 7 + 1  # 1 = Sunday, as in the real file
    return "".join(
        f'"E{month}{first + i:07d}","{prefix}{mmss}","{day_of_week}",{address},'
        f'{kind},{dispo},{beat},"{priority}"\n'
        for i, (kind, priority, dispo, beat, address, mmss) in enumerate(
            _hour_rows(codes, rngs, seconds)
        )
    )


def _streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent random stream per concern (times, codes, places)."""
    sequences = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, sequences, strict=True)}


def write_san_diego_style_export(
    path: Path,
    rows: int,
    seed: int,
    start: datetime,
    calibration: Calibration | None = None,
) -> int:
    """Write ``rows`` synthetic calls from ``start`` (wall clock, local time) to ``path``.

    Incident numbers restart each month (``E`` + yymm + 7 digits, as in the real file).
    Returns the number of rows written. Deterministic for (rows, seed, start, calibration).
    """
    if rows < 0:
        raise InputError(f"rows must be >= 0, got {rows}")
    cal = calibration or load_calibration()
    codes = _Codes.of(cal)
    rngs = _streams(seed)
    hourly, weekday = cal.hourly_by_source[SOURCE], cal.weekday_by_source[SOURCE]
    wall = start.replace(tzinfo=None)
    hour = wall.replace(minute=0, second=0, microsecond=0)
    first_second = int((wall - hour).total_seconds())
    written, sequence = 0, 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as out:
        out.write(",".join(_quote(c) for c in cal.export.header) + "\n")
        while written < rows:
            mean = cal.export.calls_per_day * 7 * weekday[hour.weekday()] * hourly[hour.hour]
            mean *= (3600 - first_second) / 3600
            count = min(int(rngs["times"].poisson(mean)), rows - written)
            seconds = np.sort(rngs["times"].integers(first_second, 3600, size=count))
            out.write(_hour_text(codes, rngs, hour, seconds, sequence + 1))
            written, sequence = written + count, sequence + count
            hour, first_second = hour + timedelta(hours=1), 0
            if hour.day == 1 and hour.hour == 0:
                sequence = 0
    return written
