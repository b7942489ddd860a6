"""Ports of the safeguarding services: the stores they write through, and their records.

Adapters (``persistence.people_store``, ``persistence.safeguarding_store``,
``persistence.duty_store``) implement these over SQL; ``persistence.uow.SqlUnitOfWork``
carries one of each, so it is a ``SafeguardingUnitOfWork``. Fakes in tests implement them
in memory. Every method works inside the caller's transaction; none commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from watchkeeper.access.ports import AuditLog
from watchkeeper.duties.model import Duty
from watchkeeper.people.addresses import Address
from watchkeeper.people.model import Person
from watchkeeper.safeguarding.missing import MissingEpisode
from watchkeeper.safeguarding.offenders import (
    ArmsAssessment,
    CustodyPeriod,
    Mappa,
    Notification,
    RsoRisk,
    VisitPlan,
)
from watchkeeper.safeguarding.rso_reviews import RiskEvent


@dataclass(frozen=True, slots=True)
class IncidentLink:
    """A person and/or address linked to an incident, with the part they played."""

    incident_id: str
    person_ref: str | None
    address_ref: str | None
    role: str  # victim, suspect, missing, location, ...
    linked_by: str
    linked_at: datetime


@dataclass(frozen=True, slots=True)
class MatchSuggestionRecord:
    """A suggested duplicate pair awaiting (or after) a person's decision; never a merge."""

    suggestion_id: int
    left_ref: str
    right_ref: str
    score: float
    reasons: tuple[str, ...]
    decision: str  # pending, same-person, different
    decided_by: str | None = None
    rationale: str | None = None


@dataclass(frozen=True, slots=True)
class DaCase:
    """A domestic-abuse case: the DASH state, its level, sign-off and MARAC referral date."""

    case_ref: str
    victim_ref: str
    opened_at: datetime
    status: str = "open"  # open, closed
    perpetrator_ref: str | None = None
    address_ref: str | None = None
    incident_id: str | None = None
    dash_status: str = "none"  # a DashStatus value
    refusal_reason: str | None = None
    actuarial_level: str | None = None
    risk_level: str | None = None
    judgement_rationale: str | None = None
    judgement_by: str | None = None
    assessed_by: str | None = None
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None
    marac_referred_on: date | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DashSubmission:
    """One version of the answers to a risk form, as submitted (never edited)."""

    case_ref: str
    seq: int
    form_id: str
    form_version: str
    answers: dict[str, str]
    yes_count: int
    submitted_by: str
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    """A missing-person episode with where it came from and who reported it."""

    episode: MissingEpisode
    reported_by: str
    address_ref: str | None = None
    incident_id: str | None = None

    @property
    def episode_ref(self) -> str:
        return self.episode.report.episode_ref


@dataclass(frozen=True, slots=True)
class OffenderRecord:
    """A registered offender: who, where, who manages them, risk, MAPPA and visit plan."""

    offender_ref: str
    person_ref: str
    manager_ref: str
    registered_on: date
    risk: RsoRisk
    mappa: Mappa
    plan: VisitPlan
    address_ref: str | None = None
    notification_ends_on: date | None = None  # None: indefinite (SOA 2003 s82)
    no_fixed_abode: bool = False
    reactive: bool = False
    status: str = "active"  # active, ended


@dataclass(frozen=True, slots=True)
class OffenderFile:
    """An offender with everything recorded against them, oldest first."""

    offender: OffenderRecord
    notifications: tuple[Notification, ...] = ()
    assessments: tuple[ArmsAssessment, ...] = ()
    visits: tuple[date, ...] = ()
    custody: tuple[CustodyPeriod, ...] = field(default_factory=tuple)
    risk_events: tuple[RiskEvent, ...] = ()  # review triggers and risk reviews


class PeopleStore(Protocol):
    def add_person(self, person: Person, at: datetime) -> None: ...
    def names_of(self, person_refs: Collection[str]) -> dict[str, str]:
        """person_ref -> primary name, for those on the index (lists show names, not refs)."""

    def persons(self, person_refs: Collection[str]) -> dict[str, Person]:
        """person_ref -> Person, for those on the index."""

    def get_person(self, person_ref: str) -> Person:
        """Raises NotFound."""

    def people_sharing(self, keys: Collection[str]) -> Sequence[Person]:
        """Everyone filed under at least one of the blocking ``keys`` (people.index.key_strings)."""

    def places_of(self, person_refs: Collection[str]) -> dict[str, frozenset[str]]:
        """The match keys (people.place_keys) of the addresses each person is linked to."""

    def add_address(self, address: Address) -> None: ...
    def get_address(self, address_ref: str) -> Address:
        """Raises NotFound."""

    def addresses_matching(self, match_key: str) -> Sequence[str]:
        """References of addresses whose match key equals ``match_key``."""

    def link_address(self, person_ref: str, address_ref: str, relation: str) -> None: ...
    def addresses_of(self, person_ref: str) -> Sequence[tuple[str, str]]:
        """(address_ref, relation) pairs."""

    def people_at(self, address_ref: str) -> Sequence[tuple[str, str]]:
        """(person_ref, relation) pairs."""

    def link_incident(self, link: IncidentLink) -> None: ...
    def incident_links(self, person_ref: str) -> Sequence[IncidentLink]: ...
    def add_suggestion(self, left_ref: str, right_ref: str, score: float,
                       reasons: Sequence[str], at: datetime) -> bool:  # fmt: skip
        """Store a pending suggestion; False if this pair was already suggested."""

    def suggestions(
        self, decision: str = "pending", limit: int | None = None
    ) -> Sequence[MatchSuggestionRecord]:
        """Suggestions with ``decision``, likeliest first (at most ``limit``)."""

    def count_suggestions(self, decision: str = "pending") -> int: ...
    def decide_suggestion(self, suggestion_id: int, decision: str, by: str,
                          rationale: str, at: datetime) -> None:  # fmt: skip
        """Raises NotFound; refuses a decided suggestion (DomainRuleViolation)."""


