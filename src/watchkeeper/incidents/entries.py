"""The kinds of entry an incident log can hold: an open, versioned set.

Each kind is a frozen dataclass registered under a stable ``kind`` name and a
``version``. A later capability adds kinds with :func:`entry_kind`; it never changes
an old one (a changed shape is a new version, and old versions stay readable).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from watchkeeper.kernel.errors import InputError


class CallSource(StrEnum):
    """How the incident reached the force."""

    EMERGENCY_999 = "999"
    NON_EMERGENCY_101 = "101"
    ONLINE = "online"
    OFFICER_INITIATED = "officer-initiated"
    ALARM = "alarm"
    OTHER = "other"


class Grade(StrEnum):
    """Canonical response grades (National Call Handling Standards, STANDARDS.md 1.1)."""

    EMERGENCY = "emergency"
    PRIORITY = "priority"
    SCHEDULED = "scheduled"
    RESOLUTION_WITHOUT_DEPLOYMENT = "resolution-without-deployment"


class ThriveElement(StrEnum):
    """The six THRIVE elements (STANDARDS.md 2)."""

    THREAT = "threat"
    HARM = "harm"
    RISK = "risk"
    INVESTIGATION = "investigation"
    VULNERABILITY = "vulnerability"
    ENGAGEMENT = "engagement"


class Level(StrEnum):
    """Ordinal THRIVE level; no national numeric scale exists, points are configuration."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Location:
    """Where the incident is: text as given, the force area it falls in, and a position."""

    text: str
    area: str = "unknown"
    lat: float | None = None
    lon: float | None = None

    @property
    def address_key(self) -> str:
        """A normalised key used to spot repeat locations."""
        return " ".join(self.text.upper().replace(";", " ").replace(",", " ").split())


@dataclass(frozen=True, slots=True)
class Caller:
    """Who called; personal data, never logged."""

    name: str = ""
    phone: str = ""
    person_ref: str = ""


@dataclass(frozen=True, slots=True)
class ThriveRating:
    """One THRIVE element's level and the call handler's reason for it."""

    level: Level
    rationale: str


class EntryPayload:
    """Base of every entry kind; subclasses are frozen dataclasses."""

    kind: ClassVar[str]
    version: ClassVar[int]


P = TypeVar("P", bound=type[EntryPayload])
_REGISTRY: dict[tuple[str, int], type[EntryPayload]] = {}


def entry_kind(kind: str, version: int = 1) -> Any:
    """Class decorator registering an entry kind under (kind, version)."""

    def register(cls: P) -> P:
        if (kind, version) in _REGISTRY:
            raise ValueError(f"entry kind {kind} v{version} is already registered")
        cls.kind = kind
        cls.version = version
        _REGISTRY[(kind, version)] = cls
        return cls

    return register


def registered_kinds() -> list[tuple[str, int]]:
    """Every (kind, version) this build can read."""
    return sorted(_REGISTRY)


@entry_kind("opened")
@dataclass(frozen=True, slots=True)
class Opened(EntryPayload):
    source: CallSource
    location: Location
    category: str
    caller: Caller = field(default_factory=Caller)
    summary: str = ""
    source_system: str = ""
    source_ref: str = ""


@entry_kind("thrive-assessed")
@dataclass(frozen=True, slots=True)
class ThriveAssessed(EntryPayload):
    ratings: dict[ThriveElement, ThriveRating]

    def __post_init__(self) -> None:
        missing = [e.value for e in ThriveElement if e not in self.ratings]
        if missing:
            raise InputError(f"THRIVE assessment is missing elements: {', '.join(missing)}")
        blank = [e.value for e, r in self.ratings.items() if not r.rationale.strip()]
        if blank:
            raise InputError(f"THRIVE elements need a rationale: {', '.join(blank)}")


@entry_kind("graded")
@dataclass(frozen=True, slots=True)
class Graded(EntryPayload):
    grade: Grade
    force_label: str
    reason: str = ""


@entry_kind("vulnerability-marked")
@dataclass(frozen=True, slots=True)
class VulnerabilityMarked(EntryPayload):
    marker: str
    present: bool = True
    note: str = ""


@entry_kind("contact-made")
@dataclass(frozen=True, slots=True)
class ContactMade(EntryPayload):
    outcome: str
    method: str = "call-back"


@entry_kind("linked-duplicate")
@dataclass(frozen=True, slots=True)
class LinkedDuplicate(EntryPayload):
    duplicate_of: str


@entry_kind("appointment-booked")
@dataclass(frozen=True, slots=True)
class AppointmentBooked(EntryPayload):
    appointment_at: datetime


@entry_kind("backlog-reviewed")
@dataclass(frozen=True, slots=True)
class BacklogReviewed(EntryPayload):
    note: str
    outcome: str = "reviewed"


