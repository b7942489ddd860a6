"""Domestic abuse rules: DASH risk level, professional judgement, MARAC, the close rule.

Thresholds come from ``DomesticAbusePolicy`` (STANDARDS.md 3.3-3.5); nothing here is a
hard-coded number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.safeguarding.forms import DashAnswers, RiskForm
from watchkeeper.safeguarding.policy import DomesticAbusePolicy, months_after


class RiskLevel(StrEnum):
    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return list(RiskLevel).index(self)


@dataclass(frozen=True, slots=True)
class ProfessionalJudgement:
    level: RiskLevel
    rationale: str
    by: str  # officer reference


@dataclass(frozen=True, slots=True)
class DashAssessment:
    form: RiskForm
    answers: DashAnswers
    yes_keys: tuple[str, ...]
    actuarial_level: RiskLevel
    level: RiskLevel
    judgement: ProfessionalJudgement | None

    @property
    def yes_count(self) -> int:
        return len(self.yes_keys)

    @property
    def high_risk_factors_yes(self) -> tuple[str, ...]:
        return tuple(k for k in self.yes_keys if self.form.question(k).high_risk_factor)


def actuarial_level(yes_count: int, policy: DomesticAbusePolicy) -> RiskLevel:
    """Level from the yes-count alone (default 14+ high; 10-13 medium is local practice)."""
    if yes_count >= policy.high_min_yes:
        return RiskLevel.HIGH
    if yes_count >= policy.medium_min_yes:
        return RiskLevel.MEDIUM
    return RiskLevel.STANDARD


def assess(
    form: RiskForm,
    answers: DashAnswers,
    policy: DomesticAbusePolicy,
    judgement: ProfessionalJudgement | None = None,
) -> DashAssessment:
    """Score validated answers; judgement may raise the level, never lower it."""
    if (answers.form_id, answers.version) != (form.form_id, form.version):
        raise InputError(
            f"answers are for {answers.form_id} {answers.version}, not {form.form_id} {form.version}"
        )
    yes_keys = answers.yes_keys(form)
    actuarial = actuarial_level(len(yes_keys), policy)
    level = actuarial
    if judgement is not None:
        if not judgement.rationale.strip():
            raise InputError("professional judgement needs a recorded rationale")
        if judgement.level.rank < actuarial.rank:
            # SafeLives: judgement should not be used to downgrade an actuarial result.
            raise DomainRuleViolation(
                f"professional judgement may raise the risk level, never lower it: "
                f"{judgement.level} is below the checklist's {actuarial} (STANDARDS.md 3.3)"
            )
        level = judgement.level
    return DashAssessment(form, answers, yes_keys, actuarial, level, judgement)


# --- MARAC ----------------------------------------------------------------------------


class MaracCriterion(StrEnum):
    VISIBLE_HIGH_RISK = "visible-high-risk"
    PROFESSIONAL_JUDGEMENT = "professional-judgement"
    POTENTIAL_ESCALATION = "potential-escalation"
    REPEAT_MARAC = "repeat-marac"


@dataclass(frozen=True, slots=True)
class DaHistory:
    """What is known of the victim's DA history on ``as_of`` (dates in the force's calendar)."""

    incident_dates: tuple[date, ...]  # police-reported DA incidents, including the current one
    last_referral_date: date | None
    as_of: date


def incidents_in_window(history: DaHistory, months: int) -> tuple[date, ...]:
    """Incidents on or after the date ``months`` before ``as_of``, up to ``as_of``."""
    start = months_after(history.as_of, -months)
    return tuple(sorted(d for d in history.incident_dates if start <= d <= history.as_of))


def is_potential_escalation(history: DaHistory, policy: DomesticAbusePolicy) -> bool:
    recent = incidents_in_window(history, policy.escalation_window_months)
    return len(recent) >= policy.escalation_min_incidents


def is_repeat_marac(history: DaHistory, policy: DomesticAbusePolicy) -> bool:
    """Any incident after the last referral and within the window of it (current SafeLives)."""
    referred = history.last_referral_date
    if referred is None:
        return False
    until = min(months_after(referred, policy.repeat_marac_window_months), history.as_of)
    return any(referred < d <= until for d in history.incident_dates)


def marac_criteria(
    assessment: DashAssessment, history: DaHistory, policy: DomesticAbusePolicy
) -> tuple[MaracCriterion, ...]:
    met = []
    if assessment.yes_count >= policy.high_min_yes:
        met.append(MaracCriterion.VISIBLE_HIGH_RISK)
    if assessment.judgement is not None and assessment.level.rank > assessment.actuarial_level.rank:
        met.append(MaracCriterion.PROFESSIONAL_JUDGEMENT)
    if is_potential_escalation(history, policy):
        met.append(MaracCriterion.POTENTIAL_ESCALATION)
    if is_repeat_marac(history, policy):
        met.append(MaracCriterion.REPEAT_MARAC)
    return tuple(met)


@dataclass(frozen=True, slots=True)
class MaracReferral:
    """A referral pre-filled from the assessment and history: nothing is re-typed."""

    victim_ref: str
    form_id: str
    form_version: str
    criteria: tuple[MaracCriterion, ...]
    level: RiskLevel
    yes_count: int
    yes_answers: tuple[str, ...]  # "Q17 threats-to-kill: Has the abuser threatened ..."
    high_risk_factors_yes: tuple[str, ...]
    incidents_in_window: int
    window_months: int
    last_referral_date: date | None
    judgement_rationale: str | None


def marac_referral(
    assessment: DashAssessment,
    victim_ref: str,
    history: DaHistory,
    policy: DomesticAbusePolicy,
) -> MaracReferral:
    """Pre-fill a MARAC referral; refused when no referral criterion is met."""
    criteria = marac_criteria(assessment, history, policy)
    if not criteria:
        raise DomainRuleViolation(
            f"no MARAC referral criterion is met for {victim_ref} (visible high risk, "
            "professional judgement, potential escalation, repeat; STANDARDS.md 3.4)"
        )
    form = assessment.form
    yes_answers = tuple(
        f"Q{form.question(k).number} {k}: {form.question(k).text}" for k in assessment.yes_keys
    )
    judgement = assessment.judgement
    return MaracReferral(
        victim_ref=victim_ref,
        form_id=form.form_id,
        form_version=form.version,
        criteria=criteria,
        level=assessment.level,
        yes_count=assessment.yes_count,
        yes_answers=yes_answers,
        high_risk_factors_yes=assessment.high_risk_factors_yes,
        incidents_in_window=len(incidents_in_window(history, policy.escalation_window_months)),
        window_months=policy.escalation_window_months,
        last_referral_date=history.last_referral_date,
        judgement_rationale=judgement.rationale if judgement else None,
    )


# --- closing a DA incident -------------------------------------------------------------


class DashStatus(StrEnum):
    COMPLETED = "completed"
    REFUSED_WITH_REASON = "refused-with-reason"
    NONE = "none"


class CloseDecision(NamedTuple):
    allowed: bool
    reason: str


def may_close_da_incident(
    has_da_marker: bool,
    dash_status: DashStatus,
    supervisor_signed_off: bool,
    config: DomesticAbusePolicy,
) -> CloseDecision:
    """Whether an incident may close under the DASH rule (STANDARDS.md 3.5 design note)."""
    if not has_da_marker:
        return CloseDecision(True, "no-da-marker: the DASH rule does not apply")
    if dash_status is DashStatus.NONE:
        return CloseDecision(
            False,
            "dash-missing: a domestic-abuse incident cannot close until a DASH is completed "
            "or a refusal is recorded with a reason",
        )
    if config.close_requires_sign_off and not supervisor_signed_off:
        return CloseDecision(
            False, f"sign-off-missing: the DASH ({dash_status}) needs a supervisor's sign-off"
        )
    return CloseDecision(True, f"dash-{dash_status}: the DASH rule is satisfied")
