"""``watchkeeper backlog``: the risk-ranked open incidents, with reasons and countdowns."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from watchkeeper.cli.context import state_of
from watchkeeper.incidents.backlog import Backlog, BacklogFilters, BacklogRow, BacklogSummary
from watchkeeper.incidents.entries import Grade
from watchkeeper.kernel.errors import InputError

BAND_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "green",
}


def backlog(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Ranked list with band and factors.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="ISO time; a bare time is the force's local time unless an offset is given.",
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Rows to show.")] = 25,
    grade: Annotated[Grade | None, typer.Option(help="Only this canonical grade.")] = None,
    band: Annotated[str | None, typer.Option(help="Only this band.")] = None,
    area: Annotated[str | None, typer.Option(help="Only this area.")] = None,
    marker: Annotated[str | None, typer.Option(help="Only incidents with this marker.")] = None,
    watch: Annotated[
        bool, typer.Option("--watch", help="Refresh every few seconds until Ctrl-C.")
    ] = False,
    interval: Annotated[float, typer.Option(min=1.0, help="Seconds between refreshes.")] = 5.0,
    trend: Annotated[
        float | None, typer.Option(min=0.5, help="Show the summary over the last N hours instead.")
    ] = None,
    step: Annotated[int, typer.Option(min=5, help="Minutes between trend points.")] = 60,
) -> None:
    """Show the backlog ranked by risk: breach countdowns, reasons and recommended actions."""
    state = state_of(ctx)
    service = state.application().backlog
    filters = BacklogFilters(grade, band, area, marker)
    when = _parse_time(as_of, state.application().profile.timezone) if as_of else None
    if trend is not None:
        end = when or state.application().clock.now()
        summaries = service.trend(
            state.actor(), end - timedelta(hours=trend), end, timedelta(minutes=step)
        )
        _print_trend(summaries, as_json)
        return
    if as_json:
        typer.echo(json.dumps(_as_json(service.current(state.actor(), when, filters))))
        return
    if not watch:
        Console().print(_render(service.current(state.actor(), when, filters), limit))
        return
    with Live(console=Console(), screen=False, auto_refresh=False) as live:
        try:
            while True:
                live.update(
                    _render(service.current(state.actor(), when, filters), limit), refresh=True
                )
                time.sleep(interval)
        except KeyboardInterrupt:
            pass


def _print_trend(summaries: list[BacklogSummary], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([_summary_json(s) for s in summaries]))
        return
    table = Table(
        "at (UTC)",
        "open",
        "breached",
        "vulnerable",
        "no contact",
        "never reviewed",
        "critical",
        "oldest",
    )
    for s in summaries:
        table.add_row(
            f"{s.as_of:%Y-%m-%d %H:%M}",
            str(s.total_open),
            str(s.breached),
            str(s.vulnerable),
            str(s.no_contact),
            str(s.unreviewed),
            str(s.by_band.get("critical", 0)),
            f"{s.oldest.waited_minutes:.0f}m" if s.oldest else "—",
        )
    Console().print(table)


def _summary_json(s: BacklogSummary) -> dict[str, object]:
    return {
        "as_of": s.as_of.isoformat(),
        "total_open": s.total_open,
        "by_grade": s.by_grade,
        "by_band": s.by_band,
        "breached": s.breached,
        "vulnerable": s.vulnerable,
        "no_contact": s.no_contact,
        "unreviewed": s.unreviewed,
        "oldest": {
            "incident_id": s.oldest.incident_id,
            "waited_minutes": round(s.oldest.waited_minutes, 1),
        }
        if s.oldest
        else None,
    }


def _parse_time(text: str, tz: object) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"--as-of {text!r} is not an ISO date-time (e.g. 2026-11-21T02:00)"
        ) from None
    if parsed.tzinfo is None:
        from zoneinfo import ZoneInfo

        assert isinstance(tz, ZoneInfo)
        parsed = parsed.replace(tzinfo=tz)  # a bare time means the force's local time
    return parsed


def _as_json(board: Backlog) -> list[dict[str, object]]:
    out = []
    for row in board.rows:
        assessment = board.explain(row.incident_id)
        out.append(
            {
                "incident_id": row.incident_id,
                "score": round(row.score, 3),
                "band": row.band,
                "grade": row.grade.value if row.grade else None,
                "grade_label": row.grade_label,
                "status": row.status.value,
                "area": row.area,
                "category": row.category,
                "waited_minutes": round(row.waited_minutes, 1),
                "minutes_to_breach": None
                if row.minutes_to_breach is None
                else round(row.minutes_to_breach, 1),
                "markers": list(row.markers),
                "factors": [
                    {"name": f.name, "points": round(f.points, 3), "detail": f.detail}
                    for f in assessment.factors
                ],
                "actions": [
                    {"rule": a.rule, "action": a.action, "reason": a.reason} for a in row.actions
                ],
            }
        )
    return out


def _countdown(row: BacklogRow) -> Text:
    if row.minutes_to_breach is None:
        return Text("—", style="dim")
    if row.minutes_to_breach < 0:
        return Text(f"BREACHED {-row.minutes_to_breach:.0f}m", style="bold red")
    return Text(
        f"{row.minutes_to_breach:.0f}m", style="yellow" if row.minutes_to_breach < 15 else ""
    )


def _render(board: Backlog, limit: int) -> Group:
    s = board.summary
    headline = Text.assemble(
        (f"Backlog at {board.as_of:%Y-%m-%d %H:%M} UTC: ", "bold"),
        f"{s.total_open} open · {s.breached} breached · {s.vulnerable} vulnerable · "
        f"{s.no_contact} no contact · {s.unreviewed} never reviewed · bands "
        + ", ".join(f"{b} {n}" for b, n in s.by_band.items()),
    )
    table = Table(
        "#", "incident", "score", "band", "grade", "waited", "breach in", "why", "do next"
    )
    for rank, row in enumerate(board.rows[:limit], start=1):
        top = sorted(board.explain(row.incident_id).factors, key=lambda f: -f.points)[:3]
        table.add_row(
            str(rank),
            row.incident_id,
            f"{row.score:.0f}",
            Text(row.band, style=BAND_STYLE.get(row.band, "")),
            Text(row.grade_label or "—"),
            f"{row.waited_minutes:.0f}m",
            _countdown(row),
            Text(", ".join(f"{f.name} {f.points:.0f}" for f in top)),
            Text("; ".join(a.action for a in row.actions) or "—"),
        )
    return Group(headline, table)
