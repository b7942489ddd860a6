"""Duties in SQL: a projection row per duty (for the lists) and its append-only history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from watchkeeper.duties.model import Duty, DutyEvent, DutyEventKind, DutyState
from watchkeeper.kernel.errors import ConcurrencyConflict, NotFound
from watchkeeper.persistence.tables_safeguarding import duties, duty_events


def duty_row(duty: Duty) -> dict[str, Any]:
    """The ``duties`` projection row (also used by bulk loads)."""
    return {
        "duty_id": duty.duty_id,
        "kind": duty.kind,
        "subject_ref": duty.subject_ref,
        "owner": duty.owner,
        "supervisor": duty.supervisor,
        "due_at": duty.due_at,
        "escalate_after_seconds": int(duty.escalate_after.total_seconds()),
        "state": duty.state.value,
        "is_open": duty.is_open,
    }


def event_rows(duty: Duty, stored: int = 0) -> list[dict[str, Any]]:
    """History rows not yet stored (``stored`` already are)."""
    return [
        {"duty_id": duty.duty_id, "seq": i, "kind": e.kind.value, "at": e.at, "by": e.by,
         "reason": e.reason, "owner": e.owner, "supervisor": e.supervisor, "due_at": e.due_at}
        for i, e in enumerate(duty.history, start=1)
        if i > stored
    ]  # fmt: skip


class SqlDutyStore:
    """The DutyStore port over the unit of work's connection."""

    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, duty: Duty) -> None:
        self._c.execute(sa.insert(duties), [duty_row(duty)])
        self._c.execute(sa.insert(duty_events), event_rows(duty))

    def save(self, duty: Duty) -> None:
        stored = self._c.execute(
            sa.select(sa.func.count()).where(duty_events.c.duty_id == duty.duty_id)
        ).scalar_one()
        if stored > len(duty.history):
            raise ConcurrencyConflict(f"duty {duty.duty_id} changed since it was read; reload")
        values = duty_row(duty)
        del values["duty_id"]
        self._c.execute(sa.update(duties).where(duties.c.duty_id == duty.duty_id).values(**values))
        rows = event_rows(duty, stored)
        if rows:
            self._c.execute(sa.insert(duty_events), rows)

    def _load(self, rows: Sequence[sa.Row[Any]]) -> list[Duty]:
        if not rows:
            return []
        ids = [r.duty_id for r in rows]
        history: dict[str, list[DutyEvent]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            events = self._c.execute(
                sa.select(duty_events)
                .where(duty_events.c.duty_id.in_(ids[start : start + 500]))
                .order_by(duty_events.c.duty_id, duty_events.c.seq)
            )
            for e in events:
                history[e.duty_id].append(
                    DutyEvent(DutyEventKind(e.kind), e.at, e.by, e.reason, e.owner, e.supervisor,
                              e.due_at)
                )  # fmt: skip
        return [
            Duty(r.duty_id, r.kind, r.subject_ref, r.owner, r.supervisor, r.due_at,
                 timedelta(seconds=r.escalate_after_seconds), DutyState(r.state),
                 tuple(history[r.duty_id]))
            for r in rows
        ]  # fmt: skip

    def _where(self, *conditions: sa.ColumnElement[bool]) -> list[Duty]:
        query = sa.select(duties).where(*conditions).order_by(duties.c.due_at, duties.c.duty_id)
        return self._load(list(self._c.execute(query)))

    def get(self, duty_id: str) -> Duty:
        found = self._where(duties.c.duty_id == duty_id)
        if not found:
            raise NotFound(f"no duty {duty_id}")
        return found[0]

    def open_for_owner(self, owner: str) -> Sequence[Duty]:
        return self._where(duties.c.owner == owner, duties.c.is_open.is_(True))

    def open_for_supervisor(self, supervisor: str) -> Sequence[Duty]:
        return self._where(duties.c.supervisor == supervisor, duties.c.is_open.is_(True))

    def open_for_subject(self, subject_ref: str) -> Sequence[Duty]:
        return self._where(duties.c.subject_ref == subject_ref, duties.c.is_open.is_(True))

    def open_due_before(self, at: datetime) -> Sequence[Duty]:
        return self._where(duties.c.is_open.is_(True), duties.c.due_at < at)

    def history_of(self, subject_ref: str) -> Sequence[Duty]:
        return self._where(duties.c.subject_ref == subject_ref)
