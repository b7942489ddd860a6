"""``watchkeeper safeguarding duties`` and ``watchkeeper person show``; the demo registers.

Thin: parse, call one service as the named operator (authorised and audited), present.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from watchkeeper.cli.context import state_of
from watchkeeper.duties.model import Duty
from watchkeeper.incidents.model import Incident
from watchkeeper.safeguarding.people_service import PersonView
from watchkeeper.synthetic.register_config import load_register_calibration
from watchkeeper.synthetic.registers import (
    PPO,
    SUPERVISOR,
    Showcase,
    register_history,
    seed_registers,
)

if TYPE_CHECKING:  # bootstrap loads on first use (cli/context.py): fast start-up
    from watchkeeper.bootstrap import Application

app = typer.Typer(help="Safeguarding registers: duties.", no_args_is_help=True)
person_app = typer.Typer(help="The nominal index: one view of a person.", no_args_is_help=True)


@app.command("duties")
def duties(
    ctx: typer.Context,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Every overdue duty in the force.")
    ] = False,
    supervisor: Annotated[
        str | None,
        typer.Option("--supervisor", help="Overdue past escalation under this supervisor."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Your open duties (default), the force's overdue duties, or a supervisor's overdue list."""
    state = state_of(ctx)
    board, actor = state.application().safeguarding.duties, state.actor()
    if overdue:
        found: Sequence[Duty] = board.overdue(actor)
    elif supervisor is not None:
        found = [item.duty for item in board.overdue_for_supervisor(actor, supervisor)]
    else:
        found = [item.duty for item in board.my_work(actor)]
    now = state.application().clock.now()
    if as_json:
        typer.echo(json.dumps([_duty_document(d, now) for d in found]))
        return
    table = Table("duty", "kind", "about", "owner", "supervisor", "due (UTC)", "overdue by")
    for d in found:
        late = now - d.due_at
        table.add_row(d.duty_id, d.kind, d.subject_ref, d.owner, d.supervisor,
                      d.due_at.strftime("%Y-%m-%d %H:%M"),
                      _hours(late.total_seconds()) if late.total_seconds() > 0 else "")  # fmt: skip
    Console().print(table)
    Console(stderr=True).print(f"{len(found)} duties")


@app.command("escalate")
def escalate(ctx: typer.Context) -> None:
    """Push every overdue, unacknowledged duty past its escalation point to its supervisor.

    Run it every few minutes (cron or a systemd timer) until the web pushes it on its own.
    """
    state = state_of(ctx)
    pushed = state.application().safeguarding.duties.escalate_due(state.actor())
    for push in pushed:
        Console().print(f"{push.duty_id} -> {push.to}: {push.reason}", markup=False)
    Console(stderr=True).print(f"{len(pushed)} duties escalated")


def _hours(seconds: float) -> str:
    hours = seconds / 3600
    return f"{hours / 24:.1f} d" if hours >= 48 else f"{hours:.1f} h"


def _duty_document(d: Duty, now: object) -> dict[str, object]:
    return {
        "duty_id": d.duty_id, "kind": d.kind, "subject_ref": d.subject_ref, "owner": d.owner,
        "supervisor": d.supervisor, "due_at": d.due_at.isoformat(), "state": d.state.value,
    }  # fmt: skip


@person_app.command("show")
def show_person(
    ctx: typer.Context,
    person_ref: Annotated[str, typer.Argument(help="Person reference on the nominal index.")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why you are looking (audited).")
    ] = None,
) -> None:
    """Everything your role may see about a person: addresses, incidents, registers, duties."""
    state = state_of(ctx)
    view = state.application().safeguarding.people.show_person(state.actor(), person_ref, reason)
    _print_person(view)


def _print_person(view: PersonView) -> None:
    out = Console()
    p = view.person
    if p.date_of_birth is not None:
        born = f"born {p.date_of_birth.isoformat()}"
    elif p.estimated_birth is not None:
        born = str(p.estimated_birth)
    else:
        born = "date of birth not recorded"
    out.print(f"[bold]{p.primary_name}[/bold]  {p.person_ref}  {born}")
    for alias in p.aliases:
        out.print(f"  also known as {alias}")
    for place, relation in view.addresses:
        out.print(f"  {relation}: {', '.join(place.lines)} {place.postcode}".rstrip())
    for link in view.incidents:
        out.print(f"  incident {link.incident_id} ({link.role})")
    sections: list[tuple[str, Sequence[object] | None]] = [
        ("domestic-abuse cases", [f"{c.case_ref}: {c.status}, DASH {c.dash_status}, risk {c.risk_level or '-'}"
                                  for c in view.da_cases] if view.da_cases is not None else None),
        ("missing episodes", [f"{e.episode_ref}: risk {e.episode.risk}, {'open' if e.episode.is_open else 'closed'}"
                              for e in view.missing] if view.missing is not None else None),
        ("offender records", [f"{o.offender_ref}: risk {o.risk}, MAPPA {o.mappa.category}/{o.mappa.level}"
                              for o in view.offender_records] if view.offender_records is not None else None),
        ("open duties", [f"{d.duty_id} owed by {d.owner}, due {d.due_at:%Y-%m-%d %H:%M} UTC"
                         for d in view.open_duties] if view.open_duties is not None else None),
    ]  # fmt: skip
    for title, lines in sections:
        if lines is None:
            out.print(f"{title}: not shown to your role")
            continue
        out.print(f"{title}: {len(lines)}")
        for line in lines:
            out.print(f"  {line}")


def _showcase(incidents: Sequence[Incident]) -> Showcase | None:
    """An open domestic incident with a known caller (else any open one with a caller)."""
    open_ones = [i.state for i in incidents if i.state.is_open and i.state.opened.caller.person_ref]
    domestic = [s for s in open_ones if s.opened.category == "domestic-abuse"]
    for s in domestic or open_ones:
        return Showcase(s.incident_id, s.location.text, s.opened.caller.person_ref, s.logged_at)
    return None


def seed_demo_registers(
    application: Application,
    console: Console,
    incidents: Sequence[Incident],
    seed: int,
    scale: float,
) -> int:
    """Seed the demo registers once (nothing if the nominal index already holds anyone)."""
    import sqlalchemy as sa

    from watchkeeper.persistence.tables_safeguarding import people

    with application.engine.connect() as c:
        if c.execute(sa.select(people.c.person_ref).limit(1)).first() is not None:
            return 0
    show = _showcase(incidents)
    steps = register_history(
        load_register_calibration(), application.clock.now(), seed, scale, show
    )
    accounts = application.accounts
    actors = {who: accounts.operator(who, channel="cli") for who in (PPO, SUPERVISOR)}
    with console.status(f"seeding the safeguarding registers ({len(steps):,} steps)..."):
        done = seed_registers(application.safeguarding, actors, steps)
    if show is not None:
        console.print(
            f"demo: intake at '{show.location_text}' (incident {show.incident_id}) shows a DA case, "
            "a registered offender and a missing looked-after child"
        )
    return done
