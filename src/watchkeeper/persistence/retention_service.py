"""MoPI review as use cases: list the records due, record a retain / delete decision."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner, audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.information.retention import (
    Decision,
    LastDecision,
    RecordType,
    RetentionPolicy,
    ReviewDue,
    StoredRecord,
    as_instant,
    parse_policy,
    reviews_due,
)
from watchkeeper.kernel.clock import Clock, ensure_utc
from watchkeeper.kernel.errors import (
    ConfigurationError,
    DomainRuleViolation,
    InputError,
    NotFound,
)
from watchkeeper.persistence.information_uow import InformationUnitOfWork
from watchkeeper.persistence.tables import incident_entries, incidents, metadata
from watchkeeper.persistence.tables_operations import protected_fields, retention_decisions
from watchkeeper.persistence.uow import SqlUnitOfWork

# Record types whose disposal this release carries out; others record the decision only
# after their register learns to dispose of its dependent rows (see docs/operations.md).
DISPOSABLE = frozenset({"incident"})


@dataclass(frozen=True, slots=True)
class Review:
    """What ``retention review`` found: the records due and the types it could not read."""

    as_of: datetime
    due: list[ReviewDue]
    skipped: list[str]


class RetentionReviews:
    """List records due for review; record decisions (and carry out approved deletions)."""

    def __init__(
        self, engine: sa.Engine, signer: AuditSigner, clock: Clock, policy: RetentionPolicy
    ) -> None:
        self._engine = engine
        self._uow = partial(InformationUnitOfWork, engine, signer)
        self._trail = AuditTrail(partial(SqlUnitOfWork, engine, signer, immediate=True), clock)
        self._clock = clock
        self.policy = policy

    def review(self, actor: Actor, as_of: datetime | None = None) -> Review:
        """The records due for review at ``as_of`` (now), longest overdue first; audited."""
        moment = ensure_utc(as_of) if as_of is not None else self._clock.now()
        self._trail.authorise(actor, Permission.RETENTION_REVIEW, ("retention", "review"))
        skipped = [t.name for t in self.policy.record_types.values() if not _present(t)]
        with self._engine.connect() as connection:
            records = list(self._records(connection))
            decisions = _last_decisions(connection)
        self._trail.read(actor, "retention.review", ("retention", moment.isoformat()))
        return Review(moment, reviews_due(self.policy, records, decisions, moment), skipped)

    def _records(self, connection: sa.Connection) -> Iterator[StoredRecord]:
        for record_type in self.policy.record_types.values():
            if not _present(record_type):
                continue
            table = metadata.tables[record_type.table]
            columns = [table.c[c] for c in record_type.activity_columns]
            category = table.c[record_type.category_column] if record_type.category_column else None
            query = sa.select(table.c[record_type.id_column], *columns)
            if category is not None:
                query = query.add_columns(category)
            for row in connection.execute(query):
                dates = [as_instant(v) for v in row[1 : 1 + len(columns)] if v is not None]
                if dates:
                    kind = row[-1] if category is not None else None
                    yield StoredRecord(record_type.name, str(row[0]), max(dates), kind)

    def decide(
        self, actor: Actor, record_type: str, record_id: str, decision: str, reason: str
    ) -> None:
        """Record ``retain`` or ``delete`` with the reason; a delete disposes of the record."""
        kind = self.policy.record_type(record_type)
        try:
            chosen = Decision(decision)
        except ValueError:
            raise InputError(f"decision {decision!r} must be 'retain' or 'delete'") from None
        if not reason.strip():
            raise InputError("a retention decision needs a reason (MoPI: decisions are recorded)")
        record = (record_type, record_id)
        self._trail.authorise(actor, Permission.RETENTION_DECIDE, record)
        if chosen is Decision.DELETE and kind.name not in DISPOSABLE:
            raise DomainRuleViolation(
                f"disposal of {kind.name} records is not carried out by this release; "
                "record 'retain' or dispose of it through its register"
            )
        now = self._clock.now()
        with self._uow() as uow:
            group = self._group_of(uow.connection, kind, record_id)
            uow.connection.execute(
                sa.insert(retention_decisions).values(
                    record_type=kind.name, record_id=record_id, decision=chosen.value,
                    reason=reason, review_group=group, decided_by=actor.username, decided_at=now,
                )
            )  # fmt: skip
            if chosen is Decision.DELETE:
                try:
                    _dispose_of_incident(uow.connection, record_id)
                except sa.exc.IntegrityError:
                    raise DomainRuleViolation(
                        f"incident {record_id} is still linked from another register; "
                        "remove or dispose of those links first (nothing was changed)"
                    ) from None
            event = audit_event(actor, now, f"retention.{chosen.value}", record, reason=reason)
            uow.audit.record(event)
            uow.commit()

    def _group_of(self, connection: sa.Connection, kind: RecordType, record_id: str) -> int:
        if not _present(kind):
            raise NotFound(f"this build has no {kind.table} table for {kind.name} records")
        table = metadata.tables[kind.table]
        columns: list[Any] = [table.c[kind.id_column]]
        if kind.category_column:
            columns.append(table.c[kind.category_column])
        row = connection.execute(
            sa.select(*columns).where(table.c[kind.id_column] == record_id)
        ).first()
        if row is None:
            raise NotFound(f"no {kind.name} record {record_id!r}")
        return kind.group_for(row[1] if kind.category_column else None)


def _present(record_type: RecordType) -> bool:
    return record_type.table in metadata.tables


def _last_decisions(connection: sa.Connection) -> dict[tuple[str, str], LastDecision]:
    d = retention_decisions.c
    rows = connection.execute(
        sa.select(d.record_type, d.record_id, d.decision, d.decided_at).order_by(d.decided_at, d.id)
    )
    return {
        (r.record_type, r.record_id): LastDecision(Decision(r.decision), r.decided_at) for r in rows
    }


def _dispose_of_incident(connection: sa.Connection, incident_id: str) -> None:
    """Delete the incident's log, projection and protected fields in this transaction."""
    connection.execute(
        sa.delete(protected_fields)
        .where(protected_fields.c.record_type == "incident")
        .where(protected_fields.c.record_id == incident_id)
    )
    connection.execute(
        sa.delete(incident_entries).where(incident_entries.c.incident_id == incident_id)
    )
    connection.execute(sa.delete(incidents).where(incidents.c.id == incident_id))


def load_policy(path: Path | None = None) -> RetentionPolicy:
    """The retention configuration (the bundled ``retention.toml`` when ``path`` is None)."""
    try:
        if path is None:
            text = resources.files("watchkeeper.resources").joinpath("retention.toml").read_text()
        else:
            text = path.read_text(encoding="utf-8")
        return parse_policy(tomllib.loads(text))
    except FileNotFoundError:
        raise ConfigurationError(f"retention configuration not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            f"retention configuration {path}: not valid TOML ({exc})"
        ) from None
