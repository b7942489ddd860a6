"""Indicator definitions: what each indicator means, its unit and its source tables.

This module is the contract between the engines that compute indicators
(``watchkeeper.analytics.indicator_engine``) and the framework, judgements and report that
read them. It is plain Python: the queries themselves live in ``analytics``.

A value whose capability has not landed (its tables are absent) or whose period holds no
rows has status ``no-data`` and ``value=None`` — never zero (issue 7, part 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

Unit = Literal["percent", "minutes", "count", "ratio"]
Capability = Literal["incidents", "safeguarding", "organised_crime", "armed_policing"]
Status = Literal["ok", "no-data"]

UNITS: Final = frozenset({"percent", "minutes", "count", "ratio"})
CAPABILITIES: Final = frozenset({"incidents", "safeguarding", "organised_crime", "armed_policing"})
STATUSES: Final = frozenset({"ok", "no-data"})


@dataclass(frozen=True)
class IndicatorDefinition:
    """One indicator: a stable key, what it means, its unit and where it comes from."""

    key: str
    name: str
    meaning: str
    unit: str  # "percent" | "minutes" | "count" | "ratio"
    higher_is_better: bool
    source_tables: tuple[str, ...]
    capability: str  # "incidents" | "safeguarding" | "organised_crime" | "armed_policing"


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator's value for one period, with the numerator and denominator behind it."""

    key: str
    period_start: datetime
    period_end: datetime
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str  # "ok" | "no-data" (capability not present or no rows in period)
    note: str


_LOG = ("incidents", "incident_entries")

