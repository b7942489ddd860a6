"""``watchkeeper retention``, ``subject-access`` and ``keys``: managing police information."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from watchkeeper.cli.context import state_of
from watchkeeper.kernel.errors import InputError

if TYPE_CHECKING:  # bootstrap and the store load on first use: fast start-up
    from watchkeeper.bootstrap import Application
    from watchkeeper.persistence.retention_service import RetentionReviews, Review

retention = typer.Typer(
    help="MoPI review: records due for review, and retain / delete decisions.",
    no_args_is_help=True,
)
keys = typer.Typer(help="Field-encryption keys (administrators).", no_args_is_help=True)


def _reviews(application: Application) -> RetentionReviews:
    from watchkeeper.persistence.retention_service import RetentionReviews, load_policy

    policy = load_policy(application.settings.retention_file)
    return RetentionReviews(application.engine, application.signer, application.clock, policy)


@retention.command("review")
def review(
    ctx: typer.Context,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of", help="Review as at this moment (ISO 8601, UTC if no offset; default now)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """List the records due for review (by record type, group and due date)."""
    state = state_of(ctx)
    moment = None if as_of is None else as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    found = _reviews(state.application()).review(state.actor(), moment)
    if as_json:
        typer.echo(json.dumps(_review_document(found), indent=2))
        return
    console = Console(highlight=False)
    for name in found.skipped:
        console.print(f"note: no {name} register in this build; its records were not reviewed")
    table = Table("record type", "reference", "group", "last activity", "review due")
    for due in found.due:
        table.add_row(
            due.record_type, due.record_id, str(due.group),
            due.last_activity.date().isoformat(), due.due_at.date().isoformat(),
        )  # fmt: skip
    console.print(table)
    console.print(f"{len(found.due)} records due for review as of {found.as_of.isoformat()}")


def _review_document(found: Review) -> dict[str, object]:
    return {
        "as_of": found.as_of.isoformat(),
        "skipped_record_types": found.skipped,
        "due": [
            {
                "record_type": due.record_type,
                "record_id": due.record_id,
                "group": due.group,
                "last_activity": due.last_activity.isoformat(),
                "due_at": due.due_at.isoformat(),
                "last_decision": due.last_decision.decision.value if due.last_decision else None,
            }
            for due in found.due
        ],
    }


@retention.command("decide")
def decide(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The record's reference (an incident id, ...).")],
    decision: Annotated[str, typer.Argument(help="retain or delete")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded and audited).")],
    record_type: Annotated[str, typer.Option("--type", help="Record type.")] = "incident",
) -> None:
    """Record a retain or delete decision; a delete disposes of the record with it."""
    state = state_of(ctx)
    _reviews(state.application()).decide(state.actor(), record_type, ref, decision, reason)
    Console(highlight=False).print(f"{record_type} {ref}: {decision} recorded", markup=False)


def subject_access(
    ctx: typer.Context,
    person_ref: Annotated[str, typer.Argument(help="The person's reference.")],
    out: Annotated[Path, typer.Option("--out", help="The JSON file to write (must not exist).")],
) -> None:
    """Export one person's records across every register, third parties redacted."""
    from watchkeeper.persistence.subject_access_service import SubjectAccess

    state = state_of(ctx)
    application = state.application()
    if out.exists():
        raise InputError(f"{out} already exists; choose a new file")
    export = SubjectAccess(application.engine, application.signer, application.clock).export(
        state.actor(), person_ref
    )
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(export, handle, indent=2, ensure_ascii=False)
    count = len(export["incidents"]) + sum(len(rows) for rows in export["registers"].values())
    Console(highlight=False).print(f"subject access: {count} records written to {out}")


@keys.command("rotate")
def rotate(ctx: typer.Context) -> None:
    """Add a new field key and re-encrypt every protected value with it (log entries too)."""
    from watchkeeper.persistence.entry_resealing import EntryResealing
    from watchkeeper.persistence.field_crypto import FieldKeyring
    from watchkeeper.persistence.protected_fields import ProtectedFields

    state = state_of(ctx)
    application = state.application()
    fields = ProtectedFields(
        application.engine, application.signer, application.clock,
        FieldKeyring(application.settings.field_key_file),
    )  # fmt: skip
    key, count = fields.rotate(state.actor())
    resealing = EntryResealing(application.engine, application.signer, application.clock)
    _, entries = resealing.reseal(state.actor())
    Console(highlight=False).print(
        f"keys rotated: {count} values and {entries} incident log entries now under key {key}"
    )


@keys.command("reseal")
def reseal(ctx: typer.Context) -> None:
    """Without a new key: seal legacy clear log entries, move the rest to the newest key."""
    from watchkeeper.persistence.entry_resealing import EntryResealing

    state = state_of(ctx)
    application = state.application()
    resealing = EntryResealing(application.engine, application.signer, application.clock)
    key, entries = resealing.reseal(state.actor())
    Console(highlight=False).print(
        f"keys resealed: {entries} incident log entries now under key {key}"
    )
