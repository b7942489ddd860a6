"""A firearms incident's armed deployment: call, authorisation, dispatch, en route, arrival.

Times come from the incident log and the ARV's unit data (STANDARDS.md §8 design note: record
dispatch, en-route and arrival per ARV from the tracking data). A timeline that runs backwards
is refused, naming the deployment and the fields, so no impossible attendance time is analysed.
Authorisation must follow the call but may come before or after the ARV is sent.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from watchkeeper.kernel.clock import ensure_utc, minutes_between
from watchkeeper.kernel.errors import InputError

STAGES = ("call_at", "authorised_at", "dispatched_at", "en_route_at", "arrived_at")


@dataclass(frozen=True, slots=True)
class ArmedDeployment:
    deployment_id: str
    incident_ref: str
    arv: str  # call sign of the armed response vehicle
    area: str
    call_at: datetime
    authorised_at: datetime | None = None
    dispatched_at: datetime | None = None
    en_route_at: datetime | None = None
    arrived_at: datetime | None = None

    @property
    def attendance_minutes(self) -> float | None:
        """Call to arrival; None while not arrived."""
        return None if self.arrived_at is None else minutes_between(self.call_at, self.arrived_at)


def _check_authorisation(d: ArmedDeployment, call: datetime) -> None:
    # Authority and movement are logged independently (an ARV may already be travelling when
    # the authority is given), so authorisation is checked against the call only; the
    # movement stages must run in order.
    if d.authorised_at is not None and ensure_utc(d.authorised_at) < call:
        raise InputError(
            f"deployment {d.deployment_id}: authorised_at {d.authorised_at.isoformat()} is before "
            f"the call {call.isoformat()} (fields: call_at, authorised_at)"
        )


def validate_deployment(d: ArmedDeployment) -> ArmedDeployment:
    """Refuse a deployment whose times are missing their zone or run backwards; return it."""
    for field in ("deployment_id", "incident_ref", "arv", "area"):
        if not str(getattr(d, field)).strip():
            raise InputError(
                f"deployment {d.deployment_id or '?'} needs a {field} (field: {field})"
            )
    stamps: list[tuple[str, datetime]] = []
    for field in STAGES:
        value = getattr(d, field)
        if value is None:
            continue
        try:
            stamps.append((field, ensure_utc(value)))
        except ValueError as exc:
            raise InputError(f"deployment {d.deployment_id}: {field} has no time zone") from exc
    if not stamps or stamps[0][0] != "call_at":
        raise InputError(f"deployment {d.deployment_id} needs the call time (field: call_at)")
    call = stamps[0][1]
    if d.arrived_at is not None and ensure_utc(d.arrived_at) < call:
        raise InputError(
            f"deployment {d.deployment_id}: arrival {d.arrived_at.isoformat()} is before the call "
            f"{call.isoformat()} (field: arrived_at)"
        )
    _check_authorisation(d, call)
    moves = [(field, at) for field, at in stamps if field != "authorised_at"]
    for (earlier, t0), (later, t1) in itertools.pairwise(moves):
        if t1 < t0:
            raise InputError(
                f"deployment {d.deployment_id}: {later} {t1.isoformat()} is before "
                f"{earlier} {t0.isoformat()} (fields: {earlier}, {later})"
            )
    return d
