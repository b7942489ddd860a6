"""The nominal index in SQL: people with aliases, addresses, their links, match suggestions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from watchkeeper.kernel.errors import DomainRuleViolation, InputError, NotFound
from watchkeeper.kernel.geo import Point
from watchkeeper.people.addresses import Address
from watchkeeper.people.index import key_strings
from watchkeeper.people.model import BirthYears, Person, PersonName
from watchkeeper.people.place_keys import address_match_key
from watchkeeper.people.similarity import normalise_name, soundex
from watchkeeper.persistence.tables_safeguarding import (
    addresses,
    match_suggestions,
    people,
    person_addresses,
    person_aliases,
    person_keys,
    record_links,
)
from watchkeeper.safeguarding.ports import IncidentLink, MatchSuggestionRecord


def family_key(family: str) -> str:
    """The phonetic key of a family name: spelling variants share it (candidate search)."""
    return soundex(normalise_name(family)) or "-"


def person_rows(person: Person, at: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ``people`` row and ``person_aliases`` rows of a person (``key_rows`` adds its keys)."""
    primary = person.primary_name
    estimate = person.estimated_birth
    row = {
        "person_ref": person.person_ref,
        "given": primary.given,
        "family": primary.family,
        "family_key": family_key(primary.family),
        "date_of_birth": person.date_of_birth,
        "born_earliest": estimate.earliest if estimate else None,
        "born_latest": estimate.latest if estimate else None,
        "markers": sorted(person.markers),
        "created_at": at,
    }
    aliases = [
        {"person_ref": person.person_ref, "seq": i, "given": n.given, "family": n.family,
         "family_key": family_key(n.family)}
        for i, n in enumerate(person.aliases, start=1)
    ]  # fmt: skip
    return row, aliases


def key_rows(person: Person) -> list[dict[str, str]]:
    """The ``person_keys`` rows of a person: its blocking keys (candidate search)."""
    return [{"block_key": k, "person_ref": person.person_ref} for k in sorted(key_strings(person))]


def address_row(address: Address) -> dict[str, Any]:
    point = address.point
    return {
        "address_ref": address.address_ref,
        "lines": list(address.lines),
        "postcode": address.postcode,
        "match_key": address_match_key(address)[:255],
        "lat": point.lat if point else None,
        "lon": point.lon if point else None,
    }


def _estimate(row: sa.Row[Any]) -> BirthYears | None:
    if row.born_earliest is None or row.born_latest is None:
        return None
    return BirthYears(row.born_earliest, row.born_latest)


_IN_BATCH = 500  # values per IN list (SQLite's default limit on bound parameters is far above)


