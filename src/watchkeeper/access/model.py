"""Roles and the role-permission matrix, in one place; least privilege by default.

A role not listed for a permission does not have it. The matrix is tested endpoint by
endpoint and role by role (allowed and refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from watchkeeper.kernel.errors import PermissionDenied


class Role(StrEnum):
    CALL_HANDLER = "call-handler"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "control-room-supervisor"
    PUBLIC_PROTECTION = "public-protection-officer"
    SOC_OFFICER = "soc-officer"
    FIREARMS_COMMANDER = "firearms-commander"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"


class Permission(StrEnum):
    INCIDENT_READ = "incident.read"  # personal data: every use is audited
    INCIDENT_LOG = "incident.log"
    INCIDENT_THRIVE = "incident.thrive"
    INCIDENT_GRADE = "incident.grade"
    INCIDENT_MARK = "incident.mark"
    INCIDENT_CONTACT = "incident.contact"
    INCIDENT_LINK = "incident.link"
    INCIDENT_REVIEW = "incident.review"
    INCIDENT_ASSIGN = "incident.assign"
    INCIDENT_ATTEND = "incident.attend"  # en route, arrived
    INCIDENT_CLOSE = "incident.close"
    INCIDENT_STRIKE = "incident.strike"
    INCIDENT_ACKNOWLEDGE = "incident.acknowledge"  # acknowledge a board alert
    BACKLOG_READ = "backlog.read"
    UNITS_READ = "units.read"
    # issue 4: the unit register and dispatch recommendations / breach forecasts
    UNITS_MANAGE = "units.manage"  # register units, change their status
    DISPATCH_RECOMMEND = "dispatch.recommend"  # recommended units, breach forecasts
    IMPORT_RUN = "import.run"
    USERS_READ = "users.read"
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"
    AUDIT_VERIFY = "audit.verify"
    # Operations and the management of police information (issue 8 parts 4 and 6).
    DATA_BACKUP = "data.backup"  # the archive holds everything: administrators only
    KEYS_ROTATE = "keys.rotate"  # re-encrypts protected fields without showing them
    RETENTION_REVIEW = "retention.review"  # list records due for MoPI review
    RETENTION_DECIDE = "retention.decide"  # record a retain / delete decision
    SUBJECT_ACCESS = "subject-access.export"  # one person's records, third parties redacted
    # issue 5: the nominal index and the safeguarding registers (personal data, all audited)
    INTAKE_LOOKUP = "intake.lookup"  # what the force knows about a person/address, summarised
    PEOPLE_READ = "people.read"
    PEOPLE_MANAGE = "people.manage"
    SAFEGUARDING_READ = "safeguarding.read"  # DA cases and missing episodes in full
    DASH_RECORD = "dash.record"
    DASH_SIGN_OFF = "dash.sign-off"
    MISSING_MANAGE = "missing.manage"
    MISSING_REVIEW = "missing.review"  # supervisory reviews and risk re-grading
    OFFENDER_READ = "offender.read"
    OFFENDER_MANAGE = "offender.manage"
    DUTIES_READ = "duties.read"
    DUTIES_MANAGE = "duties.manage"  # reassign or cancel someone's duty, with a reason
    # issue 7: the effectiveness assessment and the findings register (no personal data)
    ASSESSMENT_READ = "assessment.read"  # graded report, findings and their progress
    FINDINGS_IMPORT = "findings.import"
    FINDINGS_DECIDE = "findings.decide"  # move a finding's status on indicator evidence
    # issue 6: organised crime registers (personal data, audited) and armed-response analysis
    SOC_READ = "soc.read"  # groups, members, LROs, 4P plans, disruptions, SCPOs
    SOC_MANAGE = "soc.manage"  # register, score, move, disrupt groups; plans; LRO assignment
    SCPO_MANAGE = "scpo.manage"  # consideration decisions, orders, checks, breaches
    ARMED_ANALYSIS = "armed.analysis"  # attendance-time analysis (no personal data shown)
    ARMED_RECORD = "armed.record"  # load deployments from the incident log and ARV data
    # issue 4: the simulator replays incidents logged in a window (read audited; the trace
    # it builds holds no personal data)
    SIMULATION_REPLAY = "simulation.replay"


P = Permission
_INTAKE = {P.INCIDENT_READ, P.INCIDENT_LOG, P.INCIDENT_THRIVE, P.INCIDENT_GRADE, P.INCIDENT_MARK,
           P.INCIDENT_CONTACT, P.INCIDENT_LINK, P.INCIDENT_ACKNOWLEDGE, P.BACKLOG_READ}  # fmt: skip
_DISPATCH = {P.INCIDENT_READ, P.INCIDENT_CONTACT, P.INCIDENT_ASSIGN, P.INCIDENT_ATTEND,
             P.INCIDENT_ACKNOWLEDGE, P.BACKLOG_READ, P.UNITS_READ,
             P.UNITS_MANAGE, P.DISPATCH_RECOMMEND}  # fmt: skip
_PUBLIC_PROTECTION = {P.INTAKE_LOOKUP, P.PEOPLE_READ, P.PEOPLE_MANAGE, P.SAFEGUARDING_READ,
                      P.DASH_RECORD, P.MISSING_MANAGE, P.OFFENDER_READ, P.OFFENDER_MANAGE,
                      P.DUTIES_READ, P.DUTIES_MANAGE}  # fmt: skip
# Offender records are not the control room's business (least privilege): no OFFENDER_*.
_SAFEGUARDING_SUPERVISION = {P.INTAKE_LOOKUP, P.PEOPLE_READ, P.SAFEGUARDING_READ,
                             P.DASH_SIGN_OFF, P.MISSING_MANAGE, P.MISSING_REVIEW,
                             P.DUTIES_READ, P.DUTIES_MANAGE}  # fmt: skip

MATRIX: dict[Role, frozenset[Permission]] = {
    # Call handlers see the intake summary of what is known, never the registers themselves.
    Role.CALL_HANDLER: frozenset(_INTAKE | {P.INTAKE_LOOKUP}),
    Role.DISPATCHER: frozenset(_DISPATCH),
    Role.SUPERVISOR: frozenset(
        _INTAKE
        | _DISPATCH
        | {P.INCIDENT_REVIEW, P.INCIDENT_CLOSE, P.INCIDENT_STRIKE, P.IMPORT_RUN}
        | _SAFEGUARDING_SUPERVISION
    ),
    # Public protection officers work the DA, missing-person and offender registers; the
    # supervisory acts (DASH sign-off, missing-person reviews) stay with supervisors.
    Role.PUBLIC_PROTECTION: frozenset({P.INCIDENT_READ} | _PUBLIC_PROTECTION),
    Role.SOC_OFFICER: frozenset({P.INCIDENT_READ}),
    Role.FIREARMS_COMMANDER: frozenset(
        {P.INCIDENT_READ, P.INCIDENT_ACKNOWLEDGE, P.BACKLOG_READ, P.UNITS_READ}
    ),
    Role.ANALYST: frozenset({P.BACKLOG_READ, P.UNITS_READ, P.IMPORT_RUN}),
    Role.AUDITOR: frozenset({P.INCIDENT_READ, P.AUDIT_READ, P.AUDIT_VERIFY, P.USERS_READ}),
    # Administrators manage accounts; they do not read victims' data.
    Role.ADMINISTRATOR: frozenset({P.USERS_READ, P.USERS_MANAGE, P.AUDIT_VERIFY}),
}
# Issue 8: no information-management or disclosure role exists yet. Until one does, the
# control-room supervisor (a first-line manager) reviews and decides retention, and the
# auditor (oversight, already reading incidents) lists due reviews and answers subject-access
# requests; administrators back up and rotate keys, seeing no record's content.
MATRIX[Role.SUPERVISOR] |= {P.RETENTION_REVIEW, P.RETENTION_DECIDE}
MATRIX[Role.AUDITOR] |= {P.RETENTION_REVIEW, P.SUBJECT_ACCESS}
MATRIX[Role.ADMINISTRATOR] |= {P.DATA_BACKUP, P.KEYS_ROTATE}
# Issue 7: analysts, auditors and supervisors read the assessment; analysts import published
# findings; a supervisor (not the analyst who prepared the evidence) records status decisions.
MATRIX[Role.ANALYST] |= {P.ASSESSMENT_READ, P.FINDINGS_IMPORT}
MATRIX[Role.AUDITOR] |= {P.ASSESSMENT_READ}
MATRIX[Role.SUPERVISOR] |= {P.ASSESSMENT_READ, P.FINDINGS_DECIDE}
# Issue 6: SOC registers are for the SOC unit only (least privilege): no control-room role
# needs OCG intelligence or SCPO terms, and no separate SOC supervisor role exists, so the
# SOC officer (the LRO's own rank, DI/DS in practice) assigns LROs too. The armed-response
# analysis is for the firearms commander (the APSTRA review) and the performance analyst;
# both may load deployments from the incident log and ARV data.
MATRIX[Role.SOC_OFFICER] |= {P.SOC_READ, P.SOC_MANAGE, P.SCPO_MANAGE}
# Adding an OCG member checks the nominal index first (match suggestions, or a new nominal
# the officer confirms), so the SOC officer reads and files people on the index too.
MATRIX[Role.SOC_OFFICER] |= {P.PEOPLE_READ, P.PEOPLE_MANAGE}
MATRIX[Role.FIREARMS_COMMANDER] |= {P.ARMED_ANALYSIS, P.ARMED_RECORD}
MATRIX[Role.ANALYST] |= {P.ARMED_ANALYSIS, P.ARMED_RECORD}
# Issue 4: the demand-versus-capacity simulator replays the store's own demand for the
# performance analyst and the control-room supervisor (who plans the shifts).
MATRIX[Role.ANALYST] |= {P.SIMULATION_REPLAY}
MATRIX[Role.SUPERVISOR] |= {P.SIMULATION_REPLAY}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a signed-in user or the CLI's named operator."""

    username: str
    role: Role
    channel: str = "web"  # web | api | cli

    def may(self, permission: Permission) -> bool:
        return permission in MATRIX.get(self.role, frozenset())


def authorise(actor: Actor, permission: Permission) -> None:
    """Refuse with PermissionDenied unless the actor's role holds the permission."""
    if not actor.may(permission):
        raise PermissionDenied(
            f"{actor.username} ({actor.role.value}) may not {permission.value.replace('.', ' ')}"
        )
