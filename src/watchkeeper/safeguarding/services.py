"""Safeguarding use cases: the shared core every register service is built on, and the facade.

The registers (one module each) are:

- ``people_service.PeopleRegister`` — nominal index: people, addresses, links to incidents,
  duplicate suggestions decided by a person (never merged silently), the person view;
- ``da_service.DomesticAbuseRegister`` — DA cases, DASH submissions (versioned), refusal
  with a reason, supervisor sign-off, MARAC referral pre-filled from the answers;
- ``missing_service.MissingRegister`` — missing episodes, supervisory reviews, found,
  safe-and-well check, return home interview;
- ``offender_service.OffenderRegister`` — registered offenders, notifications (SOA 2003
  clocks), ARMS, visits (refused while in custody), custody, caseloads, review triggers
  and risk reviews (reactive management); ``rso_review_service.NotificationBreaches`` turns
  a missed notification into a breach owed as a review;
- ``duty_service.DutyBoard`` — "my work", a supervisor's overdue list, acknowledge,
  reassign with a reason, escalation.

Every call is authorised (``access.model.MATRIX``) and audited: writes in the same
transaction as the change, reads after the read and before the data is returned, refusals
in their own transaction (``AuditTrail``). Each use case owns one transaction.

Every due action is a duty (``duties``) with an owner, a due time and a supervisor to
escalate to. After each change a register *reconciles* its subject: the duty the change
discharged is completed; the duty now owed is opened if none of that kind is open. An open
case therefore always has a next due date, and a duty leaves the lists only by being done,
or cancelled or reassigned with a reason.
"""

from __future__ import annotations

from watchkeeper.safeguarding.da_service import DomesticAbuseRegister
from watchkeeper.safeguarding.duty_service import DutyBoard
from watchkeeper.safeguarding.missing_service import MissingRegister
from watchkeeper.safeguarding.offender_service import OffenderRegister
from watchkeeper.safeguarding.people_service import PeopleRegister
from watchkeeper.safeguarding.rso_review_service import NotificationBreaches
from watchkeeper.safeguarding.service_core import Assignment, RegisterContext


class Safeguarding:
    """The registers, built once by bootstrap; entry points call these services only."""

    def __init__(self, ctx: RegisterContext) -> None:
        self.context = ctx
        self.people = PeopleRegister(ctx)
        self.domestic_abuse = DomesticAbuseRegister(ctx)
        self.missing = MissingRegister(ctx)
        self.offenders = OffenderRegister(ctx)
        self.breaches = NotificationBreaches(ctx)
        self.duties = DutyBoard(ctx)


__all__ = ["Assignment", "RegisterContext", "Safeguarding"]