class SqlPeopleStore:
    """The PeopleStore port over the unit of work's connection."""

    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add_person(self, person: Person, at: datetime) -> None:
        if self._c.execute(sa.select(people.c.person_ref).where(
                people.c.person_ref == person.person_ref)).first():  # fmt: skip
            raise InputError(f"person {person.person_ref} is already on the index")
        row, aliases = person_rows(person, at)
        self._c.execute(sa.insert(people), [row])
        if aliases:
            self._c.execute(sa.insert(person_aliases), aliases)
        self._c.execute(sa.insert(person_keys), key_rows(person))

    def _people(self, rows: Sequence[sa.Row[Any]]) -> list[Person]:
        """Persons from ``people`` rows, their aliases read in one statement."""
        refs = [r.person_ref for r in rows]
        aliases: dict[str, list[PersonName]] = {}
        for start in range(0, len(refs), _IN_BATCH):
            for a in self._c.execute(
                sa.select(person_aliases.c.person_ref, person_aliases.c.given,
                          person_aliases.c.family)
                .where(person_aliases.c.person_ref.in_(refs[start : start + _IN_BATCH]))
                .order_by(person_aliases.c.person_ref, person_aliases.c.seq)
            ):  # fmt: skip
                aliases.setdefault(a.person_ref, []).append(PersonName(a.given, a.family))
        return [
            Person(r.person_ref, (PersonName(r.given, r.family), *aliases.get(r.person_ref, ())),
                   r.date_of_birth, frozenset(r.markers), _estimate(r))
            for r in rows
        ]  # fmt: skip

    def names_of(self, person_refs: Collection[str]) -> dict[str, str]:
        """The primary name of each person on the index among ``person_refs``."""
        wanted = sorted(set(person_refs))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), _IN_BATCH):
            for r in self._c.execute(
                sa.select(people.c.person_ref, people.c.given, people.c.family)
                .where(people.c.person_ref.in_(wanted[start : start + _IN_BATCH]))
            ):  # fmt: skip
                found[r.person_ref] = str(PersonName(r.given, r.family))
        return found

    def persons(self, person_refs: Collection[str]) -> dict[str, Person]:
        """Each person on the index among ``person_refs``, by reference."""
        wanted = sorted(set(person_refs))
        rows: list[sa.Row[Any]] = []
        for start in range(0, len(wanted), _IN_BATCH):
            batch = wanted[start : start + _IN_BATCH]
            rows.extend(self._c.execute(sa.select(people).where(people.c.person_ref.in_(batch))))
        return {p.person_ref: p for p in self._people(rows)}

    def get_person(self, person_ref: str) -> Person:
        row = self._c.execute(sa.select(people).where(people.c.person_ref == person_ref)).first()
        if row is None:
            raise NotFound(f"no person {person_ref} on the nominal index")
        return self._people([row])[0]

    def people_sharing(self, keys: Collection[str]) -> Sequence[Person]:
        found: dict[str, sa.Row[Any]] = {}
        wanted = sorted(keys)
        for start in range(0, len(wanted), _IN_BATCH):
            refs = sa.select(person_keys.c.person_ref).where(
                person_keys.c.block_key.in_(wanted[start : start + _IN_BATCH])
            )
            for r in self._c.execute(sa.select(people).where(people.c.person_ref.in_(refs))):
                found[r.person_ref] = r
        return self._people([found[ref] for ref in sorted(found)])

    def places_of(self, person_refs: Collection[str]) -> dict[str, frozenset[str]]:
        wanted = sorted(set(person_refs))
        found: dict[str, set[str]] = {ref: set() for ref in wanted}
        for start in range(0, len(wanted), _IN_BATCH):
            rows = self._c.execute(
                sa.select(person_addresses.c.person_ref, addresses.c.match_key)
                .join(addresses, addresses.c.address_ref == person_addresses.c.address_ref)
                .where(person_addresses.c.person_ref.in_(wanted[start : start + _IN_BATCH]))
            )
            for r in rows:
                found[r.person_ref].add(r.match_key)
        return {ref: frozenset(keys) for ref, keys in found.items()}

    def add_address(self, address: Address) -> None:
        if self._c.execute(sa.select(addresses.c.address_ref).where(
                addresses.c.address_ref == address.address_ref)).first():  # fmt: skip
            raise InputError(f"address {address.address_ref} is already on the index")
        self._c.execute(sa.insert(addresses), [address_row(address)])

    def get_address(self, address_ref: str) -> Address:
        row = self._c.execute(
            sa.select(addresses).where(addresses.c.address_ref == address_ref)
        ).first()
        if row is None:
            raise NotFound(f"no address {address_ref} on the nominal index")
        point = Point(row.lat, row.lon) if row.lat is not None and row.lon is not None else None
        return Address(row.address_ref, tuple(row.lines), row.postcode, point)

    def addresses_matching(self, match_key: str) -> Sequence[str]:
        rows = self._c.execute(
            sa.select(addresses.c.address_ref).where(addresses.c.match_key == match_key)
        )
        return [r.address_ref for r in rows]

    def link_address(self, person_ref: str, address_ref: str, relation: str) -> None:
        self.get_person(person_ref)
        self.get_address(address_ref)
        exists = self._c.execute(
            sa.select(person_addresses.c.person_ref).where(
                person_addresses.c.person_ref == person_ref,
                person_addresses.c.address_ref == address_ref,
                person_addresses.c.relation == relation,
            )
        ).first()
        if exists is None:
            self._c.execute(
                sa.insert(person_addresses),
                [{"person_ref": person_ref, "address_ref": address_ref, "relation": relation,
                  "since": None}],
            )  # fmt: skip

    def addresses_of(self, person_ref: str) -> Sequence[tuple[str, str]]:
        rows = self._c.execute(
            sa.select(person_addresses.c.address_ref, person_addresses.c.relation)
            .where(person_addresses.c.person_ref == person_ref)
            .order_by(person_addresses.c.address_ref)
        )
        return [(r.address_ref, r.relation) for r in rows]

    def people_at(self, address_ref: str) -> Sequence[tuple[str, str]]:
        rows = self._c.execute(
            sa.select(person_addresses.c.person_ref, person_addresses.c.relation)
            .where(person_addresses.c.address_ref == address_ref)
            .order_by(person_addresses.c.person_ref)
        )
        return [(r.person_ref, r.relation) for r in rows]

    def link_incident(self, link: IncidentLink) -> None:
        self._c.execute(
            sa.insert(record_links),
            [{"incident_id": link.incident_id, "person_ref": link.person_ref,
              "address_ref": link.address_ref, "role": link.role, "linked_by": link.linked_by,
              "linked_at": link.linked_at}],
        )  # fmt: skip

    def incident_links(self, person_ref: str) -> Sequence[IncidentLink]:
        rows = self._c.execute(
            sa.select(record_links)
            .where(record_links.c.person_ref == person_ref)
            .order_by(record_links.c.linked_at, record_links.c.id)
        )
        return [
            IncidentLink(r.incident_id, r.person_ref, r.address_ref, r.role, r.linked_by,
                         r.linked_at)
            for r in rows
        ]  # fmt: skip

    def add_suggestion(
        self, left_ref: str, right_ref: str, score: float, reasons: Sequence[str], at: datetime
    ) -> bool:
        left, right = sorted((left_ref, right_ref))
        exists = self._c.execute(
            sa.select(match_suggestions.c.id).where(
                match_suggestions.c.left_ref == left, match_suggestions.c.right_ref == right
            )
        ).first()
        if exists is not None:
            return False
        self._c.execute(
            sa.insert(match_suggestions),
            [{"left_ref": left, "right_ref": right, "score": score, "reasons": list(reasons),
              "suggested_at": at, "decision": "pending"}],
        )  # fmt: skip
        return True

    def suggestions(
        self, decision: str = "pending", limit: int | None = None
    ) -> Sequence[MatchSuggestionRecord]:
        rows = self._c.execute(
            sa.select(match_suggestions)
            .where(match_suggestions.c.decision == decision)
            .order_by(match_suggestions.c.score.desc(), match_suggestions.c.id)
            .limit(limit)
        )
        return [
            MatchSuggestionRecord(r.id, r.left_ref, r.right_ref, r.score, tuple(r.reasons),
                                  r.decision, r.decided_by, r.rationale)
            for r in rows
        ]  # fmt: skip

    def count_suggestions(self, decision: str = "pending") -> int:
        where = match_suggestions.c.decision == decision
        query = sa.select(sa.func.count()).select_from(match_suggestions).where(where)
        return int(self._c.execute(query).scalar_one())

    def decide_suggestion(
        self, suggestion_id: int, decision: str, by: str, rationale: str, at: datetime
    ) -> None:
        row = self._c.execute(
            sa.select(match_suggestions.c.decision).where(match_suggestions.c.id == suggestion_id)
        ).first()
        if row is None:
            raise NotFound(f"no match suggestion {suggestion_id}")
        if row.decision != "pending":
            raise DomainRuleViolation(f"match suggestion {suggestion_id} is already {row.decision}")
        self._c.execute(
            sa.update(match_suggestions)
            .where(match_suggestions.c.id == suggestion_id)
            .values(decision=decision, decided_by=by, decided_at=at, rationale=rationale)
        )
