"""Board alerts: critical risk and breached targets stay raised until acknowledged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watchkeeper.incidents.alerts import AlertKind, alerts_of
from watchkeeper.incidents.backlog import build_backlog
from watchkeeper.incidents.entries import (
    AlertAcknowledged,
    CallSource,
    Closed,
    Grade,
    Graded,
    Level,
    Location,
    Opened,
    ThriveAssessed,
    ThriveElement,
    ThriveRating,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.settings import load_force_profile

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
PROFILE = load_force_profile()


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _incident(name: str, category: str = "burglary", grade: Grade = Grade.PRIORITY) -> Incident:
    opened = Opened(CallSource.EMERGENCY_999, Location("1 High Street", "north"), category)
    incident = Incident.open(IncidentId(name), opened, T0, "ch-1", T0)
    incident.record(Graded(grade, PROFILE.label_for(grade)), T0, "ch-1", T0)
    return incident


def _make_critical(incident: Incident) -> Incident:
    ratings = {e: ThriveRating(Level.HIGH, "weapon seen") for e in ThriveElement}
    incident.record(ThriveAssessed(ratings), T0, "ch-1", T0)
    return incident


def _alerts(incidents: list[Incident], now_minutes: float) -> set[tuple[str, AlertKind]]:
    backlog = build_backlog([i.state for i in incidents], {}, PROFILE, _at(now_minutes))
    return {(a.incident_id, a.kind) for a in alerts_of(backlog)}


def test_a_critical_incident_raises_a_critical_alert() -> None:
    incident = _make_critical(_incident("INC-A", "weapons", Grade.EMERGENCY))
    assert _alerts([incident], 1) == {("INC-A", AlertKind.CRITICAL)}


def test_a_low_risk_incident_within_its_target_raises_no_alert() -> None:
    assert _alerts([_incident("INC-B")], 5) == set()


def test_acknowledging_a_critical_alert_clears_it() -> None:
    incident = _make_critical(_incident("INC-A", "weapons", Grade.EMERGENCY))
    incident.record(AlertAcknowledged("critical"), _at(2), "sup-1", _at(2))
    assert _alerts([incident], 3) == set()


def test_a_breached_incident_raises_a_breach_alert() -> None:
    # priority, urban: 60 minutes from logging
    assert ("INC-B", AlertKind.BREACH) in _alerts([_incident("INC-B")], 61)


def test_acknowledging_a_breach_before_the_deadline_does_not_clear_it() -> None:
    incident = _incident("INC-B")
    incident.record(AlertAcknowledged("breach"), _at(30), "sup-1", _at(30))
    assert ("INC-B", AlertKind.BREACH) in _alerts([incident], 61)


def test_acknowledging_a_breach_after_the_deadline_clears_it() -> None:
    incident = _incident("INC-B")
    incident.record(AlertAcknowledged("breach"), _at(62), "sup-1", _at(62))
    assert ("INC-B", AlertKind.BREACH) not in _alerts([incident], 63)


def test_acknowledging_one_kind_of_alert_leaves_the_other_raised() -> None:
    incident = _make_critical(_incident("INC-A", "weapons", Grade.EMERGENCY))
    incident.record(AlertAcknowledged("critical"), _at(1), "sup-1", _at(1))
    assert _alerts([incident], 30) == {("INC-A", AlertKind.BREACH)}


def test_closed_incidents_raise_no_alerts() -> None:
    incident = _make_critical(_incident("INC-A", "weapons", Grade.EMERGENCY))
    incident.record(Closed("advice-given"), _at(1), "sup-1", _at(1))
    assert _alerts([incident], 30) == set()


def test_alerts_follow_the_risk_order_of_the_board() -> None:
    critical = _make_critical(_incident("INC-A", "weapons", Grade.EMERGENCY))
    breached = _incident("INC-B")
    backlog = build_backlog([breached.state, critical.state], {}, PROFILE, _at(61))
    assert next(a.incident_id for a in alerts_of(backlog)) == "INC-A"
