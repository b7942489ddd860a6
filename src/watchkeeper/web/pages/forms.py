"""Parse the pages' form posts into log entries and filters; no rule lives here.

The checks made here are of shape only (a field is present, a value is one of the
profile's codes); whether the entry may be recorded is the incident log's decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from watchkeeper.incidents.alerts import AlertKind
from watchkeeper.incidents.backlog import BacklogFilters
from watchkeeper.incidents.entries import (
    AlertAcknowledged,
    BacklogReviewed,
    Closed,
    ContactMade,
    EntryPayload,
    Grade,
    Graded,
    Level,
    ResourceAssigned,
    ThriveAssessed,
    ThriveElement,
    ThriveRating,
)
from watchkeeper.incidents.policy import BANDS, ForceProfile
from watchkeeper.kernel.errors import InputError

MAX_TEXT = 2000  # longer free text is refused, not truncated, so nothing is silently lost

Form = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class BoardQuery:
    """What the board was asked to show: filters and a page number."""

    filters: BacklogFilters
    page: int


def text(form: Form, name: str, label: str, required: bool = True) -> str:
    """A free-text field, stripped; refused when required and blank, or too long."""
    value = str(form.get(name, "")).strip()
    if required and not value:
        raise InputError(f"{label} is required")
    if len(value) > MAX_TEXT:
        raise InputError(f"{label} is longer than {MAX_TEXT} characters")
    return value


def expected_version(form: Form) -> int:
    """The log version the form was rendered from (optimistic concurrency)."""
    raw = str(form.get("expected_version", ""))
    if not raw.isdecimal():
        raise InputError("the form is missing its version; reload the page and try again")
    return int(raw)


def _choice(value: str, allowed: set[str] | tuple[str, ...], label: str) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise InputError(f"unknown {label} {value!r}")
    return value


def board_query(params: Form, profile: ForceProfile) -> BoardQuery:
    """Filters and page from the board's query string; unknown codes are refused."""
    grade = _choice(params.get("grade", ""), {g.value for g in Grade}, "grade")
    page_raw = params.get("page", "1")
    if not page_raw.isdecimal() or not 1 <= int(page_raw) <= 10_000:
        raise InputError(f"page must be a whole number from 1, got {page_raw!r}")
    filters = BacklogFilters(
        grade=Grade(grade) if grade else None,
        band=_choice(params.get("band", ""), BANDS, "band"),
        area=_choice(params.get("area", ""), set(profile.areas), "area"),
        marker=_choice(params.get("marker", ""), set(profile.markers), "marker"),
    )
    return BoardQuery(filters, int(page_raw))


def contact(form: Form) -> ContactMade:
    return ContactMade(outcome=text(form, "outcome", "Outcome of the call-back"))


def regrade(form: Form, profile: ForceProfile) -> Graded:
    label = text(form, "grade_label", "Grade")
    labels = {lb for policy in profile.grades.values() for lb in policy.labels}
    if label not in labels:
        raise InputError(f"unknown grade {label!r}")
    return Graded(profile.grade_for_label(label), label, text(form, "reason", "Reason"))


def review(form: Form) -> BacklogReviewed:
    return BacklogReviewed(note=text(form, "note", "Review note"))


def assign(form: Form) -> ResourceAssigned:
    reason = text(form, "reason", "Reason", required=False)
    return ResourceAssigned(unit=text(form, "unit", "Unit call sign"), reason=reason)


def close(form: Form) -> Closed:
    note = text(form, "note", "Closing note", required=False)
    return Closed(closing_category=text(form, "closing_category", "Closing category"), note=note)


def acknowledge(form: Form) -> AlertAcknowledged:
    alert = _choice(form.get("alert", ""), {k.value for k in AlertKind}, "alert")
    if alert is None:
        raise InputError("which alert is being acknowledged is missing")
    return AlertAcknowledged(alert=alert)


def thrive(form: Form) -> ThriveAssessed:
    """The six THRIVE elements, each a level and a rationale."""
    ratings = {}
    for element in ThriveElement:
        level = _choice(form.get(f"{element.value}_level", ""), {v.value for v in Level}, "level")
        if level is None:
            raise InputError(f"THRIVE {element.value}: choose a level")
        rationale = text(form, f"{element.value}_rationale", f"THRIVE {element.value} rationale")
        ratings[element] = ThriveRating(Level(level), rationale)
    return ThriveAssessed(ratings)


ACTIONS = {
    "contact": "Call-back recorded.",
    "regrade": "Re-grade recorded.",
    "review": "Supervisor review recorded.",
    "assign": "Unit assigned.",
    "close": "Incident closed.",
    "thrive": "THRIVE assessment recorded.",
}


def action_payload(action: str, form: Form, profile: ForceProfile) -> EntryPayload:
    """The entry a quick-action form asks to record."""
    if action == "regrade":
        return regrade(form, profile)
    parsers = {"contact": contact, "review": review, "assign": assign, "close": close}
    if action == "thrive":
        return thrive(form)
    parser = parsers.get(action)
    if parser is None:
        raise InputError(f"unknown action {action!r}")
    return parser(form)
