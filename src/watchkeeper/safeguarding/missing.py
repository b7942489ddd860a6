"""Missing-person episodes on the APP risk continuum, with child rules and what is due next.

An episode stays open until the person is found, a safe-and-well check is done and, for a
child, a return home interview has been offered; while open, something is always due.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.safeguarding.forms import DashAnswers
from watchkeeper.safeguarding.policy import MissingPolicy, SafeguardingPolicy

CALL_HANDLER_FORM = "missing-call-handler-wmp.toml"
LOOKED_AFTER_MARKER = "looked-after"


class MissingRisk(StrEnum):
    """The APP (Jan 2017) continuum, lowest first (STANDARDS.md 4.1)."""

    NO_APPARENT_RISK = "no-apparent-risk"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def config_key(self) -> str:
        return self.value.replace("-", "_")


class DueKind(StrEnum):
    SUPERVISORY_REVIEW = "supervisory-review"
    SAFE_AND_WELL_CHECK = "safe-and-well-check"
    RETURN_HOME_INTERVIEW = "return-home-interview"


@dataclass(frozen=True, slots=True)
class MissingReport:
    """What the call handler records when a person is reported missing."""

    episode_ref: str
    person_ref: str
    reported_at: datetime
    date_of_birth: date
    looked_after: bool
    markers: frozenset[str]
    risk: MissingRisk
    call_answers: DashAnswers  # the 12 call-handler questions, validated by their form
    supervisor_rationale: str | None = None


@dataclass(frozen=True, slots=True)
class SupervisoryReview:
    at: datetime
    by: str
    level: MissingRisk
    rationale: str


@dataclass(frozen=True, slots=True)
class MissingEpisode:
    report: MissingReport
    is_child: bool
    reviews: tuple[SupervisoryReview, ...] = ()
    found_at: datetime | None = None
    safe_and_well_at: datetime | None = None
    rhi_offered_at: datetime | None = None

    @property
    def risk(self) -> MissingRisk:
        return self.reviews[-1].level if self.reviews else self.report.risk

    @property
    def is_open(self) -> bool:
        rhi_done = not self.is_child or self.rhi_offered_at is not None
        return self.found_at is None or self.safe_and_well_at is None or not rhi_done


@dataclass(frozen=True, slots=True)
class DueAction:
    kind: DueKind
    due_at: datetime
    overdue: bool


def age_on(date_of_birth: date, day: date) -> int:
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def check_categorisation(
    is_child: bool,
    markers: frozenset[str],
    level: MissingRisk,
    rationale: str | None,
    policy: MissingPolicy,
) -> None:
    """A child with CSE, looked-after or repeat markers is not 'no apparent risk' unexplained."""
    protected = sorted(markers & policy.protected_markers)
    if (
        is_child
        and level is MissingRisk.NO_APPARENT_RISK
        and protected
        and not (rationale or "").strip()
    ):
        raise DomainRuleViolation(
            f"categorisation rule: a child with markers {protected} cannot be "
            "'no apparent risk' without a supervisor's recorded rationale "
            "(HMIC 'Missing children: who cares?' 2016; STANDARDS.md 4.4)"
        )


def report_missing(report: MissingReport, policy: SafeguardingPolicy) -> MissingEpisode:
    """Open an episode; flags a child by age at report time in the force's calendar."""
    reported_on = policy.calendar_date(report.reported_at)
    if report.date_of_birth > reported_on:
        raise InputError(
            f"date of birth {report.date_of_birth} is after the report date {reported_on}"
        )
    if report.call_answers.form_id != "missing-call-handler-wmp":
        raise InputError(f"call answers are for form {report.call_answers.form_id!r}")
    markers = report.markers | ({LOOKED_AFTER_MARKER} if report.looked_after else set())
    report = replace(report, reported_at=ensure_utc(report.reported_at), markers=markers)
    is_child = age_on(report.date_of_birth, reported_on) < policy.missing.child_under_age
    check_categorisation(
        is_child, markers, report.risk, report.supervisor_rationale, policy.missing
    )
    return MissingEpisode(report, is_child)


