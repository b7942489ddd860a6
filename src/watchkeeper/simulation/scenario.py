"""A scenario file a force analyst writes: demand, roster, policies, replications, targets.

TOML, parsed and validated here; every error names the key (``roster.units[2].count``).
The trace source is resolved above this package (the synthetic generator and the incident
store live there): ``cli.simulate_inputs`` for ``synthetic``, and the audited read service
:class:`watchkeeper.simulation.demand.StoreDemand` for ``store`` (incidents logged in
``[start, end)`` of an imported log). Examples: ``scenarios/demo.toml``,
``scenarios/slo-store.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.crewing import CrewRules, parse_crew_rules
from watchkeeper.simulation.policies import POLICIES
from watchkeeper.simulation.results import TARGETABLE
from watchkeeper.simulation.roster import UnitGroup

TRACE_SOURCES = ("synthetic", "store")
SIM_KEYS = ("travel_cv", "service_cv", "backlog_step_minutes", "max_batch")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class TraceSource:
    """Where the demand comes from: ``synthetic`` (the seeded generator) or ``store`` (the
    incidents logged in ``[start, start + hours)``; ``scale`` is 1 and unused)."""

    kind: str
    start: datetime
    hours: float
    scale: float
    service_minutes: dict[str, float] = field(default_factory=dict)  # by category


@dataclass(frozen=True, slots=True)
class Scenario:
    """A validated scenario file."""

    name: str
    policies: tuple[str, ...]
    replications: int
    seed: int
    trace: TraceSource
    units: tuple[UnitGroup, ...]
    targets: dict[str, float]  # measure -> share wanted (e.g. attended_within_target.emergency)
    sim: dict[str, float]
    crewing: CrewRules | None = None  # None: the bundled local defaults


def _fail(key: str, why: str) -> InputError:
    return InputError(f"scenario: '{key}' {why}")


def _table(doc: Mapping[str, Any], key: str, where: str = "") -> dict[str, Any]:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise _fail(f"{where}{key}", "must be a table")
    return value


def _number(doc: Mapping[str, Any], key: str, where: str, *, positive: bool = False) -> float:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"{where}{key}", f"must be a number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise _fail(f"{where}{key}", f"must be {'> 0' if positive else '>= 0'}, got {value}")
    return float(value)


def _whole(doc: Mapping[str, Any], key: str, where: str, minimum: int) -> int:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _fail(f"{where}{key}", f"must be a whole number >= {minimum}, got {value!r}")
    return value


def _clock_minutes(value: Any, key: str) -> float:
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if match is None:
        raise _fail(key, f"must be a time of day 'HH:MM', got {value!r}")
    return int(match.group(1)) * 60.0 + int(match.group(2))


def _policies(body: Mapping[str, Any]) -> tuple[str, ...]:
    names = body.get("policies", list(POLICIES))
    if not isinstance(names, list) or not names:
        raise _fail("scenario.policies", "must be a non-empty list of policy names")
    for i, name in enumerate(names):
        if name not in POLICIES:
            known = ", ".join(POLICIES)
            raise _fail(
                f"scenario.policies[{i}]", f"names unknown policy {name!r} (known: {known})"
            )
    return tuple(names)


def _trace(doc: Mapping[str, Any]) -> TraceSource:
    body, where = _table(doc, "trace"), "trace."
    kind = body.get("source")
    if kind not in TRACE_SOURCES:
        raise _fail(f"{where}source", f"must be one of {list(TRACE_SOURCES)}, got {kind!r}")
    start_text = body.get("start")
    try:
        start = ensure_utc(datetime.fromisoformat(str(start_text)))
    except ValueError:
        raise _fail(
            f"{where}start", f"must be an ISO date-time with offset, got {start_text!r}"
        ) from None
    service = body.get("service_minutes", {})
    if not isinstance(service, dict):
        raise _fail(f"{where}service_minutes", "must be a table of category = minutes")
    return TraceSource(
        kind=str(kind),
        start=start,
        hours=_store_hours(body, start)
        if kind == "store"
        else _number(body, "hours", where, positive=True),
        scale=1.0 if kind == "store" else _number(body, "scale", where, positive=True),
        service_minutes={
            str(k): _number(service, k, f"{where}service_minutes.", positive=True) for k in service
        },
    )


def _store_hours(body: Mapping[str, Any], start: datetime) -> float:
    """The window of a store trace: ``end`` (exclusive) or ``hours`` after ``start``."""
    if ("end" in body) == ("hours" in body):
        raise _fail("trace.end", "give either 'end' or 'hours' for a store trace (not both)")
    if "hours" in body:
        return _number(body, "hours", "trace.", positive=True)
    try:
        end = ensure_utc(datetime.fromisoformat(str(body["end"])))
    except ValueError:
        raise _fail("trace.end", f"must be an ISO date-time, got {body['end']!r}") from None
    if end <= start:
        raise _fail("trace.end", f"must be after trace.start ({start.isoformat()})")
    return (end - start).total_seconds() / 3600.0


def _unit_group(body: Any, where: str) -> UnitGroup:
    if not isinstance(body, dict):
        raise _fail(where, "must be a table")
    skills = body.get("skills")
    if not isinstance(skills, list) or not all(isinstance(s, str) for s in skills):
        raise _fail(f"{where}.skills", "must be a list of skill codes")
    area = body.get("area")
    if not isinstance(area, str) or not area:
        raise _fail(f"{where}.area", "must name an area")
    hours = (
        _number(body, "shift_hours", f"{where}.", positive=True) if "shift_hours" in body else 24.0
    )
    if hours > 24:
        raise _fail(f"{where}.shift_hours", f"must be at most 24, got {hours:g}")
    return UnitGroup(
        area=area,
        count=_whole(body, "count", f"{where}.", 0),
        skills=tuple(skills),
        shift_start=_clock_minutes(body.get("shift_start", "00:00"), f"{where}.shift_start"),
        shift_hours=hours,
        name=str(body.get("name", "")),
        crew=_whole(body, "crew", f"{where}.", 1) if "crew" in body else None,
    )


def _units(doc: Mapping[str, Any]) -> tuple[UnitGroup, ...]:
    roster = _table(doc, "roster")
    groups = roster.get("units")
    if not isinstance(groups, list) or not groups:
        raise _fail("roster.units", "must list at least one unit group ([[roster.units]])")
    out = tuple(_unit_group(body, f"roster.units[{i}]") for i, body in enumerate(groups))
    if sum(g.count for g in out) == 0:
        raise _fail("roster.units", "has no units (every count is 0)")
    return out


def _shares(doc: Mapping[str, Any]) -> dict[str, float]:
    body = doc.get("targets", {})
    if not isinstance(body, dict):
        raise _fail("targets", "must be a table of measure = share")
    out = {}
    for key in body:
        if key not in TARGETABLE:
            raise _fail(f"targets.{key}", f"is not a measure (known: {', '.join(TARGETABLE)})")
        share = _number(body, key, "targets.")
        if share > 1:
            raise _fail(f"targets.{key}", f"is a share and must be at most 1, got {share:g}")
        out[str(key)] = share
    return out


def _sim(doc: Mapping[str, Any]) -> dict[str, float]:
    body = doc.get("sim", {})
    if not isinstance(body, dict):
        raise _fail("sim", "must be a table")
    unknown = sorted(set(body) - set(SIM_KEYS))
    if unknown:
        raise _fail(f"sim.{unknown[0]}", f"is not a setting (known: {', '.join(SIM_KEYS)})")
    out = {key: _number(body, key, "sim.") for key in body}
    if "max_batch" in out:
        out["max_batch"] = float(_whole(body, "max_batch", "sim.", 1))
    return out


def parse_scenario(doc: Mapping[str, Any]) -> Scenario:
    """Validate a scenario document; raises ``InputError`` naming the key."""
    head, where = _table(doc, "scenario"), "scenario."
    return Scenario(
        name=str(head.get("name", "scenario")),
        policies=_policies(head),
        replications=_whole(head, "replications", where, 1) if "replications" in head else 5,
        seed=_whole(head, "seed", where, 0) if "seed" in head else 0,
        trace=_trace(doc),
        units=_units(doc),
        targets=_shares(doc),
        sim=_sim(doc),
        crewing=parse_crew_rules(doc["crewing"]) if "crewing" in doc else None,
    )


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file; a TOML syntax error names the file and line."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"scenario: cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise InputError(f"scenario: {path} line {line} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"scenario: {path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise InputError(f"scenario: {path} is nested too deeply to be a scenario") from None
    return parse_scenario(doc)
