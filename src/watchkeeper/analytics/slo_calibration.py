"""Read the real San Luis Obispo call log for simulator calibration (issue 4, part 5).

The export is read through the project's own CAD import reader and the ``san-luis-obispo``
profile, so times (HH:MM with midnight wraps and DST folds), units, call types and the
profile's grade / category / marker assumptions are exactly what an import would store.
Exact duplicate rows and repeated case numbers are set aside and counted, never silently.
Grade and vulnerability come from the profile's call-type mapping: an ASSUMPTION (the log
has no priority or vulnerability field), stated beside every result built on them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import numpy as np

from watchkeeper.dispatch.config import bundled_dispatch_document, parse_dispatch_config
from watchkeeper.incidents.entries import Closed
from watchkeeper.incidents.model import derive_state
from watchkeeper.incidents.policy import ForceProfile, parse_force_profile
from watchkeeper.incidents.risk import RiskContext, explain, is_vulnerable
from watchkeeper.kernel.errors import InputError
from watchkeeper.persistence.cad_import.mapping import ImportRun, Mapped, map_record
from watchkeeper.persistence.cad_import.profile import ImportProfile, load_profile
from watchkeeper.persistence.cad_import.reader import MalformedRecord, read_records
from watchkeeper.simulation.calibration import (
    CalibrationConfig,
    FittedDemand,
    ObservedCall,
    fit_demand,
)
from watchkeeper.simulation.calibration_check import CalibrationCheck, check_calibration
from watchkeeper.simulation.calibration_replay import ReplayTrace, fitted_roster, replay_trace
from watchkeeper.simulation.config import SimConfig, sim_config
from watchkeeper.simulation.policy_comparison import PolicyComparison, compare_policies
from watchkeeper.simulation.roster import Roster
from watchkeeper.simulation.staffing_scenario import StaffingScenario

SLO_FOLDER = "slo-pd-call-log"
SLO_GLOB = "SLOPD_report_*.csv"
PROFILE = "san-luis-obispo"
# The mapped incidents are never stored; this only stamps their in-memory log entries.
_READ_AT = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class LoadedLog:
    """The calls read, and what was set aside (with why)."""

    calls: tuple[ObservedCall, ...]
    rows_read: int
    rejected: tuple[str, ...]  # "file line N: field: reason"
    exact_duplicates: int
    repeated_references: int  # same case number, different content: first kept
    profile: ImportProfile
    files: tuple[Path, ...]

    def profile_assumption(self) -> str:
        rule = self.profile.types
        return (
            f"import profile {self.profile.name}: grade, category and vulnerability markers come "
            f"from its call-type mapping of {len(rule)} types, an assumption (the log has no "
            "priority or vulnerability field)"
        )


def bundled_force_profile() -> ForceProfile:
    """The bundled default force profile (targets, categories, marker points)."""
    text = resources.files("watchkeeper.resources").joinpath("force-default.toml").read_text()
    return parse_force_profile(tomllib.loads(text))


def slo_files(data_dir: Path) -> tuple[Path, ...]:
    files = tuple(sorted((data_dir / SLO_FOLDER).glob(SLO_GLOB)))
    if not files:
        raise InputError(f"{data_dir / SLO_FOLDER}: no {SLO_GLOB} files found")
    return files


def _observed(mapped: Mapped, force: ForceProfile) -> ObservedCall:
    imported = mapped.imported
    fields = imported.source_fields
    received = datetime.fromisoformat(fields["received"])
    # The incident as the call handler saw it at receipt (an instant closure left out).
    opening = tuple(e for e in imported.incident.entries if not isinstance(e.payload, Closed))
    state = derive_state(opening, as_of=received)
    assert state.grade is not None  # the mapper always grades at receipt
    grade = state.grade.grade
    area = state.opened.location.area
    risk = explain(state, RiskContext(), force, now=received).score

    def when(key: str) -> datetime | None:
        return datetime.fromisoformat(fields[key]) if fields.get(key) else None

    return ObservedCall(
        reference=imported.source_ref,
        received=received,
        dispatched=when("dispatched"),
        arrived=when("arrived"),
        call_type=fields["type"],
        grade=grade,
        category=state.opened.category,
        area=area,
        vulnerable=is_vulnerable(state),
        risk=round(risk, 6),
        target_minutes=force.target_minutes(grade, area),
        units=tuple(u for u in fields["units"].split(",") if u),
        urban=force.area_class(area) == "urban",
    )


def load_slo_calls(data_dir: Path, force: ForceProfile | None = None) -> LoadedLog:
    """Every usable call of the SLO export, in file order, duplicates set aside."""
    force = force or bundled_force_profile()
    profile = load_profile(PROFILE, force)
    run = ImportRun(profile, author="simulation-calibration", imported_at=_READ_AT)
    files = slo_files(data_dir)
    calls: list[ObservedCall] = []
    rejected: list[str] = []
    hashes: set[str] = set()
    refs: set[str] = set()
    read = duplicates = repeated = 0
    for path in files:
        after: datetime | None = None
        for record in read_records(path, profile.encoding):
            read += 1
            if isinstance(record, MalformedRecord):
                rejected.append(f"{path.name} line {record.line}: {record.reason}")
                continue
            row = map_record(run, record, path.name, after)
            if not isinstance(row, Mapped):
                rejected.append(f"{path.name} line {row.line}: {row.field}: {row.reason}")
                continue
            after = row.imported.incident.entries[0].at
            if row.imported.content_hash in hashes:
                duplicates += 1
                continue
            hashes.add(row.imported.content_hash)
            if row.imported.source_ref in refs:
                repeated += 1
                continue
            refs.add(row.imported.source_ref)
            calls.append(_observed(row, force))
    return LoadedLog(tuple(calls), read, tuple(rejected), duplicates, repeated, profile, files)


# --- the calibration, the headline and staffing on the real log ------------------------

FIT_WINDOW = (date(2021, 10, 1), date(2021, 12, 31))  # issue 4, part 5: fit Oct-Dec 2021 only
TEST_WINDOW = (date(2022, 1, 1), date(2022, 1, 31))  # held back: January 2022
SHIFT_HOURS = 10  # assumed shift length for the fitted roster (chosen in-sample, Oct-Dec)


@dataclass(frozen=True, slots=True)
class SloCalibration:
    """The fit, the fitted roster, and the held-back comparison."""

    log: LoadedLog
    fitted: FittedDemand
    roster: Roster
    check: CalibrationCheck
    assumptions: tuple[str, ...]


def default_sim_config(force: ForceProfile) -> SimConfig:
    """The simulator settings the bundled dispatch configuration and force profile imply."""
    return sim_config(parse_dispatch_config(bundled_dispatch_document()), force)


def fit_slo(
    data_dir: Path, force: ForceProfile | None = None, window: tuple[date, date] = FIT_WINDOW
) -> tuple[LoadedLog, FittedDemand]:
    log = load_slo_calls(data_dir, force)
    config = CalibrationConfig(timezone=log.profile.timezone)
    return log, fit_demand(log.calls, window[0], window[1], config)


def calibrate_slo(
    data_dir: Path,
    *,
    replications: int,
    seed: int,
    test_window: tuple[date, date] = TEST_WINDOW,
    force: ForceProfile | None = None,
    progress: Callable[[], None] | None = None,
) -> SloCalibration:
    """Fit on Oct-Dec 2021, replay the status quo on the held-back month, compare delays."""
    force = force or bundled_force_profile()
    log, fitted = fit_slo(data_dir, force)
    roster = fitted_roster(fitted, SHIFT_HOURS)
    check = check_calibration(
        log.calls,
        fitted,
        test_window,
        roster=roster,
        config=default_sim_config(force),
        replications=replications,
        seed=seed,
        progress=progress,
    )
    return SloCalibration(log, fitted, roster, check, (log.profile_assumption(), *fitted.notes))


def slo_headline(
    data_dir: Path,
    *,
    replications: int,
    seed: int,
    force: ForceProfile | None = None,
    units_scale: float = 1.0,
    calibration: SloCalibration | None = None,
    progress: Callable[[], None] | None = None,
) -> tuple[SloCalibration, PolicyComparison]:
    """January 2022's real demand, the fitted units (× ``units_scale``): both policies.

    ``calibration`` reuses an earlier fit and validation instead of computing them again.
    """
    force = force or bundled_force_profile()
    if calibration is None:
        calibration = calibrate_slo(
            data_dir, replications=replications, seed=seed, force=force, progress=progress
        )
    fitted = calibration.fitted

    def draw(rng: np.random.Generator) -> ReplayTrace:
        replay, _ = replay_trace(calibration.log.calls, fitted, *TEST_WINDOW, rng)
        return replay

    comparison = compare_policies(
        draw,
        fitted_roster(fitted, SHIFT_HOURS, units_scale),
        ("status-quo", "watchkeeper"),
        config=default_sim_config(force),
        replications=replications,
        seed=seed,
        progress=progress,
    )
    return calibration, comparison


def scenario_demand(scenario: StaffingScenario, force: ForceProfile | None = None) -> FittedDemand:
    """The scenario's demand: inline as written, or fitted from the real log's window."""
    if scenario.inline is not None:
        return scenario.inline
    assert scenario.data_dir is not None
    return fit_slo(scenario.data_dir, force, scenario.fit_window)[1]
