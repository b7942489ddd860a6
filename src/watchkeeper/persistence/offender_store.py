"""Registered offenders in SQL: the record, notifications, ARMS, visits and custody."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from watchkeeper.kernel.errors import DomainRuleViolation, InputError, NotFound
from watchkeeper.persistence.tables_safeguarding import (
    arms_assessments,
    custody_periods,
    offender_notifications,
    offender_risk_events,
    offender_visits,
    offenders,
)
from watchkeeper.safeguarding.offenders import (
    ArmsAssessment,
    CustodyPeriod,
    Mappa,
    Notification,
    NotificationKind,
    RsoRisk,
    TravelPlan,
    VisitPlan,
)
from watchkeeper.safeguarding.ports import OffenderFile, OffenderRecord
from watchkeeper.safeguarding.rso_reviews import RiskEvent, RiskEventKind


def _travel(row: sa.Row[Any]) -> TravelPlan | None:
    """The s86 plan of a travel notice row (None for other kinds and pre-0009 rows)."""
    if row.departs_on is None:
        return None
    return TravelPlan(row.departs_on, row.returns_on, row.destination or "")


def _travel_row(plan: TravelPlan | None) -> dict[str, Any]:
    if plan is None:
        return {"departs_on": None, "returns_on": None, "destination": None}
    return {"departs_on": plan.departs_on, "returns_on": plan.returns_on,
            "destination": plan.destination}  # fmt: skip


def offender_row(o: OffenderRecord) -> dict[str, Any]:
    """The ``offenders`` row of a record (also used by bulk loads)."""
    return {
        "offender_ref": o.offender_ref,
        "person_ref": o.person_ref,
        "address_ref": o.address_ref,
        "manager_ref": o.manager_ref,
        "registered_on": o.registered_on,
        "notification_ends_on": o.notification_ends_on,
        "risk_level": o.risk.value,
        "mappa_category": o.mappa.category,
        "mappa_level": o.mappa.level,
        "no_fixed_abode": o.no_fixed_abode,
        "reactive": o.reactive,
        "visit_interval_months": o.plan.interval_months,
        "visit_basis": o.plan.basis,
        "visit_rationale": o.plan.rationale,
        "status": o.status,
    }


def _record(r: sa.Row[Any]) -> OffenderRecord:
    return OffenderRecord(
        r.offender_ref, r.person_ref, r.manager_ref, r.registered_on, RsoRisk(r.risk_level),
        Mappa(r.mappa_category, r.mappa_level),
        VisitPlan(r.visit_interval_months, r.visit_basis, r.visit_rationale),
        r.address_ref, r.notification_ends_on, r.no_fixed_abode, r.reactive, r.status,
    )  # fmt: skip


class SqlOffenderStore:
    """The OffenderStore port over the unit of work's connection."""

    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def _seq(self, table: sa.Table, offender_ref: str) -> int:
        top = self._c.execute(
            sa.select(sa.func.max(table.c.seq)).where(table.c.offender_ref == offender_ref)
        ).scalar_one_or_none()
        return (top or 0) + 1

    def add_offender(self, offender: OffenderRecord) -> None:
        if self._c.execute(sa.select(offenders.c.offender_ref).where(
                offenders.c.offender_ref == offender.offender_ref)).first():  # fmt: skip
            raise InputError(f"offender {offender.offender_ref} is already registered")
        self._c.execute(sa.insert(offenders), [offender_row(offender)])

    def get_offender(self, offender_ref: str) -> OffenderFile:
        row = self._c.execute(
            sa.select(offenders).where(offenders.c.offender_ref == offender_ref)
        ).first()
        if row is None:
            raise NotFound(f"no registered offender {offender_ref}")

        def rows(table: sa.Table) -> list[sa.Row[Any]]:
            query = sa.select(table).where(table.c.offender_ref == offender_ref)
            return list(self._c.execute(query.order_by(table.c.seq)))

        return OffenderFile(
            _record(row),
            tuple(Notification(NotificationKind(n.kind), n.notified_on, _travel(n))
                  for n in rows(offender_notifications)),
            tuple(ArmsAssessment(a.assessed_on, a.version, RsoRisk(a.level), a.by)
                  for a in rows(arms_assessments)),
            tuple(v.visited_on for v in rows(offender_visits)),
            tuple(CustodyPeriod(c.starts_on, c.ends_on) for c in rows(custody_periods)),
            tuple(RiskEvent(RiskEventKind(e.kind), e.name, e.at, e.detail, e.by)
                  for e in rows(offender_risk_events)),
        )  # fmt: skip

    def save_offender(self, offender: OffenderRecord) -> None:
        values = offender_row(offender)
        del values["offender_ref"]
        self._c.execute(
            sa.update(offenders)
            .where(offenders.c.offender_ref == offender.offender_ref)
            .values(**values)
        )

    def add_notification(self, offender_ref: str, notification: Notification, by: str) -> None:
        self._c.execute(
            sa.insert(offender_notifications),
            [{"offender_ref": offender_ref, "seq": self._seq(offender_notifications, offender_ref),
              "kind": notification.kind.value, "notified_on": notification.on,
              "recorded_by": by, **_travel_row(notification.travel)}],
        )  # fmt: skip

    def add_assessment(self, offender_ref: str, assessment: ArmsAssessment) -> None:
        self._c.execute(
            sa.insert(arms_assessments),
            [{"offender_ref": offender_ref, "seq": self._seq(arms_assessments, offender_ref),
              "assessed_on": assessment.assessed_on, "version": assessment.version,
              "level": assessment.level.value, "by": assessment.by}],
        )  # fmt: skip

    def add_visit(self, offender_ref: str, visited_on: date, by: str, note: str) -> None:
        self._c.execute(
            sa.insert(offender_visits),
            [{"offender_ref": offender_ref, "seq": self._seq(offender_visits, offender_ref),
              "visited_on": visited_on, "by": by, "note": note}],
        )  # fmt: skip

    def add_custody(self, offender_ref: str, period: CustodyPeriod) -> None:
        self._c.execute(
            sa.insert(custody_periods),
            [{"offender_ref": offender_ref, "seq": self._seq(custody_periods, offender_ref),
              "starts_on": period.start, "ends_on": period.end}],
        )  # fmt: skip

    def add_risk_event(self, offender_ref: str, event: RiskEvent) -> None:
        self._c.execute(
            sa.insert(offender_risk_events),
            [{"offender_ref": offender_ref, "seq": self._seq(offender_risk_events, offender_ref),
              "kind": event.kind.value, "name": event.name, "at": event.at,
              "detail": event.detail, "by": event.by}],
        )  # fmt: skip

    def end_custody(self, offender_ref: str, ends_on: date) -> None:
        row = self._c.execute(
            sa.select(custody_periods.c.seq, custody_periods.c.starts_on).where(
                custody_periods.c.offender_ref == offender_ref, custody_periods.c.ends_on.is_(None)
            )
        ).first()
        if row is None:
            raise DomainRuleViolation(f"offender {offender_ref} is not in custody")
        if ends_on < row.starts_on:
            raise InputError(f"release on {ends_on} is before custody began ({row.starts_on})")
        self._c.execute(
            sa.update(custody_periods)
            .where(custody_periods.c.offender_ref == offender_ref, custody_periods.c.seq == row.seq)
            .values(ends_on=ends_on)
        )

    def offenders_of_person(self, person_ref: str) -> Sequence[OffenderRecord]:
        rows = self._c.execute(
            sa.select(offenders)
            .where(offenders.c.person_ref == person_ref)
            .order_by(offenders.c.offender_ref)
        )
        return [_record(r) for r in rows]

    def offenders_with_status(
        self, status: str, limit: int
    ) -> tuple[Sequence[OffenderRecord], int]:
        """Up to ``limit`` offenders in ``status``, by reference, and how many there are."""
        where = offenders.c.status == status
        total = self._c.execute(sa.select(sa.func.count()).select_from(offenders).where(where))
        rows = self._c.execute(
            sa.select(offenders).where(where).order_by(offenders.c.offender_ref).limit(limit)
        )
        return [_record(r) for r in rows], int(total.scalar_one())

    def caseload(self, manager_ref: str) -> Sequence[str]:
        rows = self._c.execute(
            sa.select(offenders.c.offender_ref)
            .where(offenders.c.manager_ref == manager_ref, offenders.c.status == "active")
            .order_by(offenders.c.offender_ref)
        )
        return [r.offender_ref for r in rows]
