"""People, addresses and the safeguarding registers with their duties (issue 5).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from tables_safeguarding.py: a migration is frozen history.
_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "addresses",
        sa.Column("address_ref", sa.String(length=64), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("postcode", sa.String(length=16), nullable=False),
        sa.Column("match_key", sa.String(length=255), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("address_ref", name=op.f("pk_addresses")),
    )
    op.create_index(op.f("ix_addresses_match_key"), "addresses", ["match_key"], unique=False)
    op.create_table(
        "da_cases",
        sa.Column("case_ref", sa.String(length=64), nullable=False),
        sa.Column("victim_ref", sa.String(length=64), nullable=False),
        sa.Column("perpetrator_ref", sa.String(length=64), nullable=True),
        sa.Column("address_ref", sa.String(length=64), nullable=True),
        sa.Column("incident_id", sa.String(length=64), nullable=True),
        sa.Column("opened_at", _INSTANT, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("dash_status", sa.String(length=32), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("actuarial_level", sa.String(length=16), nullable=True),
        sa.Column("risk_level", sa.String(length=16), nullable=True),
        sa.Column("judgement_rationale", sa.Text(), nullable=True),
        sa.Column("judgement_by", sa.String(length=64), nullable=True),
        sa.Column("assessed_by", sa.String(length=64), nullable=True),
        sa.Column("signed_off_by", sa.String(length=64), nullable=True),
        sa.Column("signed_off_at", _INSTANT, nullable=True),
        sa.Column("marac_referred_on", sa.Date(), nullable=True),
        sa.Column("closed_at", _INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("case_ref", name=op.f("pk_da_cases")),
    )
    op.create_index(
        op.f("ix_da_cases_address_ref_status"), "da_cases", ["address_ref", "status"], unique=False
    )
    op.create_index(op.f("ix_da_cases_incident_id"), "da_cases", ["incident_id"], unique=False)
    op.create_index(
        op.f("ix_da_cases_victim_ref_status"), "da_cases", ["victim_ref", "status"], unique=False
    )
    op.create_table(
        "duties",
        sa.Column("duty_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject_ref", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("supervisor", sa.String(length=64), nullable=False),
        sa.Column("due_at", _INSTANT, nullable=False),
        sa.Column("escalate_after_seconds", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("duty_id", name=op.f("pk_duties")),
    )
    op.create_index(op.f("ix_duties_is_open_due_at"), "duties", ["is_open", "due_at"], unique=False)
    op.create_index(
        op.f("ix_duties_owner_is_open_due_at"),
        "duties",
        ["owner", "is_open", "due_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_duties_subject_ref_is_open"), "duties", ["subject_ref", "is_open"], unique=False
    )
    op.create_index(
        op.f("ix_duties_supervisor_is_open_due_at"),
        "duties",
        ["supervisor", "is_open", "due_at"],
        unique=False,
    )
    op.create_table(
        "match_suggestions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("left_ref", sa.String(length=64), nullable=False),
        sa.Column("right_ref", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("suggested_at", _INSTANT, nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", _INSTANT, nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_suggestions")),
        sa.UniqueConstraint(
            "left_ref", "right_ref", name=op.f("uq_match_suggestions_left_ref_right_ref")
        ),
    )
    op.create_index(
        op.f("ix_match_suggestions_decision"), "match_suggestions", ["decision"], unique=False
    )
    op.create_table(
        "missing_episodes",
        sa.Column("episode_ref", sa.String(length=64), nullable=False),
        sa.Column("person_ref", sa.String(length=64), nullable=False),
        sa.Column("address_ref", sa.String(length=64), nullable=True),
        sa.Column("incident_id", sa.String(length=64), nullable=True),
        sa.Column("reported_at", _INSTANT, nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("is_child", sa.Boolean(), nullable=False),
        sa.Column("looked_after", sa.Boolean(), nullable=False),
        sa.Column("markers", sa.JSON(), nullable=False),
        sa.Column("initial_risk", sa.String(length=32), nullable=False),
        sa.Column("risk", sa.String(length=32), nullable=False),
        sa.Column("call_answers", sa.JSON(), nullable=False),
        sa.Column("supervisor_rationale", sa.Text(), nullable=True),
        sa.Column("found_at", _INSTANT, nullable=True),
        sa.Column("safe_and_well_at", _INSTANT, nullable=True),
        sa.Column("rhi_offered_at", _INSTANT, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("episode_ref", name=op.f("pk_missing_episodes")),
    )
    op.create_index(
        op.f("ix_missing_episodes_address_ref_status"),
        "missing_episodes",
        ["address_ref", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_missing_episodes_person_ref_status"),
        "missing_episodes",
        ["person_ref", "status"],
        unique=False,
    )
    op.create_table(
        "offenders",
        sa.Column("offender_ref", sa.String(length=64), nullable=False),
        sa.Column("person_ref", sa.String(length=64), nullable=False),
        sa.Column("address_ref", sa.String(length=64), nullable=True),
        sa.Column("manager_ref", sa.String(length=64), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("notification_ends_on", sa.Date(), nullable=True),
        sa.Column("risk_level", sa.String(length=16), nullable=False),
        sa.Column("mappa_category", sa.Integer(), nullable=False),
        sa.Column("mappa_level", sa.Integer(), nullable=False),
        sa.Column("no_fixed_abode", sa.Boolean(), nullable=False),
        sa.Column("reactive", sa.Boolean(), nullable=False),
        sa.Column("visit_interval_months", sa.Integer(), nullable=False),
        sa.Column("visit_basis", sa.Text(), nullable=False),
        sa.Column("visit_rationale", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("offender_ref", name=op.f("pk_offenders")),
    )
    op.create_index(
        op.f("ix_offenders_address_ref_status"),
        "offenders",
        ["address_ref", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_offenders_manager_ref_status"),
        "offenders",
        ["manager_ref", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_offenders_person_ref_status"), "offenders", ["person_ref", "status"], unique=False
    )
    op.create_table(
        "people",
        sa.Column("person_ref", sa.String(length=64), nullable=False),
        sa.Column("given", sa.Text(), nullable=False),
        sa.Column("family", sa.Text(), nullable=False),
        sa.Column("family_key", sa.String(length=64), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("markers", sa.JSON(), nullable=False),
        sa.Column("created_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("person_ref", name=op.f("pk_people")),
    )
    op.create_index(
        op.f("ix_people_family_key_date_of_birth"),
        "people",
        ["family_key", "date_of_birth"],
        unique=False,
    )
    op.create_table(
        "record_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("person_ref", sa.String(length=64), nullable=True),
        sa.Column("address_ref", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.Column("linked_at", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_links")),
    )
    op.create_index(
        op.f("ix_record_links_address_ref"), "record_links", ["address_ref"], unique=False
    )
    op.create_index(
        op.f("ix_record_links_incident_id"), "record_links", ["incident_id"], unique=False
    )
    op.create_index(
        op.f("ix_record_links_person_ref"), "record_links", ["person_ref"], unique=False
    )
    op.create_table(
        "arms_assessments",
        sa.Column("offender_ref", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["offender_ref"],
            ["offenders.offender_ref"],
            name=op.f("fk_arms_assessments_offender_ref_offenders"),
        ),
        sa.PrimaryKeyConstraint("offender_ref", "seq", name=op.f("pk_arms_assessments")),
    )
    op.create_table(
        "custody_periods",
        sa.Column("offender_ref", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["offender_ref"],
            ["offenders.offender_ref"],
            name=op.f("fk_custody_periods_offender_ref_offenders"),
        ),
        sa.PrimaryKeyConstraint("offender_ref", "seq", name=op.f("pk_custody_periods")),
    )
    op.create_table(
        "dash_submissions",
        sa.Column("case_ref", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("form_version", sa.String(length=32), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("yes_count", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", _INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_ref"], ["da_cases.case_ref"], name=op.f("fk_dash_submissions_case_ref_da_cases")
        ),
        sa.PrimaryKeyConstraint("case_ref", "seq", name=op.f("pk_dash_submissions")),
    )
    op.create_table(
        "duty_events",
        sa.Column("duty_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", _INSTANT, nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("supervisor", sa.String(length=64), nullable=False),
        sa.Column("due_at", _INSTANT, nullable=True),
        sa.ForeignKeyConstraint(
            ["duty_id"], ["duties.duty_id"], name=op.f("fk_duty_events_duty_id_duties")
        ),
        sa.PrimaryKeyConstraint("duty_id", "seq", name=op.f("pk_duty_events")),
    )
    op.create_table(
        "marac_referrals",
        sa.Column("case_ref", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("victim_ref", sa.String(length=64), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("prefill", sa.JSON(), nullable=False),
        sa.Column("referred_by", sa.String(length=64), nullable=False),
        sa.Column("referred_at", _INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_ref"], ["da_cases.case_ref"], name=op.f("fk_marac_referrals_case_ref_da_cases")
        ),
        sa.PrimaryKeyConstraint("case_ref", "seq", name=op.f("pk_marac_referrals")),
    )
    op.create_index(
        op.f("ix_marac_referrals_victim_ref_referred_on"),
        "marac_referrals",
        ["victim_ref", "referred_on"],
        unique=False,
    )
    op.create_table(
        "missing_reviews",
        sa.Column("episode_ref", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", _INSTANT, nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_ref"],
            ["missing_episodes.episode_ref"],
            name=op.f("fk_missing_reviews_episode_ref_missing_episodes"),
        ),
        sa.PrimaryKeyConstraint("episode_ref", "seq", name=op.f("pk_missing_reviews")),
    )
    op.create_table(
        "offender_notifications",
        sa.Column("offender_ref", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["offender_ref"],
            ["offenders.offender_ref"],
            name=op.f("fk_offender_notifications_offender_ref_offenders"),
        ),
        sa.PrimaryKeyConstraint("offender_ref", "seq", name=op.f("pk_offender_notifications")),
    )
    op.create_table(
        "offender_visits",
        sa.Column("offender_ref", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offender_ref"],
            ["offenders.offender_ref"],
            name=op.f("fk_offender_visits_offender_ref_offenders"),
        ),
        sa.PrimaryKeyConstraint("offender_ref", "seq", name=op.f("pk_offender_visits")),
    )
    op.create_table(
        "person_addresses",
        sa.Column("person_ref", sa.String(length=64), nullable=False),
        sa.Column("address_ref", sa.String(length=64), nullable=False),
        sa.Column("relation", sa.String(length=32), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["address_ref"],
            ["addresses.address_ref"],
            name=op.f("fk_person_addresses_address_ref_addresses"),
        ),
        sa.ForeignKeyConstraint(
            ["person_ref"],
            ["people.person_ref"],
            name=op.f("fk_person_addresses_person_ref_people"),
        ),
        sa.PrimaryKeyConstraint(
            "person_ref", "address_ref", "relation", name=op.f("pk_person_addresses")
        ),
    )
    op.create_index(
        op.f("ix_person_addresses_address_ref"), "person_addresses", ["address_ref"], unique=False
    )
    op.create_table(
        "person_aliases",
        sa.Column("person_ref", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("given", sa.Text(), nullable=False),
        sa.Column("family", sa.Text(), nullable=False),
        sa.Column("family_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_ref"], ["people.person_ref"], name=op.f("fk_person_aliases_person_ref_people")
        ),
        sa.PrimaryKeyConstraint("person_ref", "seq", name=op.f("pk_person_aliases")),
    )
    op.create_index(
        op.f("ix_person_aliases_family_key"), "person_aliases", ["family_key"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_person_aliases_family_key"), table_name="person_aliases")
    op.drop_table("person_aliases")
    op.drop_index(op.f("ix_person_addresses_address_ref"), table_name="person_addresses")
    op.drop_table("person_addresses")
    op.drop_table("offender_visits")
    op.drop_table("offender_notifications")
    op.drop_table("missing_reviews")
    op.drop_index(op.f("ix_marac_referrals_victim_ref_referred_on"), table_name="marac_referrals")
    op.drop_table("marac_referrals")
    op.drop_table("duty_events")
    op.drop_table("dash_submissions")
    op.drop_table("custody_periods")
    op.drop_table("arms_assessments")
    op.drop_index(op.f("ix_record_links_person_ref"), table_name="record_links")
    op.drop_index(op.f("ix_record_links_incident_id"), table_name="record_links")
    op.drop_index(op.f("ix_record_links_address_ref"), table_name="record_links")
    op.drop_table("record_links")
    op.drop_index(op.f("ix_people_family_key_date_of_birth"), table_name="people")
    op.drop_table("people")
    op.drop_index(op.f("ix_offenders_person_ref_status"), table_name="offenders")
    op.drop_index(op.f("ix_offenders_manager_ref_status"), table_name="offenders")
    op.drop_index(op.f("ix_offenders_address_ref_status"), table_name="offenders")
    op.drop_table("offenders")
    op.drop_index(op.f("ix_missing_episodes_person_ref_status"), table_name="missing_episodes")
    op.drop_index(op.f("ix_missing_episodes_address_ref_status"), table_name="missing_episodes")
    op.drop_table("missing_episodes")
    op.drop_index(op.f("ix_match_suggestions_decision"), table_name="match_suggestions")
    op.drop_table("match_suggestions")
    op.drop_index(op.f("ix_duties_supervisor_is_open_due_at"), table_name="duties")
    op.drop_index(op.f("ix_duties_subject_ref_is_open"), table_name="duties")
    op.drop_index(op.f("ix_duties_owner_is_open_due_at"), table_name="duties")
    op.drop_index(op.f("ix_duties_is_open_due_at"), table_name="duties")
    op.drop_table("duties")
    op.drop_index(op.f("ix_da_cases_victim_ref_status"), table_name="da_cases")
    op.drop_index(op.f("ix_da_cases_incident_id"), table_name="da_cases")
    op.drop_index(op.f("ix_da_cases_address_ref_status"), table_name="da_cases")
    op.drop_table("da_cases")
    op.drop_index(op.f("ix_addresses_match_key"), table_name="addresses")
    op.drop_table("addresses")
