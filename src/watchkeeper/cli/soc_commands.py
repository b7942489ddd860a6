"""``watchkeeper ocg|scpo|armed``: the SOC registers and the armed-response analysis.

Thin: parse, call one service as the named operator (authorised and audited), present.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from watchkeeper.cli.context import state_of
from watchkeeper.kernel.errors import Unauthenticated
from watchkeeper.synthetic.soc import generate_soc_demo

if TYPE_CHECKING:  # bootstrap loads on first use (cli/context.py): fast start-up
    from collections.abc import Sequence

    from watchkeeper.access.model import Actor
    from watchkeeper.bootstrap import Application
    from watchkeeper.incidents.model import Incident

ocg_app = typer.Typer(help="Organised crime groups (SOC officers, e.g. --as soc).",
                      no_args_is_help=True)  # fmt: skip
scpo_app = typer.Typer(help="Serious crime prevention orders (SOC officers).", no_args_is_help=True)
armed_app = typer.Typer(help="Armed-response attendance (firearms commander, analyst).",
                        no_args_is_help=True)  # fmt: skip


@ocg_app.command("list")
def ocg_list(
    ctx: typer.Context,
    every: Annotated[bool, typer.Option("--all", help="Every state, not only active.")] = False,
) -> None:
    """Active groups with their band, LRO, plan and flags; then LROs near their cap."""
    state = state_of(ctx)
    register = state.application().soc.register
    actor = state.actor()
    active = None if every else frozenset(register.policy.lifecycle.owner_required)
    table = Table("group", "name", "state", "band", "score", "LRO", "plan review by", "flags")
    for view in register.list_groups(actor, active):
        grp, plan = view.group, view.plan
        table.add_row(grp.group_id, grp.name, grp.state, grp.band or "-",
                      f"{grp.threat.score:g}" if grp.threat else "-", grp.lro or "NONE",
                      f"{plan.review_by:%Y-%m-%d}" if plan else "no plan",
                      "; ".join(f.kind.value for f in view.flags) or "-")  # fmt: skip
    console = Console()
    console.print(table)
    loads = Table("LRO", "groups", "weighted", "cap", "status", title="LRO caseloads")
    for load in register.caseloads(actor):
        loads.add_row(load.officer, str(len(load.groups)), f"{load.weighted:g}", f"{load.cap:g}",
                      load.status.value)  # fmt: skip
    console.print(loads)


@ocg_app.command("show")
def ocg_show(ctx: typer.Context, group_id: str) -> None:
    """One group: members, threat with its reasons, history, LRO hand-overs, plan, flags."""
    state = state_of(ctx)
    view = state.application().soc.register.show_group(state.actor(), group_id)
    grp, out = view.group, Console(highlight=False)
    out.print(f"{grp.group_id} {grp.name}: {grp.state}, band {grp.band or '-'}, LRO {grp.lro or 'NONE'}",
              markup=False)  # fmt: skip
    out.print(
        f"activities: {', '.join(grp.activities)}; reach: {', '.join(grp.reach) or '-'}",
        markup=False,
    )
    out.print(
        f"members: {', '.join(f'{m.person_ref} ({m.role})' for m in grp.members) or '-'}",
        markup=False,
    )
    if grp.threat:
        for line in grp.threat.explain():
            out.print(f"  {line}", markup=False)
    for change in grp.states:
        out.print(
            f"  {change.at:%Y-%m-%d} -> {change.state} ({change.reason}, {change.by})", markup=False
        )
    for owner in grp.owners:
        handed = f" from {owner.previous}" if owner.previous else ""
        out.print(
            f"  {owner.since:%Y-%m-%d} LRO {owner.officer}{handed}: {owner.reason}", markup=False
        )
    for d in grp.disruptions:
        out.print(f"  {d.at:%Y-%m-%d} disruption {d.kind} ({d.impact}, {d.strand})", markup=False)
    if view.plan:
        out.print(
            f"4P plan {view.plan.plan_id}, review by {view.plan.review_by:%Y-%m-%d}", markup=False
        )
        for action in view.plan.actions:
            duty = action.duty
            out.print(f"  [{action.strand}] {action.description}: {duty.owner}, due "
                      f"{duty.due_at:%Y-%m-%d}, {duty.state.value}", markup=False)  # fmt: skip
    for flag in view.flags:
        out.print(f"FLAG {flag.kind.value}: {flag.message}", markup=False)


@scpo_app.command("due")
def scpo_due(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=0, help="Checks due within this many days.")] = 14,
) -> None:
    """Orders whose next compliance check falls due soon, or that carry a flag."""
    state = state_of(ctx)
    views = state.application().soc.scpo.orders(state.actor(), due_within_days=days)
    table = Table("order", "subject", "ends", "monitoring officer", "next check", "flags")
    for v in views:
        o = v.order
        table.add_row(o.order_id, o.person_ref, o.ends_on.isoformat(), o.monitoring_officer,
                      v.next_check.isoformat(), "; ".join(f.message for f in v.flags) or "-")  # fmt: skip
    Console().print(table)


@armed_app.command("report")
def armed_report(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Folder for report.html and the SVG charts.")],
    months: Annotated[int, typer.Option(min=1, help="Months before now to analyse.")] = 6,
) -> None:
    """Write the attendance summary (HTML) and charts (SVG) for the six-monthly review."""
    state = state_of(ctx)
    application = state.application()
    end = application.clock.now()
    report = application.soc.armed.report(
        state.actor(), end - timedelta(days=round(months * 30.44)), end
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.html").write_text(report.html, encoding="utf-8")
    for name, svg in report.charts.items():
        (out / name).write_text(svg, encoding="utf-8")
    Console(highlight=False).print(f"armed report: {out / 'report.html'} and {len(report.charts)} charts",
                                   markup=False)  # fmt: skip


@armed_app.command("derive")
def armed_derive(
    ctx: typer.Context,
    months: Annotated[
        int | None,
        typer.Option(min=1, help="Only incidents logged in the last N months (default: all)."),
    ] = None,
) -> None:
    """Derive armed deployments from the incident log (authorisations, ARV movements).

    Idempotent: running it again adds nothing and updates only deployments whose log moved on.
    """
    state = state_of(ctx)
    application = state.application()
    end = application.clock.now()
    start = None if months is None else end - timedelta(days=round(months * 30.44))
    done = application.soc.armed.derive_from_log(
        state.actor(), start, None if months is None else end
    )
    out = Console(highlight=False)
    out.print(f"armed incidents in the log: {done.armed_incidents}; deployments added {done.added}, "
              f"updated {done.updated}, unchanged {done.unchanged}; kept as entered by hand "
              f"{done.entered_by_hand}; skipped {len(done.skipped)}", markup=False)  # fmt: skip
    for skipped in done.skipped[:20]:
        out.print(f"  skipped {skipped.incident_ref}: {skipped.reason}", markup=False)


def seed_demo(application: Application, console: Console, seed: int, scale: float) -> None:
    """Load the synthetic SOC registers, unless the register has groups (armed deployments
    come from the incident log: ``seed_demo_armed``)."""
    soc = application.soc
    try:  # the demo account acts: the SOC officer loads the registers
        officer = application.accounts.operator("soc", channel="cli")
    except Unauthenticated:
        console.print("demo: no 'soc' demo account here; SOC demo data not loaded")
        return
    if soc.register.count(officer):
        return
    demo = generate_soc_demo(soc.register.policy, application.clock.now(), seed, scale)
    soc.register.load(officer, demo.groups, demo.plans)
    soc.scpo.load(officer, demo.considerations, demo.orders)
    console.print(f"demo: {len(demo.groups)} OCGs, {len(demo.orders)} SCPOs")


def seed_demo_armed(application: Application, console: Console, loader: Actor,
                    history: Sequence[Incident]) -> None:  # fmt: skip
    """Load the demo's firearms incident history (``synthetic.armed``), then derive the armed
    deployments from the whole incident log as the demo firearms commander."""
    if history:
        application.incidents.load_history(loader, list(history))
    try:
        commander = application.accounts.operator("firearms", channel="cli")
    except Unauthenticated:
        console.print("demo: no 'firearms' demo account here; armed deployments not derived")
        return
    done = application.soc.armed.derive_from_log(commander)
    console.print(f"demo: {done.added:,} armed deployments derived from the incident log "
                  f"({len(history):,} earlier firearms incidents loaded; "
                  f"{len(done.skipped)} skipped)")  # fmt: skip
