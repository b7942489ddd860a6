"""``watchkeeper demo``: generate a living synthetic backlog and load it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from watchkeeper.cli.context import state_of
from watchkeeper.synthetic.calibration import load_calibration
from watchkeeper.synthetic.config import load_synthetic_config
from watchkeeper.synthetic.generator import generate_incidents


def demo(
    ctx: typer.Context,
    hours: Annotated[float, typer.Option(min=1.0, help="Hours of demand before now.")] = 24.0,
    scale: Annotated[
        float, typer.Option(min=0.01, help="Share of a West Midlands-sized force's demand.")
    ] = 0.25,
    seed: Annotated[int, typer.Option(help="Random seed (same seed and time, same demo).")] = 2017,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if the database holds incidents.")
    ] = False,
) -> None:
    """Generate synthetic UK demand calibrated to real call logs, ending now, and load it."""
    state = state_of(ctx)
    application = state.application()
    console = Console(stderr=True)
    if if_empty and application.incidents.stored_count(state.actor()):
        console.print("demo: database already holds incidents; nothing loaded")
        return
    with console.status("generating demo incidents..."):
        incidents = generate_incidents(
            load_synthetic_config(),
            load_calibration(),
            application.profile,
            application.clock.now(),
            hours,
            seed,
            scale,
        )
    with console.status(f"loading {len(incidents):,} incidents..."):
        loaded = application.incidents.load_history(state.actor(), incidents)
    console.print(f"demo: loaded {loaded:,} incidents covering the last {hours:g} hours")
