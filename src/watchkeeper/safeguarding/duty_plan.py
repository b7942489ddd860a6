"""How long each kind of safeguarding duty runs before it is due and before it escalates.

Parsed from ``resources/safeguarding/duties-default.toml`` (or a force's copy); each kind
cites its source. Kinds whose due time a rule already sets (missing-person reviews, RHIs,
notifications, visits) carry only their escalation delay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.kernel.provenance import Provenance


class DutyKind(StrEnum):
    DASH_COMPLETION = "dash-completion"
    DASH_SIGN_OFF = "dash-sign-off"
    MARAC_REFERRAL = "marac-referral"
    DA_CASE_REVIEW = "da-case-review"
    MISSING_REVIEW = "supervisory-review"
    SAFE_AND_WELL = "safe-and-well-check"
    RETURN_HOME_INTERVIEW = "return-home-interview"
    RSO_VISIT = "rso-visit"
    RSO_NOTIFICATION = "rso-notification"
    RSO_RISK_REVIEW = "rso-risk-review"  # due by its trigger's time (rso_reviews)


# Kinds whose due time is set here rather than by a rule in safeguarding-default.toml.
TIMED_HERE = frozenset(
    {DutyKind.DASH_COMPLETION, DutyKind.DASH_SIGN_OFF, DutyKind.MARAC_REFERRAL,
     DutyKind.DA_CASE_REVIEW}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DutyTiming:
    escalate_after: timedelta
    due_after: timedelta | None
    source: Provenance


@dataclass(frozen=True, slots=True)
class DutyPlan:
    timings: dict[DutyKind, DutyTiming]

    def escalate_after(self, kind: DutyKind) -> timedelta:
        return self.timings[kind].escalate_after

    def due_after(self, kind: DutyKind) -> timedelta:
        due = self.timings[kind].due_after
        if due is None:  # parse_duty_plan guarantees it for TIMED_HERE kinds
            raise ConfigurationError(f"duty plan: '{kind}.due_hours' is not configured")
        return due


def _hours(table: dict[str, Any], key: str, where: str) -> timedelta:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigurationError(f"duty plan: '{where}.{key}' must be a positive number of hours")
    return timedelta(hours=float(value))


def parse_duty_plan(doc: dict[str, Any]) -> DutyPlan:
    """Validate a duty plan document; raises ConfigurationError naming the key."""
    timings = {}
    for kind in DutyKind:
        table = doc.get(kind.value)
        if not isinstance(table, dict):
            raise ConfigurationError(f"duty plan: missing table '{kind.value}'")
        source = table.get("source")
        if not isinstance(source, str) or not source.strip():
            raise ConfigurationError(f"duty plan: '{kind.value}.source' must cite a source")
        due = _hours(table, "due_hours", kind.value) if kind in TIMED_HERE else None
        escalate = _hours(table, "escalate_after_hours", kind.value)
        timings[kind] = DutyTiming(escalate, due, Provenance(source.strip()))
    return DutyPlan(timings)


def default_duty_plan() -> DutyPlan:
    """The bundled duty plan (built on call, never at import)."""
    from watchkeeper.safeguarding.policy import bundled_document

    return parse_duty_plan(bundled_document("duties-default.toml"))
