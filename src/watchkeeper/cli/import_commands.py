"""``watchkeeper import PROFILE FILE...``: load real CAD exports through a mapping profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from watchkeeper.cli.context import state_of
from watchkeeper.persistence.cad_import.importer import ImportSummary
from watchkeeper.persistence.cad_import.service import ImportRequest


def import_exports(
    ctx: typer.Context,
    profile: Annotated[
        str,
        typer.Argument(
            help="Bundled profile (san-diego, san-luis-obispo, seattle) or a profile file."
        ),
    ],
    files: Annotated[
        list[Path], typer.Argument(help="Export files to import.", exists=True, dir_okay=False)
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    rejects_dir: Annotated[Path, typer.Option(help="Where the rejects file is written.")] = Path(
        "rejects"
    ),
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per transaction.")] = 2000,
) -> None:
    """Import CAD exports; rejected rows go to a rejects file with file, record, line and reason."""
    state = state_of(ctx)
    imports = state.application().imports
    actor = state.actor()
    request = ImportRequest(profile, files, rejects_dir, batch_size)
    total = sum(f.stat().st_size for f in files)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task(f"importing {len(files)} file(s)", total=total)
        summary = imports.run(
            actor, request, on_progress=lambda done: bar.update(task, completed=done)
        )
    _present(summary, as_json)


def _present(summary: ImportSummary, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary.to_json()))
        return
    console = Console()
    console.print(
        f"rows read {summary.rows_read:,} · imported {summary.imported:,} · "
        f"already present {summary.already_present:,} · conflicting {summary.conflicting:,} · "
        f"rejected {summary.rejected:,}"
    )
    if summary.rejects_file:
        console.print(f"rejects: {summary.rejects_file}")
    if summary.unknown_codes:
        top = sorted(summary.unknown_codes.items(), key=lambda kv: -kv[1])[:10]
        console.print(
            "unknown codes imported as 'unknown': " + ", ".join(f"{c!r}×{n}" for c, n in top)
        )
