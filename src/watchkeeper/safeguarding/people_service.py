"""The nominal index: people, addresses, links to incidents, duplicate suggestions, the person view.

Duplicates are *suggested* (``people.matching``) and decided by a person with a rationale;
nothing is merged silently. The person view shows each register only to roles that may
read it (least privilege); the intake summary is all a call handler sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from watchkeeper.access.model import Actor, Permission
from watchkeeper.duties.model import Duty
from watchkeeper.kernel.errors import InputError
from watchkeeper.people.addresses import Address
from watchkeeper.people.index import NominalIndex, key_strings
from watchkeeper.people.matching import MatchSuggestion, suggest_matches
from watchkeeper.people.model import BirthYears, Person, validate_person
from watchkeeper.people.place_keys import address_match_key
from watchkeeper.safeguarding.ports import (
    DaCase,
    EpisodeRecord,
    IncidentLink,
    KnownFact,
    MatchSuggestionRecord,
    OffenderRecord,
    SafeguardingUnitOfWork,
)
from watchkeeper.safeguarding.service_core import LIST_LIMIT, RegisterContext, record_write

DECISIONS = ("same-person", "different")
RECORDED_AT = "recorded-at"  # the relation of the address a person was recorded at


@dataclass(frozen=True, slots=True)
class PersonView:
    """One view of a person; a register the reader may not see is None, not empty."""

    person: Person
    addresses: tuple[tuple[Address, str], ...]
    incidents: tuple[IncidentLink, ...]
    da_cases: tuple[DaCase, ...] | None
    missing: tuple[EpisodeRecord, ...] | None
    offender_records: tuple[OffenderRecord, ...] | None
    open_duties: tuple[Duty, ...] | None


def file_new_person(
    uow: SafeguardingUnitOfWork,
    ctx: RegisterContext,
    actor: Actor,
    person: Person,
    address_ref: str | None = None,
) -> None:
    """File ``person`` inside the caller's transaction (another register's use case), with
    likely duplicates stored as suggestions and the write audited, as ``record_person`` does.
    ``address_ref`` (where the other register records them) is evidence for the suggestions
    only; that register keeps the address itself."""
    ctx.trail.authorise(actor, Permission.PEOPLE_MANAGE, ("person", person.person_ref))
    now = ctx.clock.now()
    today = ctx.policy.calendar_date(now)
    validate_person(person, today)
    found = _suggest(uow, person, today, address_ref)
    uow.people.add_person(person, now)
    for s in found:
        uow.people.add_suggestion(person.person_ref, s.person_ref, s.score, s.reasons, now)
    record_write(uow, actor, now, "person.record", ("person", person.person_ref))


def _suggest(
    uow: SafeguardingUnitOfWork, person: Person, today: date, address_ref: str | None = None
) -> list[MatchSuggestion]:
    """Likely duplicates of ``person`` already on the index, best first.

    Candidates share a blocking key (people.index) with the person, read from the store's
    person_keys; the in-memory index then scores them as people.matching does, with the
    places each candidate is known at and, when ``address_ref`` is given, the place the
    person is being recorded at."""
    candidates = uow.people.people_sharing(key_strings(person))
    known = uow.people.places_of([c.person_ref for c in candidates])
    places: frozenset[str] = frozenset()
    if address_ref:
        places = frozenset({address_match_key(uow.people.get_address(address_ref))})
    return suggest_matches(person, NominalIndex(candidates, known), today, places=places)


@dataclass(frozen=True, slots=True)
class DuplicateReview:
    """Suggested duplicates waiting for a decision (up to LIST_LIMIT of ``total``), with
    every person they name."""

    pending: tuple[MatchSuggestionRecord, ...]
    total: int
    persons: Mapping[str, Person]


class PeopleRegister:
    """Use cases of the nominal index, and the intake summary."""

    def __init__(self, ctx: RegisterContext) -> None:
        self._ctx = ctx

    def birth_years_for_age(self, youngest: int, oldest: int) -> BirthYears:
        """The years someone who gave or looked an age of ``youngest`` to ``oldest`` was born
        in, today in the force's calendar (kept as years, so it does not go stale)."""
        today = self._ctx.policy.calendar_date(self._ctx.clock.now())
        return BirthYears.from_apparent_age(youngest, oldest, today)

    def record_person(
        self, actor: Actor, person: Person, address_ref: str | None = None
    ) -> list[MatchSuggestion]:
        """File a person (a DOB in the future is refused) and store likely-duplicate suggestions.

        ``address_ref``: where the person is being recorded. It is linked (``recorded-at``) in
        the same transaction, and it is evidence for the suggestions: without a date of birth,
        a namesake known at that address stands out from namesakes elsewhere.
        """
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.PEOPLE_MANAGE, ("person", person.person_ref))
        now = ctx.clock.now()
        today = ctx.policy.calendar_date(now)
        validate_person(person, today)
        with ctx.uow() as uow:
            found = _suggest(uow, person, today, address_ref)
            uow.people.add_person(person, now)
            for s in found:
                uow.people.add_suggestion(person.person_ref, s.person_ref, s.score, s.reasons, now)
            if address_ref:
                uow.people.link_address(person.person_ref, address_ref, RECORDED_AT)
            record_write(uow, actor, now, "person.record", ("person", person.person_ref))
            uow.commit()
        return found

    def match_candidates(
        self, actor: Actor, person: Person, address_ref: str | None = None
    ) -> list[tuple[MatchSuggestion, Person]]:
        """Who on the index ``person`` may already be, best first, for an officer to choose
        from before anything is recorded (another register linking a nominal: never a merge).
        ``address_ref`` is where they are being recorded (see ``record_person``). Nothing is
        stored; the read is audited."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.PEOPLE_READ, ("person", "match"))
        today = ctx.policy.calendar_date(ctx.clock.now())
        validate_person(person, today)
        with ctx.uow() as uow:
            found = [
                (s, uow.people.get_person(s.person_ref))
                for s in _suggest(uow, person, today, address_ref)
            ]
        ctx.trail.read(actor, "person.match", ("person", f"{len(found)} suggestions"))
        return found

    def record_address(self, actor: Actor, address: Address) -> None:
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.PEOPLE_MANAGE, ("address", address.address_ref))
        with ctx.uow() as uow:
            uow.people.add_address(address)
            record_write(
                uow, actor, ctx.clock.now(), "address.record", ("address", address.address_ref)
            )
            uow.commit()

    def link_address(self, actor: Actor, person_ref: str, address_ref: str, relation: str) -> None:
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.PEOPLE_MANAGE, ("person", person_ref))
        if not relation.strip():
            raise InputError("a person-address link needs a relation (field: relation)")
        with ctx.uow() as uow:
            uow.people.link_address(person_ref, address_ref, relation.strip())
            record_write(uow, actor, ctx.clock.now(), "person.link-address", ("person", person_ref),
                         reason=address_ref)  # fmt: skip
            uow.commit()

    def link_incident(
        self, actor: Actor, incident_id: str, role: str, *, person_ref: str | None = None,
        address_ref: str | None = None,
    ) -> None:  # fmt: skip
        """Link a person and/or address to an incident with the part they played."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.PEOPLE_MANAGE, ("incident", incident_id))
        if not (person_ref or address_ref):
            raise InputError("a link needs a person_ref or an address_ref")
        now = ctx.clock.now()
        with ctx.uow() as uow:
            if person_ref:
                uow.people.get_person(person_ref)
            if address_ref:
                uow.people.get_address(address_ref)
            link = IncidentLink(incident_id, person_ref, address_ref, role, actor.username, now)
            uow.people.link_incident(link)
            record_write(uow, actor, now, "incident.link-record", ("incident", incident_id))
            uow.commit()

    def pending_suggestions(self, actor: Actor) -> Sequence[MatchSuggestionRecord]:
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.PEOPLE_READ, ("match-suggestion", ""))
        with ctx.uow() as uow:
            found = uow.people.suggestions("pending")
        ctx.trail.read(actor, "match-suggestion.list", ("match-suggestion", ""))
        return found

    def review_duplicates(self, actor: Actor) -> DuplicateReview:
        """Pending suggestions, likeliest first, with both people of each pair (an audited
        read): what an officer needs to decide same person or different."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.PEOPLE_READ, ("match-suggestion", ""))
        with ctx.uow() as uow:
            shown = tuple(uow.people.suggestions("pending", LIST_LIMIT))
            total = uow.people.count_suggestions("pending")
            persons = uow.people.persons({r for s in shown for r in (s.left_ref, s.right_ref)})
        ctx.trail.read(actor, "match-suggestion.list", ("match-suggestion", ""))
        return DuplicateReview(shown, total, persons)

    def decide_suggestion(
        self, actor: Actor, suggestion_id: int, decision: str, rationale: str
    ) -> None:
        """Record a person's decision on a suggestion; records are never merged automatically."""
        ctx = self._ctx
        ctx.trail.authorise(
            actor, Permission.PEOPLE_MANAGE, ("match-suggestion", str(suggestion_id))
        )
        if decision not in DECISIONS:
            raise InputError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
        if not rationale.strip():
            raise InputError("a match decision needs a rationale (field: rationale)")
        now = ctx.clock.now()
        with ctx.uow() as uow:
            uow.people.decide_suggestion(suggestion_id, decision, actor.username, rationale, now)
            record_write(uow, actor, now, "match-suggestion.decide",
                         ("match-suggestion", str(suggestion_id)), reason=decision)  # fmt: skip
            uow.commit()

    def show_person(self, actor: Actor, person_ref: str, reason: str | None = None) -> PersonView:
        """Everything the reader's role may see about a person, on one page (audited read)."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.PEOPLE_READ, ("person", person_ref))
        with ctx.uow() as uow:
            person = uow.people.get_person(person_ref)
            places = tuple(
                (uow.people.get_address(ref), rel)
                for ref, rel in uow.people.addresses_of(person_ref)
            )
            view = PersonView(
                person, places, tuple(uow.people.incident_links(person_ref)),
                tuple(uow.domestic_abuse.cases_of_victim(person_ref))
                if actor.may(Permission.SAFEGUARDING_READ) else None,
                tuple(uow.missing.episodes_of(person_ref))
                if actor.may(Permission.SAFEGUARDING_READ) else None,
                tuple(uow.offenders.offenders_of_person(person_ref))
                if actor.may(Permission.OFFENDER_READ) else None,
                self._duties_about(uow, person_ref, actor),
            )  # fmt: skip
        ctx.trail.read(actor, "person.read", ("person", person_ref), reason)
        return view

    def _duties_about(
        self, uow: SafeguardingUnitOfWork, person_ref: str, actor: Actor
    ) -> tuple[Duty, ...] | None:
        if not actor.may(Permission.DUTIES_READ):
            return None
        subjects = [c.case_ref for c in uow.domestic_abuse.cases_of_victim(person_ref)]
        subjects += [e.episode_ref for e in uow.missing.episodes_of(person_ref)]
        if actor.may(Permission.OFFENDER_READ):
            subjects += [o.offender_ref for o in uow.offenders.offenders_of_person(person_ref)]
        return tuple(d for s in subjects for d in uow.duties.open_for_subject(s))

    def intake_summary(
        self, actor: Actor, location_text: str, person_ref: str = "", reason: str | None = None
    ) -> Sequence[KnownFact]:
        """What the force knows about an address and caller, summarised for the call handler."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.INTAKE_LOOKUP, ("intake", person_ref))
        if ctx.lookup is None:
            return ()
        found = ctx.lookup.known_at(location_text, person_ref)
        ctx.trail.read(actor, "intake.lookup", ("intake", person_ref or "-"), reason)
        return found
