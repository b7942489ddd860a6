"""Armed deployments derived from incident logs: which incidents, which ARV, which times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.armed_policing.derivation import derive, derive_deployment, is_derived
from watchkeeper.incidents.entries import (
    Arrived,
    CallSource,
    EnRoute,
    FirearmsAuthorised,
    Location,
    Opened,
    ResourceAssigned,
    Struck,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.errors import InputError
from watchkeeper.kernel.ids import IncidentId

T0 = datetime(2026, 5, 4, 22, 0, tzinfo=UTC)
ARVS = frozenset({"ARV-1", "ARV-2"})


def at(minute: float) -> datetime:
    return T0 + timedelta(minutes=minute)


def incident(ref: str, *steps: tuple[float, object]) -> Incident:
    opened = Opened(CallSource.EMERGENCY_999, Location("1 High St", "Wolverhampton"), "weapons")
    log = Incident.open(IncidentId(ref), opened, T0, "handler", T0)
    for minute, payload in steps:
        log.record(payload, at(minute), "dispatcher", at(minute))  # type: ignore[arg-type]
    return log


def test_an_authorised_arv_attendance_yields_call_authority_dispatch_and_arrival() -> None:
    log = incident(
        "INC-1",
        (1, ResourceAssigned("PC-9")),  # not an ARV: ignored
        (2, ResourceAssigned("ARV-1", "weapons call")),
        (3, FirearmsAuthorised("Insp 4412", "knife seen")),
        (4, EnRoute("ARV-1")),
        (13, Arrived("ARV-1")),
    )
    d = derive_deployment(log, ARVS)
    assert d is not None
    assert (d.deployment_id, d.incident_ref, d.arv, d.area) == (
        "log-INC-1", "INC-1", "ARV-1", "Wolverhampton",
    )  # fmt: skip
    assert (d.call_at, d.authorised_at, d.dispatched_at, d.en_route_at, d.arrived_at) == (
        T0, at(3), at(2), at(4), at(13),
    )  # fmt: skip
    assert d.attendance_minutes == 13.0
    assert is_derived(d.deployment_id)


def test_the_first_arv_to_arrive_is_the_attendance_not_the_first_sent() -> None:
    log = incident(
        "INC-2",
        (1, ResourceAssigned("ARV-1")),
        (2, ResourceAssigned("ARV-2")),
        (9, Arrived("ARV-2")),
        (15, Arrived("ARV-1")),
    )
    d = derive_deployment(log, ARVS)
    assert d is not None and (d.arv, d.dispatched_at, d.arrived_at) == ("ARV-2", at(2), at(9))
    assert d.authorised_at is None  # sent ahead of any authority: still a deployment


def test_no_arv_has_arrived_yet_the_first_sent_is_recorded_without_arrival() -> None:
    d = derive_deployment(incident("INC-3", (1, ResourceAssigned("ARV-2"))), ARVS)
    assert d is not None and (d.arv, d.arrived_at, d.attendance_minutes) == ("ARV-2", None, None)


def test_an_incident_with_no_authority_and_no_arv_is_not_armed() -> None:
    log = incident("INC-4", (1, ResourceAssigned("PC-9")), (5, Arrived("PC-9")))
    assert derive_deployment(log, ARVS) is None


def test_a_struck_arrival_does_not_count() -> None:
    log = incident(
        "INC-5",
        (1, ResourceAssigned("ARV-1")),
        (4, Arrived("ARV-1")),  # seq 3, entered on the wrong incident
        (5, Struck(3, "wrong incident")),
        (11, Arrived("ARV-1")),
    )
    d = derive_deployment(log, ARVS)
    assert d is not None and d.arrived_at == at(11)


def test_authorised_without_an_arv_is_skipped_naming_the_incident_and_field() -> None:
    armed = incident("INC-6", (2, FirearmsAuthorised("Insp 4412")))
    plain = incident("INC-7", (1, ResourceAssigned("PC-9")))
    good = incident("INC-8", (1, ResourceAssigned("ARV-1")), (8, Arrived("ARV-1")))
    with pytest.raises(InputError, match=r"INC-6: .*no armed response vehicle.*field: arv"):
        derive_deployment(armed, ARVS)
    result = derive([armed, plain, good], ARVS)
    assert [d.incident_ref for d in result.deployments] == ["INC-8"]
    assert [s.incident_ref for s in result.skipped] == ["INC-6"]


def test_an_arrival_logged_before_the_arv_was_sent_is_skipped_with_the_fields() -> None:
    log = incident("INC-9", (1, Arrived("ARV-1")), (3, ResourceAssigned("ARV-1")))
    result = derive([log], ARVS)
    assert result.deployments == ()
    assert "INC-9" in result.skipped[0].reason
    assert "arrived_at" in result.skipped[0].reason and "dispatched_at" in result.skipped[0].reason


def test_an_authority_recorded_blank_is_refused() -> None:
    with pytest.raises(InputError, match="authorised_by"):
        FirearmsAuthorised("  ")
