"""Records and small rules of the domestic-abuse register's use cases (``da_service``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from watchkeeper.access.model import Actor
from watchkeeper.duties.model import Duty
from watchkeeper.kernel.errors import DomainRuleViolation, InputError
from watchkeeper.safeguarding.domestic_abuse import (
    DashAssessment,
    MaracCriterion,
    ProfessionalJudgement,
    RiskLevel,
)
from watchkeeper.safeguarding.ports import DaCase, DashSubmission, SafeguardingUnitOfWork
from watchkeeper.safeguarding.service_core import Assignment


@dataclass(frozen=True, slots=True)
class NewDaCase:
    """A DA case opened from an incident (or a referral): the victim and who owes the work."""

    case_ref: str
    victim_ref: str
    assignment: Assignment
    incident_id: str | None = None
    address_ref: str | None = None
    perpetrator_ref: str | None = None


@dataclass(frozen=True, slots=True)
class DashOutcome:
    """What a submitted DASH produced: the case, the assessment and MARAC criteria met."""

    case: DaCase
    assessment: DashAssessment
    marac_criteria: tuple[MaracCriterion, ...]


@dataclass(frozen=True, slots=True)
class CaseView:
    case: DaCase
    submissions: tuple[DashSubmission, ...]
    duties: tuple[Duty, ...]


def open_case_of(uow: SafeguardingUnitOfWork, case_ref: str) -> DaCase:
    case = uow.domestic_abuse.get_case(case_ref)
    if case.status != "open":
        raise DomainRuleViolation(f"domestic-abuse case {case_ref} is {case.status}")
    return case


def judgement_of(judgement: tuple[str, str] | None, actor: Actor) -> ProfessionalJudgement | None:
    if judgement is None:
        return None
    level, rationale = judgement
    try:
        parsed = RiskLevel(level)
    except ValueError:
        raise InputError(
            f"judgement level {level!r} is not one of standard, medium, high"
        ) from None
    return ProfessionalJudgement(parsed, rationale, actor.username)


def json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
