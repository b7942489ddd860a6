"""Alerts that must reach the control-room screen and be acknowledged.

Two alerts matter on the board (issue 3, "Alerts that matter"): an open incident in the
critical risk band, and an incident whose attendance deadline has passed. An alert stays
raised until someone acknowledges it with an ``AlertAcknowledged`` entry; a breach alert is
only answered by an acknowledgement made at or after the deadline it is about, so a later
re-grade that moves the deadline and breaches again raises it afresh.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from watchkeeper.incidents.backlog import Backlog, BacklogRow
from watchkeeper.incidents.model import IncidentState
from watchkeeper.kernel.ids import IncidentId


class AlertKind(StrEnum):
    """The alerts the board raises; the value is what ``AlertAcknowledged.alert`` records."""

    BREACH = "breach"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class Alert:
    """One raised alert on one open incident, with the reason in words."""

    incident_id: IncidentId
    kind: AlertKind
    band: str
    score: float
    category: str
    area: str
    reason: str


def _breach_raised(row: BacklogRow, state: IncidentState) -> bool:
    if row.minutes_to_breach is None or row.minutes_to_breach >= 0 or row.deadline is None:
        return False
    acknowledged: datetime | None = state.acknowledged.get(AlertKind.BREACH.value)
    return acknowledged is None or acknowledged < row.deadline


def _critical_raised(row: BacklogRow, state: IncidentState) -> bool:
    return row.band == "critical" and AlertKind.CRITICAL.value not in state.acknowledged


def _alert(row: BacklogRow, kind: AlertKind) -> Alert:
    if kind is AlertKind.BREACH:
        overdue = -(row.minutes_to_breach or 0.0)
        reason = f"attendance target missed {overdue:.0f} min ago"
    else:
        reason = f"critical risk (score {row.score:.0f})"
    return Alert(row.incident_id, kind, row.band, row.score, row.category, row.area, reason)


def select_alerts(
    rows: Sequence[BacklogRow], states: Mapping[IncidentId, IncidentState]
) -> tuple[Alert, ...]:
    """Every unacknowledged alert, in the rows' (risk) order; a breach before a critical."""
    raised = []
    for row in rows:
        state = states.get(row.incident_id)
        if state is None or not state.is_open:
            continue
        if _breach_raised(row, state):
            raised.append(_alert(row, AlertKind.BREACH))
        if _critical_raised(row, state):
            raised.append(_alert(row, AlertKind.CRITICAL))
    return tuple(raised)


def alerts_of(backlog: Backlog) -> tuple[Alert, ...]:
    """The alerts raised by a backlog's rows (pass an unfiltered backlog for the panel).

    Only the rows that can raise one (critical band, or past the deadline) are built."""
    return select_alerts(backlog.rows.alerting(), backlog.states)
