"""The in-memory nominal index: persons by reference, and blocking keys for fast look-up.

Blocking (Fellegi & Sunter's "blocking", as in every record-linkage system) keeps a look-up
from comparing a candidate with everyone: only persons sharing at least one key are scored.
Keys are phonetic (Soundex) so spelling variants meet, cover every name and alias in either
order so a given/family swap still meets, and use parts of the date of birth, each of which
survives a day/month transposition and some typing errors. Without a date of birth only the
names are left, so each name's phonetic key is also paired with the first and the last three
letters of the *other* name: one typo in either name leaves at least one of those keys intact
(the two-key "sorted neighbourhood" idea of Hernández & Stolfo 1995, in blocking form).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from watchkeeper.kernel.errors import NotFound
from watchkeeper.people.model import Person
from watchkeeper.people.similarity import formal_forms, normalise_name, soundex

BlockingKey = tuple[str, str, str]
AFFIX = 3  # letters of a name's head and tail used in the typo-surviving keys


@dataclass(frozen=True, slots=True)
class IndexedName:
    """A name normalised once, at indexing time, for comparison."""

    given: str
    family: str


def indexed_names(person: Person) -> tuple[IndexedName, ...]:
    """Every name of a person, normalised (letters only, uppercase)."""
    return tuple(
        IndexedName(normalise_name(n.given), normalise_name(n.family)) for n in person.names
    )


def _date_keys(person: Person) -> tuple[str, str]:
    """Birth year, and day-and-month in either order (so a transposition keeps its key)."""
    dob = person.date_of_birth
    if dob is None:
        return "", ""
    low, high = sorted((dob.day, dob.month))
    return str(dob.year), f"{low:02d}{high:02d}"


def blocking_keys(person: Person) -> frozenset[BlockingKey]:
    """The keys under which a person is filed and looked up."""
    year, day_month = _date_keys(person)
    keys: set[BlockingKey] = set()
    if year:
        # The whole date catches a typo in both names; survives a day/month transposition.
        keys.add(("date", year, day_month))
    for name in indexed_names(person):
        family = soundex(name.family)
        keys.add(("family-given-head", family, name.given[:AFFIX]))
        keys.add(("family-given-tail", family, name.given[-AFFIX:]))
        for given in {soundex(form) for form in formal_forms(name.given)}:
            first, second = sorted((given, family))
            keys.add(("pair", first, second))
            keys.add(("given-family-head", given, name.family[:AFFIX]))
            keys.add(("given-family-tail", given, name.family[-AFFIX:]))
            if year:
                keys.add(("year", given, year))
                keys.add(("given-day", given, day_month))
        if year:
            keys.add(("year", family, year))
            keys.add(("family-day", family, day_month))  # survives a typo in the year
    return frozenset(keys)


def key_strings(person: Person) -> frozenset[str]:
    """The blocking keys as text, as the SQL store files them (``person_keys``)."""
    return frozenset("|".join(key) for key in blocking_keys(person))


class NominalIndex:
    """Persons by reference, with blocking keys and the places each is known at.

    A place is an address's match key (``people.place_keys``); places are evidence when
    names alone cannot tell people apart, never a blocking key.
    """

    def __init__(
        self, persons: Iterable[Person] = (), places: Mapping[str, Iterable[str]] | None = None
    ) -> None:
        self._persons: dict[str, Person] = {}
        self._names: dict[str, tuple[IndexedName, ...]] = {}
        self._keys: dict[str, frozenset[BlockingKey]] = {}
        self._places: dict[str, frozenset[str]] = {}
        self._blocks: defaultdict[BlockingKey, set[str]] = defaultdict(set)
        places = places or {}
        for person in persons:
            self.add(person, places.get(person.person_ref, ()))

    def __len__(self) -> int:
        return len(self._persons)

    def __contains__(self, person_ref: object) -> bool:
        return person_ref in self._persons

    def __iter__(self) -> Iterator[Person]:
        return iter(self._persons.values())

    def add(self, person: Person, places: Iterable[str] = ()) -> None:
        """File a person and the places they are known at (replacing an earlier version)."""
        if person.person_ref in self._persons:
            self.remove(person.person_ref)
        ref = person.person_ref
        self._persons[ref] = person
        self._places[ref] = frozenset(p for p in places if p)
        self._names[ref] = indexed_names(person)
        self._keys[ref] = blocking_keys(person)
        for key in self._keys[ref]:
            self._blocks[key].add(ref)

    def remove(self, person_ref: str) -> None:
        """Take a person out of the index (e.g. after a reviewed merge elsewhere)."""
        if person_ref not in self._persons:
            raise NotFound(f"no person {person_ref} on the nominal index")
        for key in self._keys.pop(person_ref):
            block = self._blocks[key]
            block.discard(person_ref)
            if not block:
                del self._blocks[key]
        del self._persons[person_ref]
        del self._names[person_ref]
        del self._places[person_ref]

    def get(self, person_ref: str) -> Person:
        try:
            return self._persons[person_ref]
        except KeyError:
            raise NotFound(f"no person {person_ref} on the nominal index") from None

    def names_of(self, person_ref: str) -> tuple[IndexedName, ...]:
        """The normalised names filed for a person."""
        return self._names[person_ref]

    def places_of(self, person_ref: str) -> frozenset[str]:
        """The match keys of the addresses a person is known at (empty: none recorded)."""
        try:
            return self._places[person_ref]
        except KeyError:
            raise NotFound(f"no person {person_ref} on the nominal index") from None

    def candidates(self, person: Person) -> set[str]:
        """References of everyone sharing a blocking key with ``person`` (itself excluded)."""
        found: set[str] = set()
        for key in blocking_keys(person):
            found |= self._blocks.get(key, set())
        found.discard(person.person_ref)
        return found

    def largest_block(self) -> int:
        """Size of the biggest block: the worst-case comparisons one key can cost."""
        return max((len(b) for b in self._blocks.values()), default=0)
