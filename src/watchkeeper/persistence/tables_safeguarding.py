"""Tables of the nominal index, the safeguarding registers and their duties (issue 5).

Layout, by register:
- people: ``people``, ``person_aliases``, ``addresses``, ``person_addresses``,
  ``record_links`` (person/address <-> incident), ``match_suggestions`` (never merges).
- domestic abuse: ``da_cases``, ``dash_submissions`` (versioned answers), ``marac_referrals``.
- missing persons: ``missing_episodes``, ``missing_reviews``.
- registered offenders: ``offenders``, ``offender_notifications``, ``arms_assessments``,
  ``offender_visits``, ``custody_periods``.
- duties: ``duties`` (projection) and ``duty_events`` (append-only history).

The intake lookup reads by person reference and by address match key only, so each
register is indexed on (person_ref, status) and (address_ref, status) and addresses on
``match_key``: one indexed probe per register, whatever the size of the index.
"""

from __future__ import annotations

import sqlalchemy as sa

from watchkeeper.persistence.tables import UtcDateTime, metadata

REF = 64  # width of every reference column (person, address, case, episode, offender, duty)
WHO = 64  # a username

people = sa.Table(
    "people",
    metadata,
    sa.Column("person_ref", sa.String(REF), primary_key=True),
    sa.Column("given", sa.Text, nullable=False),
    sa.Column("family", sa.Text, nullable=False),
    sa.Column("family_key", sa.String(64), nullable=False),  # Soundex, for candidate search
    sa.Column("date_of_birth", sa.Date, nullable=True),
    # Without a date of birth: the years the person could have been born in (an apparent age).
    sa.Column("born_earliest", sa.Integer, nullable=True),
    sa.Column("born_latest", sa.Integer, nullable=True),
    sa.Column("markers", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index(None, "family_key", "date_of_birth"),
)

person_aliases = sa.Table(
    "person_aliases",
    metadata,
    sa.Column("person_ref", sa.String(REF), sa.ForeignKey("people.person_ref"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("given", sa.Text, nullable=False),
    sa.Column("family", sa.Text, nullable=False),
    sa.Column("family_key", sa.String(64), nullable=False),
    sa.PrimaryKeyConstraint("person_ref", "seq"),
    sa.Index(None, "family_key"),
)

# Every blocking key of every name (people.index.key_strings): the candidate search for
# duplicate suggestions reads the same blocks as the in-memory index (migration 0011).
person_keys = sa.Table(
    "person_keys",
    metadata,
    sa.Column("block_key", sa.String(96), nullable=False),
    sa.Column("person_ref", sa.String(REF), sa.ForeignKey("people.person_ref"), nullable=False),
    sa.PrimaryKeyConstraint("block_key", "person_ref"),
)

addresses = sa.Table(
    "addresses",
    metadata,
    sa.Column("address_ref", sa.String(REF), primary_key=True),
    sa.Column("lines", sa.JSON, nullable=False),
    sa.Column("postcode", sa.String(16), nullable=False),
    # normalise_line of the one-line address: what an incident's location text maps to.
    sa.Column("match_key", sa.String(255), nullable=False),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Index(None, "match_key"),
)

person_addresses = sa.Table(
    "person_addresses",
    metadata,
    sa.Column("person_ref", sa.String(REF), sa.ForeignKey("people.person_ref"), nullable=False),
    sa.Column(
        "address_ref", sa.String(REF), sa.ForeignKey("addresses.address_ref"), nullable=False
    ),
    sa.Column("relation", sa.String(32), nullable=False),  # lives-at, stays-at, works-at
    sa.Column("since", sa.Date, nullable=True),
    sa.PrimaryKeyConstraint("person_ref", "address_ref", "relation"),
    sa.Index(None, "address_ref"),
)

record_links = sa.Table(
    "record_links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.String(64), nullable=False),
    sa.Column("person_ref", sa.String(REF), nullable=True),
    sa.Column("address_ref", sa.String(REF), nullable=True),
    sa.Column("role", sa.String(32), nullable=False),  # victim, suspect, missing, location
    sa.Column("linked_by", sa.String(WHO), nullable=False),
    sa.Column("linked_at", UtcDateTime, nullable=False),
    sa.Index(None, "incident_id"),
    sa.Index(None, "person_ref"),
    sa.Index(None, "address_ref"),
)

match_suggestions = sa.Table(
    "match_suggestions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("left_ref", sa.String(REF), nullable=False),
    sa.Column("right_ref", sa.String(REF), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reasons", sa.JSON, nullable=False),
    sa.Column("suggested_at", UtcDateTime, nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),  # pending, same-person, different
    sa.Column("decided_by", sa.String(WHO), nullable=True),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("rationale", sa.Text, nullable=True),
    sa.UniqueConstraint("left_ref", "right_ref"),
    sa.Index(None, "decision"),
)

# --- domestic abuse --------------------------------------------------------------------

da_cases = sa.Table(
    "da_cases",
    metadata,
    sa.Column("case_ref", sa.String(REF), primary_key=True),
    sa.Column("victim_ref", sa.String(REF), nullable=False),
    sa.Column("perpetrator_ref", sa.String(REF), nullable=True),
    sa.Column("address_ref", sa.String(REF), nullable=True),
    sa.Column("incident_id", sa.String(64), nullable=True),
    sa.Column("opened_at", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # open, closed
    sa.Column("dash_status", sa.String(32), nullable=False),  # none, completed, refused-...
    sa.Column("refusal_reason", sa.Text, nullable=True),
    sa.Column("actuarial_level", sa.String(16), nullable=True),
    sa.Column("risk_level", sa.String(16), nullable=True),
    sa.Column("judgement_rationale", sa.Text, nullable=True),
    sa.Column("judgement_by", sa.String(WHO), nullable=True),
    sa.Column("assessed_by", sa.String(WHO), nullable=True),
    sa.Column("signed_off_by", sa.String(WHO), nullable=True),
    sa.Column("signed_off_at", UtcDateTime, nullable=True),
    sa.Column("marac_referred_on", sa.Date, nullable=True),
    sa.Column("closed_at", UtcDateTime, nullable=True),
    sa.Index(None, "victim_ref", "status"),
    sa.Index(None, "address_ref", "status"),
    sa.Index(None, "incident_id"),
    sa.Index(None, "status", "opened_at"),  # the register's list, longest open first
)

dash_submissions = sa.Table(
    "dash_submissions",
    metadata,
    sa.Column("case_ref", sa.String(REF), sa.ForeignKey("da_cases.case_ref"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("form_id", sa.String(64), nullable=False),
    sa.Column("form_version", sa.String(32), nullable=False),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("yes_count", sa.Integer, nullable=False),
    sa.Column("submitted_by", sa.String(WHO), nullable=False),
    sa.Column("submitted_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("case_ref", "seq"),
)

marac_referrals = sa.Table(
    "marac_referrals",
    metadata,
    sa.Column("case_ref", sa.String(REF), sa.ForeignKey("da_cases.case_ref"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("victim_ref", sa.String(REF), nullable=False),
    sa.Column("referred_on", sa.Date, nullable=False),
    sa.Column("criteria", sa.JSON, nullable=False),
    sa.Column("prefill", sa.JSON, nullable=False),  # the referral as pre-filled, never re-typed
    sa.Column("referred_by", sa.String(WHO), nullable=False),
    sa.Column("referred_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("case_ref", "seq"),
    sa.Index(None, "victim_ref", "referred_on"),
)

# --- missing persons -------------------------------------------------------------------

missing_episodes = sa.Table(
    "missing_episodes",
    metadata,
    sa.Column("episode_ref", sa.String(REF), primary_key=True),
    sa.Column("person_ref", sa.String(REF), nullable=False),
    sa.Column("address_ref", sa.String(REF), nullable=True),
    sa.Column("incident_id", sa.String(64), nullable=True),
    sa.Column("reported_at", UtcDateTime, nullable=False),
    sa.Column("date_of_birth", sa.Date, nullable=False),
    sa.Column("is_child", sa.Boolean, nullable=False),
    sa.Column("looked_after", sa.Boolean, nullable=False),
    sa.Column("markers", sa.JSON, nullable=False),
    sa.Column("initial_risk", sa.String(32), nullable=False),
    sa.Column("risk", sa.String(32), nullable=False),
    sa.Column("call_answers", sa.JSON, nullable=False),
    sa.Column("supervisor_rationale", sa.Text, nullable=True),
    sa.Column("found_at", UtcDateTime, nullable=True),
    sa.Column("safe_and_well_at", UtcDateTime, nullable=True),
    sa.Column("rhi_offered_at", UtcDateTime, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),  # open, closed
    sa.Column("reported_by", sa.String(WHO), nullable=False),
    sa.Index(None, "person_ref", "status"),
    sa.Index(None, "address_ref", "status"),
    sa.Index(None, "status", "reported_at"),  # the register's list, earliest reported first
)

missing_reviews = sa.Table(
    "missing_reviews",
    metadata,
    sa.Column(
        "episode_ref", sa.String(REF), sa.ForeignKey("missing_episodes.episode_ref"), nullable=False
    ),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("by", sa.String(WHO), nullable=False),
    sa.Column("level", sa.String(32), nullable=False),
    sa.Column("rationale", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("episode_ref", "seq"),
)

# --- registered offenders --------------------------------------------------------------

offenders = sa.Table(
    "offenders",
    metadata,
    sa.Column("offender_ref", sa.String(REF), primary_key=True),
    sa.Column("person_ref", sa.String(REF), nullable=False),
    sa.Column("address_ref", sa.String(REF), nullable=True),
    sa.Column("manager_ref", sa.String(WHO), nullable=False),
    sa.Column("registered_on", sa.Date, nullable=False),
    sa.Column("notification_ends_on", sa.Date, nullable=True),  # None: indefinite
    sa.Column("risk_level", sa.String(16), nullable=False),
    sa.Column("mappa_category", sa.Integer, nullable=False),
    sa.Column("mappa_level", sa.Integer, nullable=False),
    sa.Column("no_fixed_abode", sa.Boolean, nullable=False),
    sa.Column("reactive", sa.Boolean, nullable=False),
    sa.Column("visit_interval_months", sa.Integer, nullable=False),
    sa.Column("visit_basis", sa.Text, nullable=False),
    sa.Column("visit_rationale", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # active, ended
    sa.Index(None, "address_ref", "status"),
    sa.Index(None, "person_ref", "status"),
    sa.Index(None, "manager_ref", "status"),
    sa.Index(None, "status", "offender_ref"),  # the register's list
)

offender_notifications = sa.Table(
    "offender_notifications",
    metadata,
    sa.Column(
        "offender_ref", sa.String(REF), sa.ForeignKey("offenders.offender_ref"), nullable=False
    ),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("notified_on", sa.Date, nullable=False),
    sa.Column("recorded_by", sa.String(WHO), nullable=False),
    # s86 travel notices only (migration 0009): the plan the rule checks the notice against
    sa.Column("departs_on", sa.Date, nullable=True),
    sa.Column("returns_on", sa.Date, nullable=True),
    sa.Column("destination", sa.String(200), nullable=True),
    sa.PrimaryKeyConstraint("offender_ref", "seq"),
)

arms_assessments = sa.Table(
    "arms_assessments",
    metadata,
    sa.Column(
        "offender_ref", sa.String(REF), sa.ForeignKey("offenders.offender_ref"), nullable=False
    ),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("assessed_on", sa.Date, nullable=False),
    sa.Column("version", sa.String(32), nullable=False),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("by", sa.String(WHO), nullable=False),
    sa.PrimaryKeyConstraint("offender_ref", "seq"),
)

offender_visits = sa.Table(
    "offender_visits",
    metadata,
    sa.Column(
        "offender_ref", sa.String(REF), sa.ForeignKey("offenders.offender_ref"), nullable=False
    ),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("visited_on", sa.Date, nullable=False),
    sa.Column("by", sa.String(WHO), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("offender_ref", "seq"),
)

custody_periods = sa.Table(
    "custody_periods",
    metadata,
    sa.Column(
        "offender_ref", sa.String(REF), sa.ForeignKey("offenders.offender_ref"), nullable=False
    ),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=True),
    sa.PrimaryKeyConstraint("offender_ref", "seq"),
)

# Review triggers and risk reviews of an offender (migration 0010, STANDARDS.md 5.2).
offender_risk_events = sa.Table(
    "offender_risk_events",
    metadata,
    sa.Column(
        "offender_ref", sa.String(REF), sa.ForeignKey("offenders.offender_ref"), nullable=False
    ),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # trigger, review
    sa.Column("name", sa.String(64), nullable=False),  # the trigger key or review outcome
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("by", sa.String(WHO), nullable=False),
    sa.PrimaryKeyConstraint("offender_ref", "seq"),
)

# --- duties ----------------------------------------------------------------------------

duties = sa.Table(
    "duties",
    metadata,
    sa.Column("duty_id", sa.String(REF), primary_key=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("subject_ref", sa.String(REF), nullable=False),
    sa.Column("owner", sa.String(WHO), nullable=False),
    sa.Column("supervisor", sa.String(WHO), nullable=False),
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("escalate_after_seconds", sa.Integer, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("is_open", sa.Boolean, nullable=False),
    sa.Index(None, "owner", "is_open", "due_at"),
    sa.Index(None, "supervisor", "is_open", "due_at"),
    sa.Index(None, "subject_ref", "is_open"),
    sa.Index(None, "is_open", "due_at"),
)

duty_events = sa.Table(
    "duty_events",
    metadata,
    sa.Column("duty_id", sa.String(REF), sa.ForeignKey("duties.duty_id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("by", sa.String(WHO), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("owner", sa.String(WHO), nullable=False),
    sa.Column("supervisor", sa.String(WHO), nullable=False),
    sa.Column("due_at", UtcDateTime, nullable=True),
    sa.PrimaryKeyConstraint("duty_id", "seq"),
)

TABLE_NAMES = tuple(
    t.name
    for t in (
        people, person_aliases, person_keys, addresses, person_addresses, record_links,
        match_suggestions, da_cases, dash_submissions, marac_referrals, missing_episodes, missing_reviews,
        offenders, offender_notifications, arms_assessments, offender_visits, custody_periods,
        offender_risk_events, duties, duty_events,
    )
)  # fmt: skip
