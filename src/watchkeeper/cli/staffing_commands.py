"""``watchkeeper staffing`` and ``watchkeeper calibrate``: staffing search and validation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

# The analytics and the simulator load inside each command, so the CLI starts (and
# --help answers) without them.
if TYPE_CHECKING:
    from watchkeeper.simulation.calibration_check import Interval

DEFAULT_DATA = Path("../shared/data")


def _ci(value: Interval, percent: bool = False) -> str:
    scale, unit = (100.0, "%") if percent else (1.0, "")
    half = "" if value.half_width != value.half_width else f" ± {value.half_width * scale:.1f}"
    return f"{value.mean * scale:.1f}{unit}{half}"


def staffing(
    scenario: Annotated[
        Path, typer.Argument(help="Staffing scenario TOML (demand and staffing sections).")
    ],
    seed: Annotated[int, typer.Option(help="Seed of the synthetic demand and the runs.")] = 2017,
    replications: Annotated[
        int, typer.Option(min=1, help="Seeded replications per unit count.")
    ] = 10,
) -> None:
    """The fewest units per shift, by policy, meeting every target; with Erlang-C beside it."""
    from watchkeeper.analytics.slo_calibration import (
        bundled_force_profile,
        default_sim_config,
        scenario_demand,
    )
    from watchkeeper.simulation.staffing import search_staffing
    from watchkeeper.simulation.staffing_scenario import load_staffing_scenario

    console = Console(highlight=False)
    loaded = load_staffing_scenario(scenario)
    force = bundled_force_profile()
    fitted = scenario_demand(loaded, force)
    with console.status("searching unit counts...") as status:
        answer = search_staffing(
            fitted,
            loaded.plan,
            loaded.targets,
            config=default_sim_config(force),
            replications=replications,
            seed=seed,
            progress=status.update,
        )
    table = Table(
        title=f"Staffing: {scenario.name} ({answer.incidents_per_replication:.0f} incidents per replication, {replications} replications, seed {seed})"
    )
    table.add_column("policy / method")
    table.add_column("units per shift", justify="right")
    for target in answer.targets:
        table.add_column(
            f"{target.name}\n(need {target.share:.0%} ≤ {target.within_minutes:g} min)",
            justify="right",
        )
    for row in answer.answers:
        units = (
            str(row.units_per_shift)
            if row.units_per_shift
            else f"not met ≤ {loaded.plan.max_units}"
        )
        table.add_row(row.policy, units, *(_ci(s, percent=True) for s in row.shares))
        alone = (str(n) if n else f"> {loaded.plan.max_units}" for n in row.per_target)
        table.add_row(f"  {row.policy}: units for each target alone", "", *alone)
    erlang = [str(n) if n is not None else "impossible" for n in answer.erlang_units]
    table.add_row("Erlang-C (busiest hour, per target)", "-", *erlang)
    console.print(table)
    best = answer.best
    console.print(
        f"best: {best.policy} with {best.units_per_shift} units per shift"
        if best
        else "no policy meets every target within the unit range; shares shown at the maximum"
    )
    if loaded.source != "inline":
        console.print(
            "assumption: grade and vulnerability come from the import profile's call-type mapping"
        )


def calibrate(
    data_dir: Annotated[Path, typer.Option(help="Folder holding slo-pd-call-log/.")] = DEFAULT_DATA,
    seed: Annotated[int, typer.Option(help="Seed of the replications.")] = 2017,
    replications: Annotated[int, typer.Option(min=1, help="Seeded replications.")] = 20,
    headline: Annotated[
        bool, typer.Option("--headline", help="Also compare the policies on January's demand.")
    ] = False,
) -> None:
    """Fit the simulator on Oct-Dec 2021 of the real SLO log; replay January 2022; compare."""
    from watchkeeper.analytics.slo_calibration import (
        FIT_WINDOW,
        TEST_WINDOW,
        calibrate_slo,
        slo_headline,
    )

    console = Console(highlight=False)
    runs = replications * (2 if headline else 1)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("reading the log, fitting, replaying", total=runs)

        def step() -> None:
            bar.advance(task)

        if headline:
            result, comparison = slo_headline(
                data_dir, replications=replications, seed=seed, progress=step
            )
        else:
            result = calibrate_slo(data_dir, replications=replications, seed=seed, progress=step)
            comparison = None
    check = result.check
    table = Table(
        title=f"Queue delay (received -> dispatched), {TEST_WINDOW[0]}..{TEST_WINDOW[1]}, fitted on {FIT_WINDOW[0]}..{FIT_WINDOW[1]}"
    )
    for column in ("statistic", "observed min", "simulated min (95% CI)", "error", "within 20%"):
        table.add_column(column)
    for row in (check.median, check.p90):
        table.add_row(
            row.name,
            f"{row.observed:g}",
            _ci(row.simulated),
            f"{row.relative_error:+.0%}",
            "yes" if row.within else "NO",
        )
    console.print(table)
    console.print(
        f"{check.calls_compared} calls compared of {check.calls_replayed} replayed; "
        f"{check.unseen_types} left out (type unseen in the fit); {len(result.roster)} units rostered; "
        f"utilisation {_ci(check.utilisation, percent=True)}; target {'met' if check.met else 'NOT met'}"
    )
    if comparison is not None:
        late = Table(title="Late attendance, January 2022 demand, same units")
        for column in ("policy", "emergency late", "vulnerable late", "mean wait min"):
            late.add_column(column)
        for r in comparison.results:
            late.add_row(
                r.policy,
                _ci(r.late_share["emergency"], True),
                _ci(r.late_share["vulnerable"], True),
                _ci(r.mean_wait),
            )
        console.print(late)
    for note in result.assumptions:
        console.print(f"assumption: {note}")
