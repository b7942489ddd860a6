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
    IMPORT_RUN = "import.run"
    USERS_READ = "users.read"
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"
    AUDIT_VERIFY = "audit.verify"


P = Permission
_INTAKE = {P.INCIDENT_READ, P.INCIDENT_LOG, P.INCIDENT_THRIVE, P.INCIDENT_GRADE, P.INCIDENT_MARK,
           P.INCIDENT_CONTACT, P.INCIDENT_LINK, P.INCIDENT_ACKNOWLEDGE, P.BACKLOG_READ}  # fmt: skip
_DISPATCH = {P.INCIDENT_READ, P.INCIDENT_CONTACT, P.INCIDENT_ASSIGN, P.INCIDENT_ATTEND,
             P.INCIDENT_ACKNOWLEDGE, P.BACKLOG_READ, P.UNITS_READ}  # fmt: skip

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.CALL_HANDLER: frozenset(_INTAKE),
    Role.DISPATCHER: frozenset(_DISPATCH),
    Role.SUPERVISOR: frozenset(
        _INTAKE | _DISPATCH | {P.INCIDENT_REVIEW, P.INCIDENT_CLOSE, P.INCIDENT_STRIKE, P.IMPORT_RUN}
    ),
    # Safeguarding and SOC registers arrive with later issues; until then these roles may
    # read incidents (they follow up on them) but not work the control-room queue.
    Role.PUBLIC_PROTECTION: frozenset({P.INCIDENT_READ}),
    Role.SOC_OFFICER: frozenset({P.INCIDENT_READ}),
    Role.FIREARMS_COMMANDER: frozenset(
        {P.INCIDENT_READ, P.INCIDENT_ACKNOWLEDGE, P.BACKLOG_READ, P.UNITS_READ}
    ),
    Role.ANALYST: frozenset({P.BACKLOG_READ, P.UNITS_READ, P.IMPORT_RUN}),
    Role.AUDITOR: frozenset({P.INCIDENT_READ, P.AUDIT_READ, P.AUDIT_VERIFY, P.USERS_READ}),
    # Administrators manage accounts; they do not read victims' data.
    Role.ADMINISTRATOR: frozenset({P.USERS_READ, P.USERS_MANAGE, P.AUDIT_VERIFY}),
}


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
