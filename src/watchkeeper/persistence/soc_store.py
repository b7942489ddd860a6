"""The SOC registers and armed deployments in SQL, over a unit of work's connection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner, AuditUnavailable, ChainedAuditLog
from watchkeeper.access.ports import AuditLog
from watchkeeper.armed_policing.analysis import DeploymentTable
from watchkeeper.armed_policing.derivation import DERIVED_PREFIX
from watchkeeper.armed_policing.model import ArmedDeployment
from watchkeeper.armed_policing.ports import ArmedLog, DeploymentStore
from watchkeeper.kernel.errors import ConcurrencyConflict, InputError, NotFound
from watchkeeper.organised_crime.groups import OrganisedCrimeGroup
from watchkeeper.organised_crime.plans import FourPPlan
from watchkeeper.organised_crime.ports import GroupStore, NominalFiling, PlanStore, ScpoStore
from watchkeeper.organised_crime.scpo import Consideration, ScpoOrder
from watchkeeper.persistence.access_store import SqlAuditChainStore
from watchkeeper.persistence.armed_log import SqlArmedLog
from watchkeeper.persistence.people_store import SqlPeopleStore
from watchkeeper.persistence.repository import chunked
from watchkeeper.persistence.soc_codec import decode, encode
from watchkeeper.persistence.tables_soc import (
    armed_deployments,
    ocg_groups,
    ocg_plans,
    scpo_considerations,
    scpo_orders,
)
from watchkeeper.persistence.uow import _SqlTransaction


def _exists(connection: sa.Connection, column: sa.Column[Any], key: str) -> bool:
    return connection.execute(sa.select(column).where(column == key)).first() is not None


class SqlGroupStore:
    """The GroupStore port."""

    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    @staticmethod
    def _row(group: OrganisedCrimeGroup) -> dict[str, Any]:
        threat = group.threat
        return {"name": group.name, "state": group.state, "band": group.band,
                "score": threat.score if threat else None, "lro": group.lro,
                "document": encode(group)}  # fmt: skip

    def add(self, group: OrganisedCrimeGroup) -> None:
        if _exists(self._c, ocg_groups.c.group_id, group.group_id):
            raise InputError(f"group {group.group_id} is already on the register (field: group_id)")
        self._c.execute(sa.insert(ocg_groups).values(
            group_id=group.group_id, created_at=group.created_at, version=1, **self._row(group)))  # fmt: skip

    def get(self, group_id: str) -> tuple[OrganisedCrimeGroup, int]:
        row = self._c.execute(
            sa.select(ocg_groups.c.document, ocg_groups.c.version).where(
                ocg_groups.c.group_id == group_id
            )
        ).first()
        if row is None:
            raise NotFound(f"no organised crime group {group_id}")
        return decode(OrganisedCrimeGroup, row.document), int(row.version)

    def update(self, group: OrganisedCrimeGroup, expected_version: int) -> None:
        result = self._c.execute(
            sa.update(ocg_groups)
            .where(ocg_groups.c.group_id == group.group_id)
            .where(ocg_groups.c.version == expected_version)
            .values(version=expected_version + 1, **self._row(group))
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict(
                f"group {group.group_id} changed since you read it; reload and try again"
            )

    def all(self) -> list[OrganisedCrimeGroup]:
        rows = self._c.execute(sa.select(ocg_groups.c.document).order_by(ocg_groups.c.group_id))
        return [decode(OrganisedCrimeGroup, r.document) for r in rows]


class SqlPlanStore:
    """The PlanStore port."""

    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def put(self, plan: FourPPlan) -> None:
        values = {"group_id": plan.group_id, "created_at": plan.created_at,
                  "review_by": plan.review_by, "document": encode(plan)}  # fmt: skip
        if _exists(self._c, ocg_plans.c.plan_id, plan.plan_id):
            self._c.execute(
                sa.update(ocg_plans).where(ocg_plans.c.plan_id == plan.plan_id).values(**values)
            )
        else:
            self._c.execute(sa.insert(ocg_plans).values(plan_id=plan.plan_id, **values))

    def for_group(self, group_id: str) -> FourPPlan | None:
        row = self._c.execute(
            sa.select(ocg_plans.c.document)
            .where(ocg_plans.c.group_id == group_id)
            .order_by(ocg_plans.c.created_at.desc(), ocg_plans.c.plan_id.desc())
            .limit(1)
        ).first()
        return decode(FourPPlan, row.document) if row else None

    def latest_by_group(self) -> dict[str, FourPPlan]:
        rows = self._c.execute(
            sa.select(ocg_plans.c.document).order_by(ocg_plans.c.created_at, ocg_plans.c.plan_id)
        )
        plans = (decode(FourPPlan, r.document) for r in rows)
        return {p.group_id: p for p in plans}  # later plans replace earlier ones


class SqlScpoStore:
    """The ScpoStore port."""

    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add_consideration(self, case: Consideration) -> None:
        if _exists(self._c, scpo_considerations.c.case_id, case.case_id):
            raise InputError(f"case {case.case_id} is already flagged (field: case_id)")
        self._c.execute(sa.insert(scpo_considerations).values(**encode_row(case)))

    def get_consideration(self, case_id: str) -> Consideration:
        row = self._c.execute(
            sa.select(scpo_considerations).where(scpo_considerations.c.case_id == case_id)
        ).first()
        if row is None:
            raise NotFound(f"no SCPO consideration for case {case_id}")
        return Consideration(**dict(row._mapping))

    def update_consideration(self, case: Consideration) -> None:
        values = encode_row(case)
        del values["case_id"]
        self._c.execute(
            sa.update(scpo_considerations)
            .where(scpo_considerations.c.case_id == case.case_id)
            .values(**values)
        )

    def considerations(self) -> list[Consideration]:
        rows = self._c.execute(
            sa.select(scpo_considerations).order_by(scpo_considerations.c.flagged_at)
        )
        return [Consideration(**dict(r._mapping)) for r in rows]

    @staticmethod
    def _order_row(order: ScpoOrder) -> dict[str, Any]:
        return {"person_ref": order.person_ref, "group_id": order.group_id or None,
                "court": order.court, "starts_on": order.starts_on, "ends_on": order.ends_on,
                "monitoring_officer": order.monitoring_officer, "document": encode(order)}  # fmt: skip

    def add_order(self, order: ScpoOrder) -> None:
        if _exists(self._c, scpo_orders.c.order_id, order.order_id):
            raise InputError(f"order {order.order_id} is already recorded (field: order_id)")
        self._c.execute(sa.insert(scpo_orders).values(
            order_id=order.order_id, version=1, **self._order_row(order)))  # fmt: skip

    def get_order(self, order_id: str) -> tuple[ScpoOrder, int]:
        row = self._c.execute(
            sa.select(scpo_orders.c.document, scpo_orders.c.version).where(
                scpo_orders.c.order_id == order_id
            )
        ).first()
        if row is None:
            raise NotFound(f"no serious crime prevention order {order_id}")
        return decode(ScpoOrder, row.document), int(row.version)

    def update_order(self, order: ScpoOrder, expected_version: int) -> None:
        result = self._c.execute(
            sa.update(scpo_orders)
            .where(scpo_orders.c.order_id == order.order_id)
            .where(scpo_orders.c.version == expected_version)
            .values(version=expected_version + 1, **self._order_row(order))
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict(
                f"order {order.order_id} changed since you read it; reload and try again"
            )

    def orders(self) -> list[ScpoOrder]:
        rows = self._c.execute(sa.select(scpo_orders.c.document).order_by(scpo_orders.c.ends_on))
        return [decode(ScpoOrder, r.document) for r in rows]


def encode_row(case: Consideration) -> dict[str, Any]:
    """A consideration as its table row (every field is a column)."""
    return {
        "case_id": case.case_id, "person_ref": case.person_ref, "offence": case.offence,
        "heading": case.heading, "stage": case.stage, "flagged_at": case.flagged_at,
        "decision": case.decision, "reason": case.reason, "decided_by": case.decided_by,
        "decided_at": case.decided_at,
    }  # fmt: skip


_STAMPS = ("call_at", "authorised_at", "dispatched_at", "en_route_at", "arrived_at")


class SqlDeploymentStore:
    """The DeploymentStore port; ``table`` reads straight into NumPy columns."""

    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add_many(self, deployments: Sequence[ArmedDeployment]) -> None:
        if not deployments:
            return
        ids = [d.deployment_id for d in deployments]
        if len(set(ids)) != len(ids):
            raise InputError("the batch repeats a deployment id (field: deployment_id)")
        taken = self._c.execute(
            sa.select(armed_deployments.c.deployment_id).where(
                armed_deployments.c.deployment_id.in_(ids[:1000])
            )
        ).first()
        if taken is not None:
            raise InputError(f"deployment {taken[0]} is already stored (field: deployment_id)")
        rows = [{"deployment_id": d.deployment_id, "incident_ref": d.incident_ref, "arv": d.arv,
                 "area": d.area, **{s: getattr(d, s) for s in _STAMPS}} for d in deployments]  # fmt: skip
        self._c.execute(sa.insert(armed_deployments), rows)

    def table(self, start: datetime | None, end: datetime | None) -> DeploymentTable:
        t = armed_deployments.c
        query = sa.select(t.deployment_id, t.incident_ref, t.area, t.call_at, t.authorised_at,
                          t.dispatched_at, t.arrived_at).order_by(t.call_at)  # fmt: skip
        if start is not None:
            query = query.where(t.call_at >= start)
        if end is not None:
            query = query.where(t.call_at < end)
        rows = self._c.execute(query).all()

        def seconds(i: int) -> np.ndarray[Any, np.dtype[np.float64]]:
            return np.array([np.nan if r[i] is None else r[i].timestamp() for r in rows],
                            dtype=np.float64)  # fmt: skip

        return DeploymentTable(
            np.array([r[0] for r in rows], dtype=np.str_),
            np.array([r[1] for r in rows], dtype=np.str_),
            np.array([r[2] for r in rows], dtype=np.str_),
            seconds(3), seconds(4), seconds(5), seconds(6),
        )  # fmt: skip

    def count(self) -> int:
        query = sa.select(sa.func.count()).select_from(armed_deployments)
        return int(self._c.execute(query).scalar_one())

    def upsert_derived(self, deployments: Sequence[ArmedDeployment]) -> tuple[int, int, int]:
        """Add new derived deployments, rewrite changed ones, leave equal ones alone."""
        t = armed_deployments.c
        added = updated = 0
        for chunk in chunked(list(deployments), 500):
            ids = [d.deployment_id for d in chunk]
            stored = {r.deployment_id: r for r in self._c.execute(
                sa.select(armed_deployments).where(t.deployment_id.in_(ids)))}  # fmt: skip
            fresh = []
            for d in chunk:
                row = {"deployment_id": d.deployment_id, "incident_ref": d.incident_ref,
                       "arv": d.arv, "area": d.area, **{s: getattr(d, s) for s in _STAMPS}}  # fmt: skip
                old = stored.get(d.deployment_id)
                if old is None:
                    fresh.append(row)
                elif any(getattr(old, k) != v for k, v in row.items()):
                    self._c.execute(sa.update(armed_deployments)
                                    .where(t.deployment_id == d.deployment_id).values(**row))  # fmt: skip
                    updated += 1
            if fresh:
                self._c.execute(sa.insert(armed_deployments), fresh)
                added += len(fresh)
        return added, updated, len(deployments) - added - updated

    def entered_by_hand(self, incident_refs: Sequence[str]) -> set[str]:
        t = armed_deployments.c
        found: set[str] = set()
        for chunk in chunked(list(incident_refs), 500):
            query = sa.select(t.incident_ref).where(
                t.incident_ref.in_(list(chunk)), t.deployment_id.not_like(f"{DERIVED_PREFIX}%")
            )
            found |= {row[0] for row in self._c.execute(query)}
        return found


def _audit(connection: sa.Connection, signer: AuditSigner | None) -> AuditLog:
    if signer is None:
        return AuditUnavailable()
    return ChainedAuditLog(SqlAuditChainStore(connection), signer)


class SqlSocUnitOfWork(_SqlTransaction):
    """The SocUnitOfWork port: the SOC registers and the keyed audit chain, one transaction."""

    _begin_immediate = True  # read-then-write (see SqlUnitOfWork)

    groups: GroupStore
    plans: PlanStore
    scpo: ScpoStore
    people: NominalFiling
    audit: AuditLog

    def __init__(self, engine: sa.Engine, signer: AuditSigner | None = None) -> None:
        super().__init__(engine)
        self._signer = signer

    def _bind(self, connection: sa.Connection) -> None:
        self.groups = SqlGroupStore(connection)
        self.plans = SqlPlanStore(connection)
        self.scpo = SqlScpoStore(connection)
        self.people = SqlPeopleStore(connection)  # new members filed in the same transaction
        self.audit = _audit(connection, self._signer)


class SqlArmedUnitOfWork(_SqlTransaction):
    """The ArmedUnitOfWork port: armed deployments and the keyed audit chain."""

    deployments: DeploymentStore
    log: ArmedLog
    audit: AuditLog

    def __init__(
        self, engine: sa.Engine, signer: AuditSigner | None = None, *, immediate: bool = False
    ) -> None:
        super().__init__(engine)
        self._signer = signer
        self._begin_immediate = immediate

    def _bind(self, connection: sa.Connection) -> None:
        self.deployments = SqlDeploymentStore(connection)
        self.log = SqlArmedLog(connection)
        self.audit = _audit(connection, self._signer)
