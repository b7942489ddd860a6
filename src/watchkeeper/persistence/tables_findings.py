"""Tables of the findings register (issue 7): published findings and status decisions.

``findings`` holds each published finding (its status is a projection of the decisions);
``finding_decisions`` is the append-only history of recorded human decisions, each with
the stated evidence period and the indicator values it rested on.
"""

from __future__ import annotations

import sqlalchemy as sa

from watchkeeper.persistence.tables import UtcDateTime, metadata

REF = 64

findings = sa.Table(
    "findings",
    metadata,
    sa.Column("ref", sa.String(REF), primary_key=True),
    sa.Column("force", sa.String(64), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("inspection", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("question", sa.String(64), nullable=False),
    sa.Column("paraphrase", sa.Text, nullable=False),
    sa.Column("public_reference", sa.Text, nullable=False),
    sa.Column("published", sa.Date, nullable=False),
    sa.Column("owner", sa.Text, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("indicators", sa.JSON, nullable=False),
    sa.Column("parent", sa.String(REF), nullable=True),
    sa.Column("imported_at", UtcDateTime, nullable=False),
    sa.Index(None, "force", "year"),
)

finding_decisions = sa.Table(
    "finding_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("finding_ref", sa.String(REF), sa.ForeignKey("findings.ref"), nullable=False),
    sa.Column("from_status", sa.String(32), nullable=False),
    sa.Column("to_status", sa.String(32), nullable=False),
    sa.Column("decided_by", sa.String(64), nullable=False),
    sa.Column("decided_at", UtcDateTime, nullable=False),
    sa.Column("rationale", sa.Text, nullable=False),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("period_start", UtcDateTime, nullable=False),
    sa.Column("period_end", UtcDateTime, nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Index(None, "finding_ref", "decided_at"),
)

TABLE_NAMES = (findings.name, finding_decisions.name)
