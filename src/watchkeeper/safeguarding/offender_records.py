"""What the offender register's use cases take and give: a registration, the file as shown,
and the small checks they share (the risk level named in a request, custody on a day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from watchkeeper.duties.model import Duty
from watchkeeper.kernel.errors import InputError
from watchkeeper.safeguarding.offenders import CaseloadStatus, RsoRisk, VisitPlan
from watchkeeper.safeguarding.ports import OffenderFile


@dataclass(frozen=True, slots=True)
class NewOffender:
    """Registration: the last notification is the initial one (s83) on ``registered_on``."""

    offender_ref: str
    person_ref: str
    registered_on: date
    risk: str  # an RsoRisk value
    mappa_category: int
    mappa_level: int
    supervisor: str  # the offender manager's supervisor, for escalations
    manager_ref: str
    address_ref: str | None = None
    notification_ends_on: date | None = None
    no_fixed_abode: bool = False
    plan: VisitPlan | None = None  # None: the pre-2017 category template, to be reviewed


@dataclass(frozen=True, slots=True)
class OffenderView:
    file: OffenderFile
    notification_due: date
    notification_breached: bool
    visit_due: date | None
    caseload: CaseloadStatus
    duties: tuple[Duty, ...]


def rso_risk(value: str) -> RsoRisk:
    try:
        return RsoRisk(value)
    except ValueError:
        allowed = ", ".join(r.value for r in RsoRisk)
        raise InputError(f"offender risk {value!r} is not one of {allowed}") from None


def in_custody(file: OffenderFile, day: date) -> bool:
    return any(p.start <= day and (p.end is None or day <= p.end) for p in file.custody)
