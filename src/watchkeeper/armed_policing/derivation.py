"""Armed deployments derived from the incident log, so nothing is typed twice.

An incident is an armed deployment when its log shows a firearms authorisation
(``firearms-authorised``) or an armed response vehicle assigned, en route or arrived (a unit
whose register skills include the configured ARV skill). The deployment takes:

- the call: when the incident was opened;
- the authorisation: the first unstruck ``firearms-authorised`` entry;
- the ARV: the first ARV to arrive, or (none arrived yet) the first ARV sent;
- that ARV's assignment (dispatch), en-route and arrival times.

Struck entries are ignored. The deployment id is fixed by the incident (``log-<incident>``), so
deriving again replaces the same row instead of adding another. An incident with an authority
but no ARV yet, or whose times run backwards, is skipped with the reason (no guessing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from watchkeeper.armed_policing.model import ArmedDeployment, validate_deployment
from watchkeeper.incidents.entries import Arrived, EnRoute, FirearmsAuthorised, ResourceAssigned
from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.errors import InputError

DERIVED_PREFIX = "log-"


def deployment_id_for(incident_ref: str) -> str:
    """The stable id of the deployment derived from one incident's log."""
    return f"{DERIVED_PREFIX}{incident_ref}"


def is_derived(deployment_id: str) -> bool:
    return deployment_id.startswith(DERIVED_PREFIX)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An armed incident that yields no deployment yet, and why."""

    incident_ref: str
    reason: str


@dataclass(frozen=True, slots=True)
class Derivation:
    deployments: tuple[ArmedDeployment, ...]
    skipped: tuple[Skipped, ...]


@dataclass(slots=True)
class _Movements:
    assigned: datetime | None = None
    en_route: datetime | None = None
    arrived: datetime | None = None


def _first(current: datetime | None, at: datetime) -> datetime:
    return at if current is None else current


def _scan(incident: Incident, arvs: frozenset[str],
          struck: frozenset[int]) -> tuple[datetime | None, dict[str, _Movements]]:  # fmt: skip
    """The first authorisation, and each ARV's first assignment, en-route and arrival."""
    authorised_at: datetime | None = None
    moves: dict[str, _Movements] = {}
    for entry in incident.entries:
        p = entry.payload
        if entry.seq in struck:
            continue
        if isinstance(p, FirearmsAuthorised):
            authorised_at = _first(authorised_at, entry.at)
        elif isinstance(p, ResourceAssigned | EnRoute | Arrived) and p.unit in arvs:
            m = moves.setdefault(p.unit, _Movements())
            if isinstance(p, ResourceAssigned):
                m.assigned = _first(m.assigned, entry.at)
            elif isinstance(p, EnRoute):
                m.en_route = _first(m.en_route, entry.at)
            else:
                m.arrived = _first(m.arrived, entry.at)
    return authorised_at, moves


def derive_deployment(incident: Incident, arvs: frozenset[str]) -> ArmedDeployment | None:
    """The incident's armed deployment; None when its log shows no armed response.

    Raises InputError (naming the incident and field) when the log is armed but yields no
    usable deployment: authorised with no ARV sent, or times that run backwards.
    """
    state = incident.state
    authorised_at, moves = _scan(incident, arvs, state.struck_seqs)
    order = list(moves)  # ARVs in the order they first appear in the log
    ref = str(incident.incident_id)
    if authorised_at is None and not order:
        return None
    if not order:
        raise InputError(
            f"incident {ref}: firearms authorised but no armed response vehicle sent yet (field: arv)"
        )
    arrived = [u for u in order if moves[u].arrived is not None]
    arv = min(arrived, key=lambda u: (moves[u].arrived, order.index(u))) if arrived else order[0]
    m = moves[arv]
    deployment = ArmedDeployment(
        deployment_id_for(ref), ref, arv, state.location.area, state.logged_at,
        authorised_at, m.assigned, m.en_route, m.arrived,
    )  # fmt: skip
    try:
        return validate_deployment(deployment)
    except InputError as exc:
        raise InputError(f"incident {ref}: {exc.message}") from exc


def derive(incidents: Iterable[Incident], arvs: frozenset[str]) -> Derivation:
    """Every armed deployment in ``incidents``; the armed ones that cannot be used are skipped."""
    found: list[ArmedDeployment] = []
    skipped: list[Skipped] = []
    for incident in incidents:
        try:
            deployment = derive_deployment(incident, arvs)
        except InputError as exc:
            skipped.append(Skipped(str(incident.incident_id), exc.message))
            continue
        if deployment is not None:
            found.append(deployment)
    return Derivation(tuple(found), tuple(skipped))
