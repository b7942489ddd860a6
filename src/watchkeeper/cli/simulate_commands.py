"""``watchkeeper simulate run SCENARIO.toml``: replay demand against a roster, compare policies.

Demand comes from the scenario's ``[trace] source``: ``synthetic`` (the seeded generator; no
database is opened) or ``store`` (the incidents logged in the window, read as the operator
through the audited, role-checked ``simulation.demand.StoreDemand``; needs
``simulation.replay``). ``--trace-from-store`` switches a synthetic scenario to the store,
and ``--from``/``--to`` set the window of either. Every file is built before the first one
is written, so a bad scenario or a failed run leaves nothing half-written in ``--out``.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from watchkeeper.cli.context import state_of
from watchkeeper.kernel.errors import InputError

# The simulator, the generator and the plotting report load inside ``run``, so the CLI
# starts (and --help answers) without SciPy and Matplotlib.
if TYPE_CHECKING:
    from watchkeeper.simulation.incident_trace import ScenarioInputs
    from watchkeeper.simulation.results import RunSummary
    from watchkeeper.simulation.scenario import Scenario

app = typer.Typer(
    help="Demand-versus-capacity simulation: policies compared on a roster.", no_args_is_help=True
)

SHOWN = (
    "attended_within_target.emergency",
    "attended_within_target.priority",
    "attended_within_target.vulnerable",
    "queue_delay.p50",
    "queue_delay.p90",
    "risk_weighted_lateness",
    "backlog.mean",
    "utilisation",
)


def _overridden(
    scenario: Scenario, replications: int | None, seed: int | None, hours: float | None
) -> Scenario:
    if hours is not None:
        if hours <= 0:
            raise InputError(f"--hours must be positive, got {hours:g}")
        scenario = replace(scenario, trace=replace(scenario.trace, hours=hours))
    return replace(
        scenario,
        replications=scenario.replications if replications is None else replications,
        seed=scenario.seed if seed is None else seed,
    )


def _moment(text: str, option: str) -> datetime:
    """An ISO date or date-time; without an offset it is read as UTC."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option} must be an ISO date or date-time, got {text!r}") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _windowed(
    scenario: Scenario, from_store: bool, start_text: str | None, end_text: str | None
) -> Scenario:
    """The scenario with ``--trace-from-store`` and the ``--from``/``--to`` window applied."""
    trace = scenario.trace
    if from_store:
        trace = replace(trace, kind="store", scale=1.0)
    if start_text is not None:
        trace = replace(trace, start=_moment(start_text, "--from"))
    if end_text is not None:
        end = _moment(end_text, "--to")
        if end <= trace.start:
            raise InputError(f"--to ({end.isoformat()}) must be after the window's start "
                             f"({trace.start.isoformat()})")  # fmt: skip
        trace = replace(trace, hours=(end - trace.start).total_seconds() / 3600.0)
    return replace(scenario, trace=trace)


def _inputs(ctx: typer.Context, scenario: Scenario) -> ScenarioInputs:
    """The trace (synthetic, or the store's own demand read as the operator) and roster."""
    from watchkeeper.dispatch.config import bundled_dispatch_document, parse_dispatch_config
    from watchkeeper.settings import load_force_profile

    if scenario.trace.kind == "store":
        state = state_of(ctx)
        actor = state.actor()
        return state.application().simulation_demand().scenario_inputs(actor, scenario)
    from watchkeeper.cli.simulate_inputs import synthetic_inputs
    from watchkeeper.synthetic.calibration import load_calibration
    from watchkeeper.synthetic.config import load_synthetic_config

    return synthetic_inputs(
        scenario,
        load_force_profile(),
        parse_dispatch_config(bundled_dispatch_document()),
        (load_synthetic_config(), load_calibration()),
    )


def _write(out: Path, files: dict[str, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        staged = out / f".{name}.partial"
        staged.write_text(text, encoding="utf-8")
        os.replace(staged, out / name)


def _short(text: str) -> str:
    return f"{float(text):.3g}" if text else ""


def _table(rows: list[dict[str, str]]) -> Table:
    table = Table(
        "policy",
        "measure",
        "mean",
        "95% interval",
        "target",
        "met",
        title="simulation results (full precision in results.csv)",
    )
    for row in rows:
        if row["measure"] in SHOWN:
            low, high = _short(row["ci95_low"]), _short(row["ci95_high"])
            interval = f"{low} .. {high}" if low else "n/a"
            measure = row["measure"].replace("attended_within_target.", "on time: ")
            table.add_row(
                row["policy"],
                measure,
                _short(row["mean"]),
                interval,
                _short(row["target"]),
                row["meets_target"],
            )
    return table


@app.command("run")
def run(
    ctx: typer.Context,
    scenario_file: Annotated[
        Path, typer.Argument(help="Scenario TOML (see scenarios/demo.toml).", dir_okay=False)
    ],
    replications: Annotated[
        int | None, typer.Option(min=1, help="Replications per policy (default: the file's).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Base seed; replication i uses seed + i.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Directory for the results and plots.")] = Path(
        "simulation-results"
    ),
    hours: Annotated[
        float | None, typer.Option(help="Override the trace length in hours (quick runs).")
    ] = None,
    trace_from_store: Annotated[
        bool,
        typer.Option(
            "--trace-from-store",
            help="Replay the incidents logged in the store (an imported log) instead of the "
            "scenario's synthetic demand; needs the simulation.replay permission (audited).",
        ),
    ] = False,
    start: Annotated[
        str | None,
        typer.Option("--from", help="Window start, ISO date or date-time (no offset: UTC)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to", help="Window end (exclusive), ISO date or date-time (no offset: UTC)."
        ),
    ] = None,
) -> None:
    """Run every policy in the scenario over seeded replications; write a table and plots."""
    from watchkeeper.reporting.simulation_report import report_files, result_rows
    from watchkeeper.simulation.replicate import run_replications
    from watchkeeper.simulation.scenario import load_scenario

    console = Console()
    scenario = _overridden(load_scenario(scenario_file), replications, seed, hours)
    scenario = _windowed(scenario, trace_from_store, start, end)
    with console.status("building the demand trace and roster..."):
        inputs = _inputs(ctx, scenario)
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(inputs.skipped.items())) or "none"
    console.print(
        f"{scenario.name}: {len(inputs.trace):,} incidents needing attendance "
        f"(left out: {skipped}); {len(inputs.roster)} units"
    )
    total = scenario.replications * len(scenario.policies)
    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("replications", total=total)

        def advance(policy: str, i: int, _: RunSummary) -> None:
            progress.update(task, advance=1, description=f"{policy} #{i + 1}")

        reps = run_replications(
            inputs.trace,
            inputs.roster,
            scenario.policies,
            replications=scenario.replications,
            seed=scenario.seed,
            config=inputs.config,
            progress=advance,
        )
    files = report_files(reps, scenario.targets)
    _write(out, files)
    console.print(_table(result_rows(reps, scenario.targets)))
    rate = reps.events / reps.wall_seconds if reps.wall_seconds else 0.0
    console.print(
        f"{reps.events:,} events in {reps.wall_seconds:.2f} s ({rate:,.0f} events/s); "
        f"wrote {', '.join(sorted(files))} to {out}"
    )