def _require_open(episode: MissingEpisode) -> None:
    if not episode.is_open:
        raise DomainRuleViolation(f"missing episode {episode.report.episode_ref} is closed")


def _not_before(at: datetime, earliest: datetime, what: str, before_what: str) -> datetime:
    at = ensure_utc(at)
    if at < earliest:
        raise InputError(f"{what} at {at.isoformat()} is dated before {before_what}")
    return at


def record_review(
    episode: MissingEpisode, review: SupervisoryReview, policy: MissingPolicy
) -> MissingEpisode:
    """Add a supervisory review (which may re-grade the risk) to an open episode."""
    _require_open(episode)
    began = episode.report.reported_at
    at = _not_before(review.at, began, "a review", f"the episode began ({began.isoformat()})")
    if episode.reviews:
        _not_before(at, episode.reviews[-1].at, "a review", "the previous review")
    if not review.rationale.strip():
        raise InputError("a supervisory review needs a recorded rationale")
    check_categorisation(
        episode.is_child, episode.report.markers, review.level, review.rationale, policy
    )
    return replace(episode, reviews=(*episode.reviews, replace(review, at=at)))


def record_found(episode: MissingEpisode, at: datetime) -> MissingEpisode:
    _require_open(episode)
    if episode.found_at is not None:
        raise DomainRuleViolation(f"missing episode {episode.report.episode_ref} is already found")
    began = episode.report.reported_at
    return replace(episode, found_at=_not_before(at, began, "found", "the episode began"))


def _require_found(episode: MissingEpisode) -> datetime:
    _require_open(episode)
    if episode.found_at is None:
        raise DomainRuleViolation("the person has not been recorded as found or returned")
    return episode.found_at


def record_safe_and_well(episode: MissingEpisode, at: datetime) -> MissingEpisode:
    found = _require_found(episode)
    return replace(
        episode, safe_and_well_at=_not_before(at, found, "a safe-and-well check", "the return")
    )


def record_rhi_offered(episode: MissingEpisode, at: datetime) -> MissingEpisode:
    found = _require_found(episode)
    if not episode.is_child:
        raise DomainRuleViolation("a return home interview is for children (DfE 2014)")
    return replace(episode, rhi_offered_at=_not_before(at, found, "an RHI offer", "the return"))


def review_due_at(episode: MissingEpisode, policy: MissingPolicy) -> datetime:
    last = episode.reviews[-1].at if episode.reviews else episode.report.reported_at
    return last + timedelta(hours=policy.review_hours[episode.risk.config_key])


def next_due(episode: MissingEpisode, now: datetime, policy: MissingPolicy) -> DueAction | None:
    """The earliest outstanding action while the episode is open; None once closed."""
    if not episode.is_open:
        return None
    now = ensure_utc(now)
    if episode.found_at is None:
        due = review_due_at(episode, policy)
        return DueAction(DueKind.SUPERVISORY_REVIEW, due, now > due)
    outstanding = []
    if episode.safe_and_well_at is None:
        sw_due = episode.found_at + timedelta(hours=policy.safe_and_well_hours)
        outstanding.append((sw_due, DueKind.SAFE_AND_WELL_CHECK))
    if episode.is_child and episode.rhi_offered_at is None:
        # DfE 2014: every returning child is offered an RHI within 72 hours of return.
        rhi_due = episode.found_at + timedelta(hours=policy.rhi_hours)
        outstanding.append((rhi_due, DueKind.RETURN_HOME_INTERVIEW))
    due_at, kind = min(outstanding)
    return DueAction(kind, due_at, now > due_at)


def timeline(episode: MissingEpisode) -> tuple[tuple[datetime, str], ...]:
    """The episode's events in time order, for the episode view."""
    events = [(episode.report.reported_at, f"reported missing ({episode.report.risk})")]
    events += [(r.at, f"reviewed by {r.by}: {r.level} — {r.rationale}") for r in episode.reviews]
    for at, what in (
        (episode.found_at, "found / returned"),
        (episode.safe_and_well_at, "safe-and-well check"),
        (episode.rhi_offered_at, "return home interview offered"),
    ):
        if at is not None:
            events.append((at, what))
    return tuple(sorted(events, key=lambda e: e[0]))