_DEFINITIONS: Final[tuple[IndicatorDefinition, ...]] = (
    # --- incidents: the control-room log (STANDARDS.md 0, 1.3) -------------------------
    IndicatorDefinition(
        "emergency_attendance_within_target",
        "Emergency incidents attended within target",
        "Share of incidents graded emergency and logged in the period whose first arrival met "
        "the force's emergency target (15 min urban / 20 min rural by default). Only "
        "incidents with a recorded arrival count; the note gives how many had none.",
        "percent",
        True,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "priority_attendance_within_target",
        "Priority incidents attended within target",
        "Share of incidents graded priority and logged in the period whose first arrival met "
        "the force's priority target (60 min by default), among those with a recorded "
        "arrival.",
        "percent",
        True,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "emergency_attendance_within_target_vulnerable",
        "Emergency incidents with a vulnerable victim attended within target",
        "As emergency attendance within target, for incidents carrying a vulnerability marker.",
        "percent",
        True,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "priority_attendance_within_target_vulnerable",
        "Priority incidents with a vulnerable victim attended within target",
        "As priority attendance within target, for incidents carrying a vulnerability marker.",
        "percent",
        True,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "emergency_attendance_median_minutes",
        "Median emergency attendance time",
        "Median minutes from logging to first arrival for emergency incidents logged and "
        "attended in the period (forces report medians: STANDARDS.md 1.3).",
        "minutes",
        False,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "priority_attendance_median_minutes",
        "Median priority attendance time",
        "Median minutes from logging to first arrival for priority incidents logged and "
        "attended in the period.",
        "minutes",
        False,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "evidence_at_risk_late_attendance",
        "Late attendance where evidence is at risk",
        "Share of attended emergency and priority incidents marked 'evidence at risk' "
        "(the force profile's evidence marker), logged in the period, attended late.",
        "percent",
        False,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "backlog_open_count",
        "Open incidents at period end",
        "Number of incidents logged by the end of the period and still open at that moment.",
        "count",
        False,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "backlog_age_p50_minutes",
        "Backlog age, median",
        "Median age in minutes, at the end of the period, of the incidents then open.",
        "minutes",
        False,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "backlog_age_p90_minutes",
        "Backlog age, 90th percentile",
        "90th-percentile age in minutes, at the end of the period, of the incidents then open.",
        "minutes",
        False,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "backlog_unreviewed_share",
        "Open incidents never reviewed by a supervisor",
        "Share of incidents open at the end of the period with no backlog review recorded by then.",
        "percent",
        False,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "no_contact_wait_share",
        "Victims left waiting past target without contact",
        "Share of emergency and priority incidents logged in the period, with a deadline "
        "before the period end, that were still open at the deadline with nobody arrived "
        "and no contact with the caller made by then.",
        "percent",
        False,
        _LOG,
        "incidents",
    ),
    IndicatorDefinition(
        "call_999_answered_within_10s",
        "999 calls answered within 10 seconds",
        "Share of 999 calls answered within 10 seconds (national target 90%: STANDARDS.md "
        "1.4). Needs call-answering data; CAD exports do not carry it.",
        "percent",
        True,
        ("call_answering",),
        "incidents",
    ),
    IndicatorDefinition(
        "call_101_mean_answer_minutes",
        "101 calls, mean time to answer",
        "Mean minutes to answer a 101 call (no national standard; WMP's local target was "
        "3 minutes: STANDARDS.md 1.4). Needs call-answering data.",
        "minutes",
        False,
        ("call_answering",),
        "incidents",
    ),
    # --- safeguarding (STANDARDS.md 3-5); tables named here are the expected registers --
    IndicatorDefinition(
        "dash_completion_rate",
        "Domestic abuse cases with a DASH completed",
        "Share of domestic-abuse cases opened in the period whose DASH risk assessment is "
        "completed (not missing or refused).",
        "percent",
        True,
        ("da_cases",),
        "safeguarding",
    ),
    IndicatorDefinition(
        "dash_supervisor_signoff_rate",
        "DASH assessments signed off by a supervisor",
        "Share of domestic-abuse cases opened in the period with a completed DASH that a "
        "supervisor has signed off.",
        "percent",
        True,
        ("da_cases",),
        "safeguarding",
    ),
    IndicatorDefinition(
        "marac_referral_rate_high_risk",
        "High-risk DASH cases referred to MARAC",
        "Share of domestic-abuse cases opened in the period and assessed high risk that "
        "were referred to MARAC.",
        "percent",
        True,
        ("da_cases",),
        "safeguarding",
    ),
    IndicatorDefinition(
        "child_no_apparent_risk_without_rationale",
        "Missing children categorised no-apparent-risk without a rationale",
        "Share of missing-child episodes reported in the period categorised as no apparent "
        "risk (absent) with no recorded rationale.",
        "percent",
        False,
        ("missing_episodes",),
        "safeguarding",
    ),
    IndicatorDefinition(
        "missing_person_reviews_on_time",
        "Missing-person supervisory reviews on time",
        "Share of missing-person supervisory reviews due in the period that were done by "
        "their due time. A review falls due the force's configured interval for the risk "
        "level then current (the report's, or the last review's) after the report or the "
        "previous review; it counts when the due time is in the period and the person had "
        "not been found by then, and is on time when the next review was recorded by it. A "
        "missed review counts once.",
        "percent",
        True,
        ("missing_episodes", "missing_reviews"),
        "safeguarding",
    ),
    IndicatorDefinition(
        "return_home_interviews_within_72h",
        "Return home interviews within 72 hours",
        "Share of missing-child returns in the period with a return home interview within "
        "72 hours (statutory guidance: STANDARDS.md 4).",
        "percent",
        True,
        ("missing_episodes",),
        "safeguarding",
    ),
    IndicatorDefinition(
        "rso_visits_on_time",
        "Registered sex offender visits on time",
        "Share of planned RSO home visits due in the period done by their due date. The "
        "next visit is due the offender's planned interval (months, from the risk "
        "management plan) after registration or the last visit; offenders active and not "
        "reactively managed count (the register keeps the current plan only); a due date "
        "while in custody is not counted. A missed visit counts once.",
        "percent",
        True,
        ("offenders", "offender_visits", "custody_periods"),
        "safeguarding",
    ),
    IndicatorDefinition(
        "rso_notifications_on_time",
        "RSO notifications made on time",
        "Share of s85 periodic re-notifications due in the period made by their due date "
        "(SOA 2003: STANDARDS.md 5): one year after the last initial, change or periodic "
        "notification, or weekly with no fixed abode (configured clocks), while the "
        "offender's notification period runs. The s83/s84/s86 deadlines run from events "
        "the register does not date, so they are not measured here.",
        "percent",
        True,
        ("offenders", "offender_notifications"),
        "safeguarding",
    ),
    IndicatorDefinition(
        "offender_manager_caseload",
        "Registered offenders per offender manager",
        "Active registered offenders per offender manager, as the register holds them now "
        "(it keeps no history of status).",
        "ratio",
        False,
        ("offenders",),
        "safeguarding",
    ),
    # --- serious and organised crime (STANDARDS.md 6-7) -------------------------------
    IndicatorDefinition(
        "ocg_owned_with_current_4p_plan",
        "OCGs with an owner and a current 4P plan",
        "Share of active organised crime groups at period end with a lead responsible "
        "officer and a 4P plan reviewed within the force's review interval.",
        "percent",
        True,
        ("ocg_groups", "ocg_plans"),
        "organised_crime",
    ),
    IndicatorDefinition(
        "lro_caseload",
        "OCGs per lead responsible officer",
        "OCGs in a caseload-counting lifecycle state (organised-crime policy) per lead "
        "responsible officer, groups created by the period end.",
        "ratio",
        False,
        ("ocg_groups",),
        "organised_crime",
    ),
    IndicatorDefinition(
        "lro_weighted_caseload",
        "Band-weighted OCG caseload per lead responsible officer",
        "OCGs in a caseload-counting lifecycle state per lead responsible officer, each "
        "weighted by its threat band with the organised-crime policy's configured band "
        "weights (an unbanded group counts 1), groups created by the period end: the mean "
        "of the caseloads the LRO cap applies to.",
        "ratio",
        False,
        ("ocg_groups",),
        "organised_crime",
    ),
    IndicatorDefinition(
        "scpo_considered_rate",
        "SCPO considered on eligible convictions",
        "Share of eligible serious-crime convictions in the period where a serious crime "
        "prevention order was considered.",
        "percent",
        True,
        ("scpo_considerations",),
        "organised_crime",
    ),
    IndicatorDefinition(
        "scpo_checks_on_schedule",
        "SCPO compliance checks on schedule",
        "Share of SCPO compliance checks due in the period done on schedule: each check is "
        "due the order's check interval after it came into force or after the last check, "
        "and is on schedule when done within the configured grace days of that date; a due "
        "date after the order ends is not counted. A missed check counts once.",
        "percent",
        True,
        ("scpo_orders",),
        "organised_crime",
    ),
    # --- armed policing (STANDARDS.md 8: no national ARV standard, so medians) ---------
    IndicatorDefinition(
        "arv_attendance_median_minutes",
        "Armed-response attendance, median",
        "Median minutes from the call to the first armed response vehicle on scene, per "
        "incident, for incidents called in the period (no national ARV standard exists).",
        "minutes",
        False,
        ("armed_deployments",),
        "armed_policing",
    ),
    IndicatorDefinition(
        "arv_attendance_p90_minutes",
        "Armed-response attendance, 90th percentile",
        "90th-percentile minutes from the call to the first ARV on scene, per incident, "
        "for incidents called in the period.",
        "minutes",
        False,
        ("armed_deployments",),
        "armed_policing",
    ),
)


def registry() -> dict[str, IndicatorDefinition]:
    """Every defined indicator by key, in a stable order."""
    return {d.key: d for d in _DEFINITIONS}