@entry_kind("resource-assigned")
@dataclass(frozen=True, slots=True)
class ResourceAssigned(EntryPayload):
    unit: str
    reason: str = ""


@entry_kind("en-route")
@dataclass(frozen=True, slots=True)
class EnRoute(EntryPayload):
    unit: str


@entry_kind("arrived")
@dataclass(frozen=True, slots=True)
class Arrived(EntryPayload):
    unit: str


@entry_kind("firearms-authorised")
@dataclass(frozen=True, slots=True)
class FirearmsAuthorised(EntryPayload):
    """An armed deployment authorised (APP Armed Policing: by an authorising officer under the
    National Decision Model, STANDARDS.md §8); ``authorised_by`` is their role or collar number."""

    authorised_by: str
    basis: str = ""

    def __post_init__(self) -> None:
        if not self.authorised_by.strip():
            raise InputError("a firearms authorisation names who gave it (field: authorised_by)")


@entry_kind("closed")
@dataclass(frozen=True, slots=True)
class Closed(EntryPayload):
    closing_category: str
    note: str = ""


@entry_kind("alert-acknowledged")
@dataclass(frozen=True, slots=True)
class AlertAcknowledged(EntryPayload):
    """Someone in the control room saw an alert (new critical, breach) and took it on."""

    alert: str  # e.g. "critical", "breach"
    note: str = ""


@entry_kind("corrected")
@dataclass(frozen=True, slots=True)
class Corrected(EntryPayload):
    """A later export disagreed with what was stored; kept, never silently overwritten."""

    source_system: str
    source_ref: str
    differences: dict[str, list[str]]
    note: str = ""


@entry_kind("struck")
@dataclass(frozen=True, slots=True)
class Struck(EntryPayload):
    """A wrong entry is struck with a reason, never deleted (cf. ranger-ims 'stricken')."""

    target_seq: int
    reason: str


# --- serialisation -----------------------------------------------------------------


def to_document(payload: EntryPayload) -> dict[str, Any]:
    """A JSON-ready dict of the payload's fields."""
    return {f.name: _encode(getattr(payload, f.name)) for f in dataclasses.fields(payload)}  # type: ignore[arg-type]


def from_document(kind: str, version: int, document: dict[str, Any]) -> EntryPayload:
    """Rebuild a payload of a registered kind from its stored document."""
    cls = _REGISTRY.get((kind, version))
    if cls is None:
        raise InputError(f"unknown entry kind {kind!r} version {version}")
    where = f"entry {kind!r} version {version}"
    decoded = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in document:
            decoded[f.name] = _decoded_field(where, f.name, document[f.name], cls)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise InputError(f"{where}: field {f.name!r} is missing")
    try:
        return cls(**decoded)
    except InputError as exc:  # the payload's own check, e.g. a THRIVE element missing
        raise InputError(f"{where}: {exc.message}") from None


# The plain field types a stored document is checked against (annotations are strings here).
_PLAIN: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "bool": (bool,),
    "float | None": (int, float, type(None)),
}


def _decoded_field(where: str, name: str, value: Any, cls: type[EntryPayload]) -> Any:
    """One field of a stored document, or an InputError naming it (the value is not echoed:
    entry documents hold personal data)."""
    try:
        decoded = _decode(name, value, cls)
    except (TypeError, ValueError, KeyError, AttributeError):
        raise InputError(f"{where}: field {name!r} does not hold a valid value") from None
    for owner, field_name, item in [(cls, name, decoded), *_nested(decoded)]:
        spec = next(f for f in dataclasses.fields(owner) if f.name == field_name)
        wanted = _PLAIN.get(str(spec.type))
        if wanted and (
            not isinstance(item, wanted) or (bool not in wanted and isinstance(item, bool))
        ):
            raise InputError(f"{where}: field {name!r} must be {spec.type}")
    return decoded


def _nested(value: Any) -> list[tuple[type, str, Any]]:
    """(class, field, value) of each field of a nested record (a location, a caller)."""
    if isinstance(value, Location | Caller):
        return [(type(value), f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
    return []


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {_encode(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


_FIELD_TYPES: dict[str, Any] = {
    "source": CallSource,
    "grade": Grade,
    "location": Location,
    "caller": Caller,
}


def _decode(name: str, value: Any, cls: type[EntryPayload]) -> Any:
    if name in {"appointment_at"}:
        return datetime.fromisoformat(value)
    if name == "ratings":
        ratings = {}
        for k, v in value.items():
            if not isinstance(v["rationale"], str):  # the payload's own check strips it
                raise TypeError("a THRIVE rationale is text")
            ratings[ThriveElement(k)] = ThriveRating(Level(v["level"]), v["rationale"])
        return ratings
    target = _FIELD_TYPES.get(name)
    if target is Location or target is Caller:
        return target(**value)
    if target is not None:
        return target(value)
    return value
