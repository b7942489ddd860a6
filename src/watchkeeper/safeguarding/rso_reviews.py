"""Risk reviews of registered offenders: the events that trigger one, and its outcome.

Reactive management (NPCC, 29 Jun 2017, STANDARDS.md 5.2) drops home visits for offenders
assessed low for years, "with a return to visits if intelligence or circumstances change".
Each such event is recorded as a trigger; every trigger since the last review owes a review,
due by the earliest of their configured times (``OffenderPolicy.review_triggers``). A review
records its outcome with a rationale; for a reactively managed offender it either keeps the
offender on reactive management (only while still eligible) or returns them to visits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.safeguarding.offenders import TravelNoticeCheck
from watchkeeper.safeguarding.policy import ReviewTrigger

BREACH = "notification-breach"  # the trigger a late or missed notification raises
ABOVE_LOW = "risk-assessed-above-low"  # the trigger an ARMS level above low raises
MAX_SUMMARY = 500


class RiskEventKind(StrEnum):
    TRIGGER = "trigger"
    REVIEW = "review"


class ReviewOutcome(StrEnum):
    REMAIN_REACTIVE = "remain-reactive"  # reactive offenders only, and only while eligible
    RETURN_TO_ACTIVE = "return-to-active"  # reactive offenders: home visits resume
    PLAN_CONFIRMED = "plan-confirmed"  # actively managed offenders: the plan stands


@dataclass(frozen=True, slots=True)
class RiskEvent:
    """A trigger (``name`` is the trigger key) or a review (``name`` is the outcome)."""

    kind: RiskEventKind
    name: str
    at: datetime
    detail: str  # the trigger's summary, or the review's rationale
    by: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", ensure_utc(self.at))


def trigger_named(key: str, triggers: Mapping[str, ReviewTrigger]) -> ReviewTrigger:
    """The configured trigger ``key``; unknown keys are refused naming the field."""
    try:
        return triggers[key]
    except KeyError:
        known = ", ".join(sorted(triggers))
        raise InputError(f"review trigger {key!r} is not one of {known} (field: trigger)") from None


def new_trigger(
    key: str, at: datetime, summary: str, by: str, triggers: Mapping[str, ReviewTrigger]
) -> RiskEvent:
    """A validated trigger event: a configured trigger, with what happened."""
    trigger_named(key, triggers)
    text = summary.strip()
    if not text:
        raise InputError("a review trigger needs a summary of what happened (field: summary)")
    if len(text) > MAX_SUMMARY:
        raise InputError(f"summary is longer than {MAX_SUMMARY} characters (field: summary)")
    return RiskEvent(RiskEventKind.TRIGGER, key, at, text, by)


def unreviewed(events: Iterable[RiskEvent]) -> tuple[RiskEvent, ...]:
    """The triggers recorded after the latest review (all of them when none), oldest first."""
    ordered = sorted(events, key=lambda e: e.at)
    pending: list[RiskEvent] = []
    for event in ordered:
        if event.kind is RiskEventKind.REVIEW:
            pending = []
        else:
            pending.append(event)
    return tuple(pending)


def review_due_at(
    events: Iterable[RiskEvent], triggers: Mapping[str, ReviewTrigger]
) -> datetime | None:
    """When the owed review is due: the earliest due time of the unreviewed triggers.

    None exactly when no trigger is waiting: no trigger is ever left without a due review.
    """
    pending = unreviewed(events)
    if not pending:
        return None
    return min(e.at + trigger_named(e.name, triggers).due_after for e in pending)


def review_outcome(value: str, reactive: bool, rationale: str) -> ReviewOutcome:
    """Check a review's outcome against how the offender is managed; a rationale is required."""
    try:
        outcome = ReviewOutcome(value)
    except ValueError:
        allowed = ", ".join(o.value for o in ReviewOutcome)
        raise InputError(
            f"review outcome {value!r} is not one of {allowed} (field: outcome)"
        ) from None
    if not rationale.strip():
        raise InputError("a risk review needs its rationale (field: rationale)")
    if reactive and outcome is ReviewOutcome.PLAN_CONFIRMED:
        raise DomainRuleViolation(
            "review-outcome: a reactively managed offender either remains on reactive "
            "management or returns to active management (field: outcome)"
        )
    if not reactive and outcome is not ReviewOutcome.PLAN_CONFIRMED:
        raise DomainRuleViolation(
            f"review-outcome: the offender is actively managed; {outcome} does not apply "
            "(field: outcome)"
        )
    return outcome


def breach_summary(check: TravelNoticeCheck) -> str:
    """The trigger summary of a late foreign-travel notice (the rule's own message)."""
    return check.message
