"""Turning a decision into a log entry: accepting a pick, or a dispatcher's override.

Nothing here writes: each function returns the ``ResourceAssigned`` entry for the
incident's use case to record (inside its unit of work), with the reason in its
``reason`` field so the log shows why the unit went.
"""

from __future__ import annotations

from datetime import datetime

from watchkeeper.dispatch.demand import DispatchDemand
from watchkeeper.dispatch.reasons import Pick
from watchkeeper.dispatch.units import Unit
from watchkeeper.incidents.entries import ResourceAssigned
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import DomainRuleViolation, InputError


def accepted_entry(pick: Pick) -> ResourceAssigned:
    """The entry for a recommended pick, its reason codes kept in the reason text."""
    codes = ", ".join(r.code for r in pick.reasons)
    return ResourceAssigned(pick.unit, f"recommended ({codes})")


def override_entry(
    demand: DispatchDemand,
    unit: Unit,
    now: datetime,
    reason: str,
    recommended: str | None = None,
) -> ResourceAssigned:
    """Validate a dispatcher's own choice of unit and return the entry recording it.

    Refused (DomainRuleViolation) when the unit is not available, its shift is over, or it
    lacks a required skill: required skills gate overrides too. A reason is compulsory.
    """
    if not reason.strip():
        raise InputError("an override needs a reason")
    if not unit.is_available:
        raise DomainRuleViolation(
            f"unit {unit.call_sign} is {unit.status.value}; only an available unit can be sent"
        )
    if not unit.on_shift(ensure_utc(now)):
        raise DomainRuleViolation(f"unit {unit.call_sign}'s shift has ended")
    missing = sorted(demand.needs.required - unit.skills)
    if missing:
        raise DomainRuleViolation(
            f"unit {unit.call_sign} lacks required skill(s) {', '.join(missing)} "
            f"for incident {demand.incident_id}"
        )
    instead = f" instead of recommended {recommended}" if recommended else ""
    return ResourceAssigned(unit.call_sign, f"dispatcher override{instead}: {reason.strip()}")
