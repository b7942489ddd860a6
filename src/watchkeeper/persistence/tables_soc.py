"""Tables of the SOC registers (issue 6): OCGs, 4P plans, SCPOs and armed deployments.

Groups, plans and orders are aggregates with their own histories (states, owners,
disruptions, actions, checks, breaches); each is stored whole as a JSON document beside the
columns the registers are queried by, with a version for optimistic updates. Members are
referenced by their nominal-index reference (no foreign key: the nominal index is another
register's). Armed deployments are plain rows, read as columns for the analysis.
"""

from __future__ import annotations

import sqlalchemy as sa

from watchkeeper.persistence.tables import UtcDateTime, metadata

REF = 64

ocg_groups = sa.Table(
    "ocg_groups",
    metadata,
    sa.Column("group_id", sa.String(REF), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("band", sa.String(16), nullable=True),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("lro", sa.String(REF), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Index(None, "state"),
    sa.Index(None, "lro"),
)

ocg_plans = sa.Table(
    "ocg_plans",
    metadata,
    sa.Column("plan_id", sa.String(REF), primary_key=True),
    sa.Column("group_id", sa.String(REF), sa.ForeignKey("ocg_groups.group_id"), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("review_by", UtcDateTime, nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Index(None, "group_id", "created_at"),
)

scpo_considerations = sa.Table(
    "scpo_considerations",
    metadata,
    sa.Column("case_id", sa.String(REF), primary_key=True),
    sa.Column("person_ref", sa.String(128), nullable=False),
    sa.Column("offence", sa.String(128), nullable=False),
    sa.Column("heading", sa.String(64), nullable=False),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("flagged_at", UtcDateTime, nullable=False),
    sa.Column("decision", sa.String(32), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("decided_by", sa.String(REF), nullable=False),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Index(None, "person_ref"),
)

scpo_orders = sa.Table(
    "scpo_orders",
    metadata,
    sa.Column("order_id", sa.String(REF), primary_key=True),
    sa.Column("person_ref", sa.String(128), nullable=False),
    sa.Column("group_id", sa.String(REF), nullable=True),
    sa.Column("court", sa.String(32), nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("monitoring_officer", sa.String(REF), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Index(None, "ends_on"),
    sa.Index(None, "person_ref"),
)

armed_deployments = sa.Table(
    "armed_deployments",
    metadata,
    sa.Column("deployment_id", sa.String(REF), primary_key=True),
    sa.Column("incident_ref", sa.String(REF), nullable=False),
    sa.Column("arv", sa.String(32), nullable=False),
    sa.Column("area", sa.Text, nullable=False),
    sa.Column("call_at", UtcDateTime, nullable=False),
    sa.Column("authorised_at", UtcDateTime, nullable=True),
    sa.Column("dispatched_at", UtcDateTime, nullable=True),
    sa.Column("en_route_at", UtcDateTime, nullable=True),
    sa.Column("arrived_at", UtcDateTime, nullable=True),
    sa.Index(None, "call_at"),
)

TABLE_NAMES = (
    ocg_groups.name,
    ocg_plans.name,
    scpo_considerations.name,
    scpo_orders.name,
    armed_deployments.name,
)
