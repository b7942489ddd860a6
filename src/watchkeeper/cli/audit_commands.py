"""``watchkeeper audit``: verify the keyed audit chain and export its head."""

from __future__ import annotations

import typer
from rich.console import Console

from watchkeeper.cli.context import state_of

app = typer.Typer(
    help="The audit chain (needs an auditor or administrator, e.g. --as auditor).",
    no_args_is_help=True,
)


@app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Recompute every link with the key and check the last exported head; exit 1 if broken."""
    state = state_of(ctx)
    audit = state.application().audit
    result = audit.verify(state.actor())
    console = Console(highlight=False)
    if result.ok:
        console.print(
            f"audit chain sound: {result.checked} rows, head {result.head.seq} "
            f"{result.head.chain_hash[:16]}…"
        )
        return
    for problem in result.problems:
        console.print(f"audit chain BROKEN: {problem}", markup=False)
    raise typer.Exit(1)


@app.command("export-head")
def export_head(ctx: typer.Context) -> None:
    """Append the chain's current head to the head file (kept outside the database)."""
    state = state_of(ctx)
    audit = state.application().audit
    head = audit.export_head(state.actor())
    Console(highlight=False).print(
        f"head {head.seq} {head.chain_hash} exported to {audit.head_file}", markup=False
    )
