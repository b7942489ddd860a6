"""``watchkeeper demo``: seed one account per role, generate a living backlog and load it."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from watchkeeper.access.model import Actor, Role
from watchkeeper.cli import safeguarding_commands, soc_commands
from watchkeeper.cli.context import state_of
from watchkeeper.cli.unit_commands import seed_demo_roster
from watchkeeper.synthetic.calibration import load_calibration
from watchkeeper.synthetic.config import load_synthetic_config
from watchkeeper.synthetic.generator import generate_armed_history, generate_incidents
from watchkeeper.synthetic.scenarios import apply_scenario

if TYPE_CHECKING:  # bootstrap loads on first use (cli/context.py): fast start-up
    from watchkeeper.bootstrap import Application

# One demo account per role: (username, role, display name). The administrator comes first:
# it is created while no account exists, then creates the others.
DEMO_ACCOUNTS: tuple[tuple[str, Role, str], ...] = (
    ("admin", Role.ADMINISTRATOR, "Demo Administrator"),
    ("handler", Role.CALL_HANDLER, "Demo Call Handler"),
    ("dispatcher", Role.DISPATCHER, "Demo Dispatcher"),
    ("supervisor", Role.SUPERVISOR, "Demo Duty Inspector"),
    ("ppo", Role.PUBLIC_PROTECTION, "Demo Public Protection Officer"),
    ("soc", Role.SOC_OFFICER, "Demo SOC Officer"),
    ("firearms", Role.FIREARMS_COMMANDER, "Demo Firearms Commander"),
    ("analyst", Role.ANALYST, "Demo Analyst"),
    ("auditor", Role.AUDITOR, "Demo Auditor"),
)


def demo_password(username: str) -> str:
    """The published demo password of a demo account (demo data only, never production)."""
    return f"demo-{username}-2026"


def seed_demo_accounts(application: Application) -> bool:
    """Create the demo accounts if no account exists; False (and nothing done) otherwise."""
    accounts = application.accounts
    if accounts.any_users():
        return False
    admin: Actor | None = None
    for username, role, display_name in DEMO_ACCOUNTS:
        accounts.create_user(admin, username, display_name, role, demo_password(username))
        admin = admin or Actor(username, role, channel="cli")
    return True


def demo(
    ctx: typer.Context,
    hours: Annotated[float, typer.Option(min=1.0, help="Hours of demand before now.")] = 24.0,
    scale: Annotated[
        float, typer.Option(min=0.01, help="Share of a West Midlands-sized force's demand.")
    ] = 0.25,
    seed: Annotated[int, typer.Option(help="Random seed (same seed and time, same demo).")] = 2017,
    scenario: Annotated[
        str, typer.Option(help="Performance: baseline, coping or failing-2017 (issue 7).")
    ] = "baseline",
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if the database holds incidents.")
    ] = False,
) -> None:
    """Generate synthetic UK demand calibrated to real call logs, ending now, and load it."""
    state = state_of(ctx)
    application = state.application()
    console = Console(stderr=True)
    seed_demo_accounts(application)
    _print_sign_ins(console)
    soc_commands.seed_demo(application, console, seed, scale)  # issue 6: SOC and ARVs
    units = seed_demo_roster(application, state.actor(), seed)  # issue 4: the unit register
    if units:
        console.print(f"demo: registered {units} units (a made-up roster: dispatch/roster.py)")
    if if_empty and application.incidents.stored_count(state.actor()):
        console.print("demo: database already holds incidents; nothing loaded")
        return
    config, now = apply_scenario(load_synthetic_config(), scenario), application.clock.now()
    with console.status("generating demo incidents..."):
        incidents = generate_incidents(
            config, load_calibration(), application.profile, now, hours, seed, scale
        )
        # issue 6: months of firearms incidents before the window, for the armed analysis
        history = generate_armed_history(config, load_calibration(), application.profile, now,
                                         now - timedelta(hours=hours), seed, scale)  # fmt: skip
    with console.status(f"loading {len(incidents):,} incidents..."):
        loaded = application.incidents.load_history(state.actor(), incidents)
    console.print(f"demo: loaded {loaded:,} incidents covering the last {hours:g} hours")
    soc_commands.seed_demo_armed(application, console, state.actor(), history)
    # issue 5: the safeguarding registers, linked to one open domestic incident's address
    steps = safeguarding_commands.seed_demo_registers(application, console, incidents, seed, scale)
    if steps:
        console.print(f"demo: seeded the safeguarding registers ({steps:,} steps)")


def _print_sign_ins(console: Console) -> None:
    table = Table("username", "password", "role", title="demo sign-ins")
    for username, role, _ in DEMO_ACCOUNTS:
        table.add_row(username, demo_password(username), role.value)
    console.print(table)