class DomesticAbuseStore(Protocol):
    def add_case(self, case: DaCase) -> None: ...
    def get_case(self, case_ref: str) -> DaCase:
        """Raises NotFound."""

    def save_case(self, case: DaCase) -> None: ...
    def cases_of_victim(self, victim_ref: str) -> Sequence[DaCase]: ...
    def cases_for_incident(self, incident_id: str) -> Sequence[DaCase]: ...
    def cases_with_status(self, status: str, limit: int) -> tuple[Sequence[DaCase], int]:
        """Up to ``limit`` cases in ``status`` (longest open first) and the total."""

    def add_submission(self, submission: DashSubmission) -> None: ...
    def submissions(self, case_ref: str) -> Sequence[DashSubmission]: ...
    def add_referral(self, case_ref: str, *, victim_ref: str, referred_on: date,
                     criteria: Sequence[str], prefill: dict[str, object], by: str,
                     at: datetime) -> None:  # fmt: skip
        ...


class MissingStore(Protocol):
    def add_episode(self, record: EpisodeRecord) -> None: ...
    def get_episode(self, episode_ref: str) -> EpisodeRecord:
        """Raises NotFound."""

    def save_episode(self, record: EpisodeRecord) -> None:
        """Store changed state and append reviews not yet stored."""

    def episodes_of(self, person_ref: str) -> Sequence[EpisodeRecord]: ...
    def episodes_with_status(self, status: str, limit: int) -> tuple[Sequence[EpisodeRecord], int]:
        """Up to ``limit`` episodes in ``status`` (reported earliest first) and the total."""


class OffenderStore(Protocol):
    def add_offender(self, offender: OffenderRecord) -> None: ...
    def get_offender(self, offender_ref: str) -> OffenderFile:
        """Raises NotFound."""

    def save_offender(self, offender: OffenderRecord) -> None: ...
    def add_notification(self, offender_ref: str, notification: Notification, by: str) -> None: ...
    def add_assessment(self, offender_ref: str, assessment: ArmsAssessment) -> None: ...
    def add_visit(self, offender_ref: str, visited_on: date, by: str, note: str) -> None: ...
    def add_custody(self, offender_ref: str, period: CustodyPeriod) -> None: ...
    def end_custody(self, offender_ref: str, ends_on: date) -> None: ...
    def add_risk_event(self, offender_ref: str, event: RiskEvent) -> None: ...
    def offenders_of_person(self, person_ref: str) -> Sequence[OffenderRecord]: ...
    def offenders_with_status(
        self, status: str, limit: int
    ) -> tuple[Sequence[OffenderRecord], int]:
        """Up to ``limit`` offenders in ``status`` (by reference) and the total."""

    def caseload(self, manager_ref: str) -> Sequence[str]:
        """Active offender references managed by ``manager_ref``."""


class DutyStore(Protocol):
    def add(self, duty: Duty) -> None: ...
    def save(self, duty: Duty) -> None:
        """Store the new state and append history events not yet stored."""

    def get(self, duty_id: str) -> Duty:
        """Raises NotFound."""

    def open_for_owner(self, owner: str) -> Sequence[Duty]: ...
    def open_for_supervisor(self, supervisor: str) -> Sequence[Duty]: ...
    def open_for_subject(self, subject_ref: str) -> Sequence[Duty]: ...
    def open_due_before(self, at: datetime) -> Sequence[Duty]:
        """Open duties whose due time is before ``at`` (the overdue, when ``at`` is now)."""

    def history_of(self, subject_ref: str) -> Sequence[Duty]:
        """Every duty about ``subject_ref``, open or not."""


class KnownFact(Protocol):
    """One thing a register holds about a person or address, as shown at intake."""

    @property
    def register(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def reference(self) -> str: ...


class IntakeLookup(Protocol):
    """What the registers know about an incident's address text and caller (read model)."""

    def known_at(self, address_key: str, person_ref: str) -> Sequence[KnownFact]: ...


class SafeguardingUnitOfWork(Protocol):
    """One transaction over the registers; ``audit`` records in the same transaction."""

    people: PeopleStore
    domestic_abuse: DomesticAbuseStore
    missing: MissingStore
    offenders: OffenderStore
    duties: DutyStore
    audit: AuditLog

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
