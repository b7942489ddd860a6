"""The roster: units by area, their skills, position and daily shift, as column arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.trace import FloatArray, IntArray, MaskArray, Trace, mask_of, names_of

DAY_MINUTES = 1440.0
DOUBLE_CREWED = "double-crewed"  # the skill code of a unit with two officers on board
MAX_CREW = 12  # as dispatch.register.MAX_CREW: a sanity bound on one unit's crew (assumed)


@dataclass(frozen=True, slots=True)
class UnitGroup:
    """``count`` identical units: "12 response units in north on 07:00 for 10 hours".

    ``shift_start`` is minutes after midnight; ``shift_hours`` of 24 means always on duty.
    ``position`` is planar km in the trace's frame (None: the area's centre). ``crew`` is
    the officers on board (None: 2 when the skills include ``double-crewed``, else 1).
    """

    area: str
    count: int
    skills: tuple[str, ...]
    shift_start: float = 0.0
    shift_hours: float = 24.0
    position: tuple[float, float] | None = None
    name: str = ""
    crew: int | None = None

    @property
    def officers(self) -> int:
        """Officers on board: ``crew`` when given, else 2 if double-crewed, else 1."""
        if self.crew is not None:
            return self.crew
        return 2 if DOUBLE_CREWED in self.skills else 1


@dataclass(frozen=True, slots=True)
class Roster:
    """Units as columns; ``skills`` is a bit mask over the trace's skill vocabulary and
    ``crew`` the officers on board each unit.

    ``clock_offset`` is the minute of the day (on the shift clock) at trace time 0, so a
    unit is on duty at ``t`` when ``(t + clock_offset - shift_start) mod 1440 <
    shift_length``.
    """

    call_signs: tuple[str, ...]
    area: IntArray
    x_km: FloatArray
    y_km: FloatArray
    skills: MaskArray
    shift_start: FloatArray
    shift_length: FloatArray
    areas: tuple[str, ...]
    clock_offset: float = 0.0
    crew: IntArray | None = None  # None: one officer per unit

    @property
    def officers(self) -> IntArray:
        """Officers on board each unit."""
        if self.crew is None:
            return np.ones(len(self.call_signs), dtype=np.int64)
        return self.crew

    def __len__(self) -> int:
        return len(self.call_signs)

    def on_duty(self, t: float) -> np.ndarray:
        """Which units are on duty at minute ``t``."""
        phase = np.mod(t + self.clock_offset - self.shift_start, DAY_MINUTES)
        on: np.ndarray = phase < self.shift_length
        return on

    def duty_minutes(self, start: float, end: float) -> FloatArray:
        """Minutes each unit is rostered on duty within [start, end)."""
        days = np.arange(
            np.floor((start + self.clock_offset) / DAY_MINUTES) - 1,
            np.ceil((end + self.clock_offset) / DAY_MINUTES) + 1,
        )
        begin = days[:, None] * DAY_MINUTES + self.shift_start[None, :] - self.clock_offset
        finish = begin + self.shift_length[None, :]
        overlap = np.clip(np.minimum(finish, end) - np.maximum(begin, start), 0.0, None)
        out: FloatArray = overlap.sum(axis=0)
        return out


def uncovered_skills(trace: Trace, roster: Roster) -> list[tuple[int, tuple[str, ...]]]:
    """(first record, skills) for each required skill set that no rostered unit holds."""
    out = []
    masks, first = np.unique(trace.skills, return_index=True)
    for mask, index in zip(masks.tolist(), first.tolist(), strict=True):
        if not ((roster.skills & np.uint32(mask)) == mask).any():
            out.append((int(index), names_of(int(mask), trace.skill_names)))
    return out


def uncrewable(trace: Trace, roster: Roster) -> list[tuple[int, int, int]]:
    """(first record, officers needed, officers available) for each (skill set, crew) need
    that even every rostered unit holding the skills together could not crew."""
    out = []
    officers = roster.officers
    pairs: dict[tuple[int, int], int] = {}
    for i, (mask, crew) in enumerate(zip(trace.skills.tolist(), trace.crew.tolist(), strict=True)):
        pairs.setdefault((mask, crew), i)
    for (mask, crew), index in sorted(pairs.items(), key=lambda kv: kv[1]):
        able = int(officers[(roster.skills & np.uint32(mask)) == mask].sum())
        if 0 < able < crew:
            out.append((index, crew, able))
    return out


def _check(group: UnitGroup, where: str) -> None:
    if group.count < 0:
        raise InputError(f"{where}.count must be >= 0, got {group.count}")
    if not 0 <= group.shift_start < DAY_MINUTES:
        raise InputError(f"{where}.shift_start must be within the day, got {group.shift_start}")
    if not 0 < group.shift_hours <= 24:
        raise InputError(f"{where}.shift_hours must be in (0, 24], got {group.shift_hours}")
    if group.crew is not None and not 1 <= group.crew <= MAX_CREW:
        raise InputError(f"{where}.crew must be 1 to {MAX_CREW} officers, got {group.crew}")
    if group.crew == 1 and DOUBLE_CREWED in group.skills:
        raise InputError(f"{where}.crew is 1 but the skills say '{DOUBLE_CREWED}'")


def build_roster(
    groups: Sequence[UnitGroup],
    skill_names: Sequence[str],
    centres: dict[str, tuple[float, float]],
    *,
    clock_offset: float = 0.0,
    where: str = "roster.units",
) -> Roster:
    """Expand unit groups into units; errors name ``where[i]`` and the field."""
    signs: list[str] = []
    columns: list[list[float]] = [[], [], [], [], [], [], []]
    areas = sorted({g.area for g in groups})
    for i, group in enumerate(groups):
        at = f"{where}[{i}]"
        _check(group, at)
        mask = mask_of(group.skills, skill_names, f"{at}.skills")
        if group.position is None and group.area not in centres:
            raise InputError(f"{at}.area {group.area!r} has no known centre; give a position")
        x, y = group.position or centres[group.area]
        stem = group.name or f"{group.area}-{i + 1}"
        for k in range(group.count):
            signs.append(f"{stem}-{k + 1:03d}")
            row = (
                areas.index(group.area),
                x,
                y,
                mask,
                group.shift_start,
                group.shift_hours * 60,
                group.officers,
            )
            for column, value in zip(columns, row, strict=True):
                column.append(float(value))
    if not signs:
        raise InputError(f"{where}: the roster has no units")
    area, xs, ys, masks, starts, lengths, crew = (np.array(c) for c in columns)
    return Roster(
        tuple(signs),
        area.astype(np.int64),
        xs,
        ys,
        masks.astype(np.uint32),
        starts,
        lengths,
        tuple(areas),
        clock_offset,
        crew.astype(np.int64),
    )
