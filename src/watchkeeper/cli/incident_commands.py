"""``watchkeeper incident``: read an incident's full log."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from watchkeeper.cli.context import state_of
from watchkeeper.incidents.entries import to_document
from watchkeeper.incidents.narrative import describe
from watchkeeper.incidents.services import IncidentView

app = typer.Typer(help="Incidents.", no_args_is_help=True)


@app.command("show")
def show(
    ctx: typer.Context,
    ref: Annotated[
        str, typer.Argument(help="Incident id or source reference (e.g. a CAD number).")
    ],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show the full log of one incident, struck entries marked as struck."""
    state = state_of(ctx)
    view = state.application().incidents.show(state.actor(), ref)
    if as_json:
        typer.echo(json.dumps(_as_document(view)))
    else:
        _print(view)


def _as_document(view: IncidentView) -> dict[str, object]:
    st = view.state
    return {
        "incident_id": st.incident_id,
        "status": st.status.value,
        "grade": st.grade.grade.value if st.grade else None,
        "markers": sorted(st.markers),
        "entries": [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "recorded_at": e.recorded_at.isoformat(),
                "author": e.author,
                "kind": e.payload.kind,
                "struck": e.seq in st.struck_seqs,
                "detail": to_document(e.payload),
            }
            for e in view.incident.entries
        ],
        "known": [{"register": k.register, "summary": k.summary} for k in view.known],
    }


def _print(view: IncidentView) -> None:
    st = view.state
    console = Console()
    grade = f"{st.grade.force_label} ({st.grade.grade.value})" if st.grade else "ungraded"
    console.print(
        Text(f"{st.incident_id} · {st.status.value} · {grade} · {st.opened.category}", "bold")
    )
    console.print(
        Text(
            f"at {st.location.text} ({st.location.area}); markers: {', '.join(sorted(st.markers)) or 'none'}"
        )
    )
    table = Table("#", "at (UTC)", "by", "entry", show_lines=False)
    for entry in view.incident.entries:
        text = describe(entry.payload)
        struck = entry.seq in st.struck_seqs
        # Text objects, never markup strings: log text is user input and must not be parsed.
        table.add_row(
            str(entry.seq),
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            Text(entry.author),
            Text(f"{text} (struck)", style="strike") if struck else Text(text),
        )
    console.print(table)
    for known in view.known:
        console.print(Text(f"known: {known.register}: {known.summary}"))
