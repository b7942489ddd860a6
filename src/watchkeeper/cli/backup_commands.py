"""``watchkeeper backup OUT`` and ``watchkeeper restore IN [--verify]``."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from watchkeeper.cli.context import state_of
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.settings import settings_from_env

# The store (bootstrap, Alembic, the backup service) loads inside each command.
if TYPE_CHECKING:
    from watchkeeper.persistence.backup_archive import Manifest


def backup(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The archive to write (.tar.gz); must not exist.")],
) -> None:
    """Back up every table to a portable archive, consistently, while the system serves."""
    from watchkeeper.persistence.backup_service import Backups

    state = state_of(ctx)
    application = state.application()
    backups = Backups(application.engine, application.signer, application.clock)
    manifest = backups.back_up(state.actor(), out)
    Console(highlight=False).print(
        f"backup written to {out}: {_summary(manifest)}, schema {manifest.schema_revision}",
        markup=False,
    )


def restore(
    ctx: typer.Context,
    archive: Annotated[Path, typer.Argument(help="An archive written by 'watchkeeper backup'.")],
    verify: Annotated[
        bool,
        typer.Option("--verify", help="Check counts, checksums and the audit chain after."),
    ] = False,
) -> None:
    """Restore an archive into a fresh database (migrated first if empty); exit 1 if unsound."""
    from watchkeeper.bootstrap import build
    from watchkeeper.persistence import schema
    from watchkeeper.persistence.backup_service import Backups

    state = state_of(ctx)
    settings = settings_from_env()
    current, head = schema.current_revision(settings.database_url), schema.head_revision()
    if current is None:
        schema.upgrade(settings.database_url)
    elif current != head:
        raise ConfigurationError(
            f"the target database is at revision {current}, not {head}: restore into a fresh "
            "database"
        )
    application = build(settings)
    try:
        operator = state.operator or settings.operator or getpass.getuser()
        backups = Backups(application.engine, application.signer, application.clock)
        report = backups.restore(operator, archive, verify)
    finally:
        application.close()
    console = Console(highlight=False)
    console.print(f"restored {archive}: {_summary(report.manifest)}", markup=False)
    if not verify:
        return
    for problem in report.problems:
        console.print(f"restore verification FAILED: {problem}", markup=False)
    if not report.ok:
        raise typer.Exit(1)
    checked = report.chain.checked if report.chain else 0
    console.print(
        f"restore verified: every table's count and SHA-256 match; audit chain sound "
        f"({checked} rows)",
        markup=False,
    )


def _summary(manifest: Manifest) -> str:
    rows = sum(table.rows for table in manifest.tables.values())
    return f"{len(manifest.tables)} tables, {rows} rows"
