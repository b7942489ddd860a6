"""Organised crime groups, lead officers, 4P plans, disruptions, SCPOs and armed deployments.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from tables_soc.py: a migration is frozen history.
_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ocg_groups",
        sa.Column("group_id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("band", sa.String(16), nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("lro", sa.String(64), nullable=True),
        sa.Column("created_at", _INSTANT, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("group_id", name="pk_ocg_groups"),
    )
    op.create_index("ix_ocg_groups_state", "ocg_groups", ["state"])
    op.create_index("ix_ocg_groups_lro", "ocg_groups", ["lro"])
    op.create_table(
        "ocg_plans",
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("group_id", sa.String(64), nullable=False),
        sa.Column("created_at", _INSTANT, nullable=False),
        sa.Column("review_by", _INSTANT, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("plan_id", name="pk_ocg_plans"),
        sa.ForeignKeyConstraint(
            ["group_id"], ["ocg_groups.group_id"], name="fk_ocg_plans_group_id_ocg_groups"
        ),
    )
    op.create_index("ix_ocg_plans_group_id_created_at", "ocg_plans", ["group_id", "created_at"])
    op.create_table(
        "scpo_considerations",
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("person_ref", sa.String(128), nullable=False),
        sa.Column("offence", sa.String(128), nullable=False),
        sa.Column("heading", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("flagged_at", _INSTANT, nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", _INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("case_id", name="pk_scpo_considerations"),
    )
    op.create_index("ix_scpo_considerations_person_ref", "scpo_considerations", ["person_ref"])
    op.create_table(
        "scpo_orders",
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("person_ref", sa.String(128), nullable=False),
        sa.Column("group_id", sa.String(64), nullable=True),
        sa.Column("court", sa.String(32), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("monitoring_officer", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("order_id", name="pk_scpo_orders"),
    )
    op.create_index("ix_scpo_orders_ends_on", "scpo_orders", ["ends_on"])
    op.create_index("ix_scpo_orders_person_ref", "scpo_orders", ["person_ref"])
    op.create_table(
        "armed_deployments",
        sa.Column("deployment_id", sa.String(64), nullable=False),
        sa.Column("incident_ref", sa.String(64), nullable=False),
        sa.Column("arv", sa.String(32), nullable=False),
        sa.Column("area", sa.Text, nullable=False),
        sa.Column("call_at", _INSTANT, nullable=False),
        sa.Column("authorised_at", _INSTANT, nullable=True),
        sa.Column("dispatched_at", _INSTANT, nullable=True),
        sa.Column("en_route_at", _INSTANT, nullable=True),
        sa.Column("arrived_at", _INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("deployment_id", name="pk_armed_deployments"),
    )
    op.create_index("ix_armed_deployments_call_at", "armed_deployments", ["call_at"])


def downgrade() -> None:
    op.drop_index("ix_armed_deployments_call_at", table_name="armed_deployments")
    op.drop_table("armed_deployments")
    op.drop_index("ix_scpo_orders_person_ref", table_name="scpo_orders")
    op.drop_index("ix_scpo_orders_ends_on", table_name="scpo_orders")
    op.drop_table("scpo_orders")
    op.drop_index("ix_scpo_considerations_person_ref", table_name="scpo_considerations")
    op.drop_table("scpo_considerations")
    op.drop_index("ix_ocg_plans_group_id_created_at", table_name="ocg_plans")
    op.drop_table("ocg_plans")
    op.drop_index("ix_ocg_groups_lro", table_name="ocg_groups")
    op.drop_index("ix_ocg_groups_state", table_name="ocg_groups")
    op.drop_table("ocg_groups")
