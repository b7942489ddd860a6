"""Registered sex offenders: SOA 2003 notification clocks, ARMS, MAPPA, visits, caseloads.

Every period is configuration (``OffenderPolicy``) citing the Act or regulations; due dates
are calendar dates in the force's time zone (STANDARDS.md 5).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.safeguarding.policy import (
    NotificationClock,
    OffenderPolicy,
    SafeguardingPolicy,
    months_after,
)


class RsoRisk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very-high"

    @property
    def config_key(self) -> str:
        return self.value.replace("-", "_")


class Disposal(StrEnum):
    LIFE_OR_IPP = "life-or-ipp"
    CUSTODY = "custody"
    HOSPITAL_RESTRICTED = "hospital-restricted"
    HOSPITAL_UNRESTRICTED = "hospital-unrestricted"
    CAUTION = "caution"
    CONDITIONAL_DISCHARGE = "conditional-discharge"
    OTHER = "other"


class NotificationKind(StrEnum):
    INITIAL = "initial"  # s83
    CHANGE = "change"  # s84
    PERIODIC = "periodic"  # s85: annual, or weekly with no fixed abode
    TRAVEL = "travel"  # s86 and SI 2004/1220 as amended


@dataclass(frozen=True, slots=True)
class NotificationPeriod:
    indefinite: bool
    months: int | None
    ends_on: date | None


@dataclass(frozen=True, slots=True)
class TravelPlan:
    """What an s86 foreign-travel notice gives: when the offender leaves, returns, and where."""

    departs_on: date
    returns_on: date | None
    destination: str


@dataclass(frozen=True, slots=True)
class Notification:
    kind: NotificationKind
    on: date
    travel: TravelPlan | None = None  # the plan of a travel notice (older rows may lack it)


# --- notification period (s82) ---------------------------------------------------------


def _period_months(
    disposal: Disposal, length_months: int | None, policy: OffenderPolicy
) -> tuple[int | None, bool]:
    """(months, halvable) for a disposal; None months means indefinite."""
    p = policy.periods
    if disposal is Disposal.CUSTODY:
        if length_months is None or length_months < 1:
            raise InputError("a custodial disposal needs its length in months")
        if length_months >= p.indefinite_custody_from_months:
            return None, False
        if length_months > p.longer_custody_over_months:
            return p.longer_custody_period_months, True
        return p.shorter_custody_period_months, True
    if disposal is Disposal.CONDITIONAL_DISCHARGE:
        if length_months is None or length_months < 1:
            raise InputError("a conditional discharge needs its length in months")
        return length_months, False  # s82(2) halves only the 10/7/5/2-year periods
    fixed = {
        Disposal.LIFE_OR_IPP: None,
        Disposal.HOSPITAL_RESTRICTED: None,
        Disposal.HOSPITAL_UNRESTRICTED: p.hospital_without_restriction_period_months,
        Disposal.CAUTION: p.caution_period_months,
        Disposal.OTHER: p.other_period_months,
    }[disposal]
    return fixed, fixed is not None


def notification_period(
    disposal: Disposal,
    relevant_date: date,
    under_18_on_relevant_date: bool,
    policy: OffenderPolicy,
    length_months: int | None = None,
) -> NotificationPeriod:
    """The s82 notification period and, when fixed, the date it ends."""
    months, halvable = _period_months(disposal, length_months, policy)
    if months is None:
        return NotificationPeriod(True, None, None)
    if halvable and under_18_on_relevant_date and policy.periods.halve_under_18:
        months //= 2  # 10/7/5/2 years are all whole numbers of months when halved
    return NotificationPeriod(False, months, months_after(relevant_date, months))


# --- notification clocks (s83-s86) -----------------------------------------------------


def _clock_due(event_day: date, clock: NotificationClock) -> date:
    # "within the period of 3 days beginning with" the event: the event day is day 1.
    offset = clock.days - 1 if clock.counting == "beginning-with" else clock.days
    return event_day + timedelta(days=offset)


def initial_notification_due(relevant: date | datetime, policy: SafeguardingPolicy) -> date:
    """Last day for the s83 initial notification."""
    return _clock_due(policy.calendar_date(relevant), policy.offenders.initial)


def change_notification_due(changed: date | datetime, policy: SafeguardingPolicy) -> date:
    """Last day to notify an s84 change (name, address, qualifying stay, release)."""
    return _clock_due(policy.calendar_date(changed), policy.offenders.change)


def travel_notification_due(departure: date | datetime, policy: SafeguardingPolicy) -> date:
    """Last day to notify foreign travel: at least N days before departure."""
    days = policy.offenders.travel_days_before
    return policy.calendar_date(departure) - timedelta(days=days)


MAX_DESTINATION = 200


def travel_plan(departs_on: date, returns_on: date | None, destination: str) -> TravelPlan:
    """A validated travel plan: a destination, and no return before the departure."""
    where = destination.strip()
    if not where:
        raise InputError("a foreign-travel notice needs its destination (field: destination)")
    if len(where) > MAX_DESTINATION:
        raise InputError(
            f"destination is longer than {MAX_DESTINATION} characters (field: destination)"
        )
    if returns_on is not None and returns_on < departs_on:
        raise InputError(
            f"return {returns_on} is before departure {departs_on} (field: returns_on)"
        )
    return TravelPlan(departs_on, returns_on, where)


@dataclass(frozen=True, slots=True)
class TravelNoticeCheck:
    """Whether a foreign-travel notice was given the configured days ahead (s86)."""

    notified_on: date
    departs_on: date
    due_by: date  # the last day the notice could be given in time
    days_ahead: int  # whole days from the notice to the departure (negative: after leaving)
    required_days: int
    on_time: bool

    @property
    def message(self) -> str:
        if self.on_time:
            return (
                f"travel notice in time: given {self.days_ahead} days before departure on "
                f"{self.departs_on} (at least {self.required_days} required)"
            )
        return (
            f"travel-notice-late: given {self.notified_on}, {self.days_ahead} days before "
            f"departure on {self.departs_on}; it was due by {self.due_by} (at least "
            f"{self.required_days} days ahead, SOA 2003 s86 and SI 2004/1220 as amended 2012)"
        )


def check_travel_notice(
    notified_on: date, plan: TravelPlan, policy: SafeguardingPolicy
) -> TravelNoticeCheck:
    """Check one s86 notice against the configured 'at least N days before departure'."""
    due_by = travel_notification_due(plan.departs_on, policy)
    return TravelNoticeCheck(
        notified_on,
        plan.departs_on,
        due_by,
        (plan.departs_on - notified_on).days,
        policy.offenders.travel_days_before,
        notified_on <= due_by,
    )


def late_travel_notices(
    notifications: Iterable[Notification], policy: SafeguardingPolicy
) -> tuple[TravelNoticeCheck, ...]:
    """Every recorded travel notice given later than the rule allows, oldest first."""
    checks = (
        check_travel_notice(n.on, n.travel, policy)
        for n in notifications
        if n.kind is NotificationKind.TRAVEL and n.travel is not None
    )
    return tuple(sorted((c for c in checks if not c.on_time), key=lambda c: c.notified_on))


def periodic_notification_due(
    notifications: Sequence[Notification], no_fixed_abode: bool, policy: SafeguardingPolicy
) -> date:
    """The s85 re-notification date: one year (or weekly, no fixed abode) after the last.

    Any s83, s84 or s85 notification restarts the clock (s85(2)); travel notices do not.
    """
    restarting = [n.on for n in notifications if n.kind is not NotificationKind.TRAVEL]
    if not restarting:
        raise InputError("no initial, change or periodic notification is recorded yet")
    last = max(restarting)
    if no_fixed_abode:
        return _clock_due(last, policy.offenders.no_fixed_abode)
    return months_after(last, 12 * policy.offenders.annual_years)


def is_breached(due_on: date, notified_on: date | None, today: date) -> bool:
    """A notification is breached once its last day passes without it."""
    if notified_on is not None:
        return notified_on > due_on
    return today > due_on


# --- assessment, MAPPA, visits ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArmsAssessment:
    assessed_on: date
    version: str  # the ARMS version used (STANDARDS.md 5.2 design note)
    level: RsoRisk
    by: str


@dataclass(frozen=True, slots=True)
class Mappa:
    """MAPPA category (1-3) and management level (1-3), CJA 2003 ss325-327B."""

    category: int
    level: int

    def __post_init__(self) -> None:
        for name, value in (("category", self.category), ("level", self.level)):
            if value not in (1, 2, 3):
                raise InputError(f"MAPPA {name} must be 1, 2 or 3, got {value!r}")


@dataclass(frozen=True, slots=True)
class VisitPlan:
    """Visit frequency is a plan field (NPCC, 29 Jun 2017), not derived from the category."""

    interval_months: int
    basis: str
    rationale: str


def template_visit_plan(level: RsoRisk, policy: SafeguardingPolicy) -> VisitPlan:
    """The pre-29-Jun-2017 category frequency, offered only as a starting template."""
    source = policy.provenance("offenders.visit_template").source
    months = policy.offenders.visit_template_months[level.config_key]
    return VisitPlan(months, f"template: {source}", f"default for {level} risk; review it")


def individual_visit_plan(interval_months: int, rationale: str) -> VisitPlan:
    if interval_months < 1:
        raise InputError("a visit interval must be at least one month")
    if not rationale.strip():
        raise InputError("an individual visit plan needs a recorded rationale")
    return VisitPlan(interval_months, "individual risk management plan", rationale.strip())


def next_visit_due(plan: VisitPlan, last_visit: date) -> date:
    return months_after(last_visit, plan.interval_months)


@dataclass(frozen=True, slots=True)
class CustodyPeriod:
    start: date
    end: date | None  # None while still in custody


def check_visit(offender_ref: str, visit_on: date, custody: Iterable[CustodyPeriod]) -> None:
    """Refuse a home visit dated while the offender is in custody."""
    for period in custody:
        if period.start <= visit_on and (period.end is None or visit_on <= period.end):
            raise DomainRuleViolation(
                f"offender {offender_ref} is in custody on {visit_on} "
                f"(from {period.start}): a home visit cannot be recorded"
            )


# --- reactive management and caseloads --------------------------------------------------


def reactive_eligibility(
    assessments: Sequence[ArmsAssessment], as_of: date, policy: OffenderPolicy
) -> tuple[bool, str]:
    """Eligible when every assessment in the last N years, back to one at least N years old, is low."""
    ordered = sorted(assessments, key=lambda a: a.assessed_on)
    if not ordered or ordered[-1].level is not RsoRisk.LOW:
        return False, "the latest ARMS assessment is not low"
    run_start = ordered[-1].assessed_on
    for assessment in reversed(ordered):
        if assessment.level is not RsoRisk.LOW:
            break
        run_start = assessment.assessed_on
    years = policy.reactive_min_years_low
    if run_start > months_after(as_of, -12 * years):
        return False, f"assessed low only since {run_start}: needs {years} years (NPCC 2017)"
    return True, f"assessed low continuously since {run_start} ({years}+ years)"


def reactive_review_triggers(
    events: Iterable[str], latest: ArmsAssessment | None, policy: OffenderPolicy
) -> tuple[str, ...]:
    """Events that require a reactively managed offender's case to be reviewed."""
    hits = {e for e in events if e in policy.reactive_review_triggers}
    above_low = "risk-assessed-above-low"
    if (
        latest is not None
        and latest.level is not RsoRisk.LOW
        and above_low in policy.reactive_review_triggers
    ):
        hits.add(above_low)
    return tuple(sorted(hits))


@dataclass(frozen=True, slots=True)
class CaseloadStatus:
    manager_ref: str
    count: int
    warning_at: int
    warning: bool
    source: str


def caseload_status(
    manager_ref: str, offender_refs: Collection[str], policy: SafeguardingPolicy
) -> CaseloadStatus:
    count = len(set(offender_refs))
    warning_at = policy.offenders.caseload_warning_at
    source = policy.provenance("offenders.caseload").source
    return CaseloadStatus(manager_ref, count, warning_at, count >= warning_at, source)
