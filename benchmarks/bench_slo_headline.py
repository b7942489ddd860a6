"""Issue 4 headline and validation on the real San Luis Obispo log.

Run: ``python -m benchmarks.bench_slo_headline [--data-dir ../shared/data] [--replications 20]
[--seed 2017]``. Fits on Oct-Dec 2021, replays January 2022 under the status quo and compares
queue delay with the record (median and 90th percentile; target within 20 %), then runs both
policies on January's demand with the fitted units (and with half of them, a stressed case),
paired over seeded replications. Prints markdown and writes benchmarks/out/slo_headline.json.
Grade and vulnerability come from the san-luis-obispo profile's call-type mapping: an
assumption, printed with the result.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from watchkeeper.analytics.slo_calibration import (
    FIT_WINDOW,
    SHIFT_HOURS,
    TEST_WINDOW,
    LoadedLog,
    bundled_force_profile,
    default_sim_config,
    slo_headline,
)
from watchkeeper.simulation.calibration import CalibrationConfig, fit_demand
from watchkeeper.simulation.calibration_check import Interval, check_calibration
from watchkeeper.simulation.calibration_replay import fitted_roster
from watchkeeper.simulation.policy_comparison import PolicyComparison

OUT = Path(__file__).resolve().parent / "out" / "slo_headline.json"


def _ci(v: Interval, scale: float = 1.0) -> str:
    return f"{v.mean * scale:.1f} ± {v.half_width * scale:.1f}"


def _rostered(calibration: Any) -> list[float]:
    roster = calibration.roster
    return [float(roster.on_duty(60.0 * h + 30.0).sum()) for h in range(24)]


def _table(title: str, comparison: PolicyComparison) -> list[str]:
    lines = [
        f"### {title}",
        "",
        "| policy | emergency late % | vulnerable late % | emergency min late (mean) | vulnerable min late (mean) | mean wait min |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in comparison.results:
        lines.append(
            f"| {r.policy} | {_ci(r.late_share['emergency'], 100)} | {_ci(r.late_share['vulnerable'], 100)} "
            f"| {_ci(r.minutes_late['emergency'])} | {_ci(r.minutes_late['vulnerable'])} | {_ci(r.mean_wait)} |"
        )
    d = comparison.difference
    lines.append(
        f"| watchkeeper − status quo (paired) | {_ci(d['emergency'], 100)} pts | {_ci(d['vulnerable'], 100)} pts | | | |"
    )
    counted = comparison.results[0].counted
    lines.append("")
    lines.append(
        f"Incidents counted per replication: emergency {counted['emergency']:.0f}, vulnerable with a timed target {counted['vulnerable']:.0f}."
    )
    return lines


def sensitivity(log: LoadedLog, replications: int, seed: int) -> list[str]:
    """Queue delay in-sample (Oct-Dec) and held back (Jan) for several on-scene gap caps."""
    config = default_sim_config(bundled_force_profile())
    lines = [
        "### Sensitivity to the on-scene gap cap (the unobserved quantity)",
        "",
        "| cap min | Oct–Dec in-sample median / p90 | Jan held-back median / p90 | Jan utilisation |",
        "| ---: | --- | --- | ---: |",
    ]
    for cap in (45.0, 60.0, 90.0, 120.0):
        fit_config = CalibrationConfig(timezone=log.profile.timezone, service_gap_cap=cap)
        fitted = fit_demand(log.calls, *FIT_WINDOW, fit_config)
        roster = fitted_roster(fitted, SHIFT_HOURS)
        cells = []
        for window in (FIT_WINDOW, TEST_WINDOW):
            check = check_calibration(
                log.calls,
                fitted,
                window,
                roster=roster,
                config=config,
                replications=replications,
                seed=seed,
            )
            cells.append(
                f"{check.median.simulated.mean:.1f} / {check.p90.simulated.mean:.1f} "
                f"(obs {check.median.observed:g} / {check.p90.observed:g})"
            )
        lines.append(f"| {cap:g} | {cells[0]} | {cells[1]} | {check.utilisation.mean:.0%} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--sensitivity", action="store_true", help="Also vary the gap cap.")
    args = parser.parse_args()
    started = time.perf_counter()
    calibration, same = slo_headline(args.data_dir, replications=args.replications, seed=args.seed)
    _, half = slo_headline(
        args.data_dir,
        replications=args.replications,
        seed=args.seed,
        units_scale=0.5,
        calibration=calibration,
    )
    check = calibration.check
    lines = [
        f"## SLO validation and headline (seed {args.seed}, {args.replications} replications)",
        "",
        "| queue delay (received→dispatched), Jan 2022 | observed min | simulated min (95% CI) | error | within 20% |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for row in (check.median, check.p90):
        lines.append(
            f"| {row.name} | {row.observed:g} | {_ci(row.simulated)} | {row.relative_error:+.1%} | {'yes' if row.within else 'NO'} |"
        )
    lines += [
        "",
        f"{check.calls_compared} calls compared of {check.calls_replayed} replayed; {check.unseen_types} left out "
        f"(type unseen in the fit); {len(calibration.roster)} units rostered; utilisation {_ci(check.utilisation, 100)} %.",
        "",
        "Units by local hour 0-23, fitted on Oct-Dec: on duty (sessions) "
        + ", ".join(f"{x:.1f}" for x in calibration.fitted.on_duty_by_hour)
        + "; seen working a call "
        + ", ".join(f"{x:.1f}" for x in calibration.fitted.active_by_hour)
        + "; rostered "
        + ", ".join(str(int(n)) for n in _rostered(calibration)),
        "",
        *_table("January 2022 demand, fitted units", same),
        "",
        *_table("January 2022 demand, half the fitted units (stressed)", half),
        "",
        *(sensitivity(calibration.log, args.replications, args.seed) if args.sensitivity else []),
        "",
        *(f"- assumption: {n}" for n in calibration.assumptions),
        "",
        f"Wall time: {time.perf_counter() - started:.1f} s",
    ]
    print("\n".join(lines))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {
        "seed": args.seed,
        "replications": args.replications,
        "median": [
            check.median.observed,
            check.median.simulated.mean,
            check.median.simulated.half_width,
        ],
        "p90": [check.p90.observed, check.p90.simulated.mean, check.p90.simulated.half_width],
        "late": {
            label: {
                r.policy: {g: [v.mean, v.half_width] for g, v in r.late_share.items()}
                for r in comp.results
            }
            for label, comp in (("fitted", same), ("half", half))
        },
    }
    OUT.write_text(json.dumps(record, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
