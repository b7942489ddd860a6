"""A generated nominal set with known duplicates, for measuring match quality (issue 5).

Everyone here is invented: names are built from syllables, dates drawn at random. Each run is
a pure function of its seed (``numpy.random.SeedSequence(seed).spawn``, DESIGN.md "Time and
randomness are inputs"). Queries are either corrupted copies of an indexed person (typos,
transposed day/month, a wrong digit, a short form, an alias, given/family swapped, no date
of birth) or *decoys* — different people with similar names: namesakes, twins, siblings and
near-spellings — so precision is tested where it is hard.

Places (the addresses people are known at, as match keys) come from a stream of their own,
so adding them left every person and query of a seed as it was. Their shares are
assumptions, not measurements (no published figures for UK nominal records were found):
see ``PLACE_SHARES``. Apparent ages on records taken without a date of birth come from a
fifth stream in the same way (``AGE_SHARES``, also assumptions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np

from watchkeeper.people.model import BirthYears, Person, PersonName

TODAY = date(2026, 11, 21)
_ONSETS = [
    "B",
    "D",
    "F",
    "G",
    "H",
    "J",
    "K",
    "L",
    "M",
    "N",
    "P",
    "R",
    "S",
    "T",
    "V",
    "W",
    "Br",
    "Ch",
    "Cl",
    "Dr",
    "Fl",
    "Gr",
    "Sh",
    "St",
    "Th",
    "Tr",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "oo"]
_CODAS = ["", "n", "r", "l", "s", "th", "m", "nd", "rt"]
_GIVEN_ENDS = ["a", "en", "ia", "o", "ell", "ine", "us", "ie", "an", "or"]
_FAMILY_ENDS = [
    "ford",
    "wick",
    "ton",
    "ley",
    "by",
    "ham",
    "well",
    "more",
    "field",
    "worth",
    "sey",
    "man",
    "croft",
    "stead",
]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_EARLIEST, _LATEST = date(1940, 1, 1), date(2012, 12, 31)


@dataclass(frozen=True, slots=True)
class Query:
    """A person being recorded, and who they really are on the index (None: nobody)."""

    person: Person
    true_ref: str | None
    how: str  # the corruptions or the kind of decoy, for diagnosis
    places: frozenset[str] = frozenset()  # where the person is being recorded, if known


@dataclass(frozen=True, slots=True)
class QualitySet:
    indexed: tuple[Person, ...]
    queries: tuple[Query, ...]
    places: dict[str, frozenset[str]] = field(default_factory=dict)  # indexed ref -> places


def _invent(rng: np.random.Generator, ends: list[str], count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        parts = (rng.choice(_ONSETS), rng.choice(_VOWELS), rng.choice(_CODAS), rng.choice(ends))
        names.add("".join(str(p) for p in parts).capitalize())
    return sorted(names)


def _zipf_choice(rng: np.random.Generator, names: list[str]) -> str:
    # Real name frequencies are long-tailed: a few names are very common (namesakes abound).
    weights = 1.0 / (np.arange(len(names)) + 10.0)
    return names[int(rng.choice(len(names), p=weights / weights.sum()))]


def _random_dob(rng: np.random.Generator) -> date:
    return _EARLIEST + timedelta(days=int(rng.integers(0, (_LATEST - _EARLIEST).days)))


class _Names:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.given = _invent(rng, _GIVEN_ENDS, 400)
        self.family = _invent(rng, _FAMILY_ENDS, 800)

    def person(self, ref: str, alias_share: float = 0.1) -> Person:
        rng = self.rng
        names = [PersonName(_zipf_choice(rng, self.given), _zipf_choice(rng, self.family))]
        if rng.random() < alias_share:
            names.append(PersonName(names[0].given, _zipf_choice(rng, self.family)))
        return Person(ref, tuple(names), _random_dob(rng))


def _typo(rng: np.random.Generator, word: str) -> str:
    i = int(rng.integers(0, len(word)))
    letter = str(rng.choice(list(_LETTERS)))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        out = word[:i] + letter + word[i + 1 :]
    elif kind == 1 and len(word) > 3:
        out = word[:i] + word[i + 1 :]
    elif kind == 2 and i < len(word) - 1:
        out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    else:
        out = word[:i] + letter + word[i:]
    return out.capitalize()


def _digit_typo(rng: np.random.Generator, dob: date) -> date:
    for _ in range(20):
        digits = list(dob.strftime("%Y%m%d"))
        pos = int(rng.integers(0, 8))
        digits[pos] = str((int(digits[pos]) + int(rng.integers(1, 10))) % 10)
        text = "".join(digits)
        try:
            typo = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            continue
        if date(1905, 1, 1) <= typo <= TODAY:
            return typo
    return dob


def _rename(person: Person, given: str | None = None, family: str | None = None) -> Person:
    first = person.names[0]
    name = PersonName(given or first.given, family or first.family)
    return replace(person, names=(name,))


Corruption = Callable[[np.random.Generator, Person, Person], Person | None]


def _given_typo(rng: np.random.Generator, p: Person, source: Person) -> Person | None:
    return _rename(p, given=_typo(rng, p.names[0].given))


def _family_typo(rng: np.random.Generator, p: Person, source: Person) -> Person | None:
    return _rename(p, family=_typo(rng, p.names[0].family))


def _transposed(rng: np.random.Generator, p: Person, source: Person) -> Person | None:
    dob = p.date_of_birth
    if dob is None or dob.day > 12 or dob.day == dob.month:
        return None
    return replace(p, date_of_birth=date(dob.year, dob.day, dob.month))


def _wrong_digit(rng: np.random.Generator, p: Person, source: Person) -> Person | None:
    return (
        None
        if p.date_of_birth is None
        else replace(p, date_of_birth=_digit_typo(rng, p.date_of_birth))
    )


def _short_form(rng: np.random.Generator, p: Person, source: Person) -> Person | None:
    given = p.names[0].given
    return None if len(given) < 5 else _rename(p, given=given[: int(rng.integers(3, 5))])


def _alias(rng: np.random.Generator, p: Person, source: Person) -> Person | None:
    return None if len(source.names) < 2 else replace(p, names=(source.names[1],))


def _swapped(rng: np.random.Generator, p: Person, source: Person) -> Person | None:
    first = p.names[0]
    return replace(p, names=(PersonName(first.family, first.given),))


def _no_dob(rng: np.random.Generator, p: Person, source: Person) -> Person | None:
    return replace(p, date_of_birth=None)


# Each corruption with its relative frequency. The weights are assumptions (no published
# error profile for UK nominal records was found): keying errors are the commonest, an unknown
# date of birth and reversed name order the rarest.
CORRUPTIONS: dict[str, tuple[Corruption, float]] = {
    "given-typo": (_given_typo, 3.0),
    "family-typo": (_family_typo, 3.0),
    "transposed-day-month": (_transposed, 2.0),
    "wrong-digit": (_wrong_digit, 2.0),
    "short-form": (_short_form, 1.5),
    "alias": (_alias, 1.0),
    "swapped-names": (_swapped, 1.0),
    "no-dob": (_no_dob, 1.0),
}


def _duplicate(rng: np.random.Generator, source: Person, ref: str) -> Query:
    """A corrupted copy: one corruption (60%) or two (40%), each applicable to the person."""
    wanted = 1 if rng.random() < 0.6 else 2
    person = _rename(replace(source, person_ref=ref))
    applied: list[str] = []
    weights = np.array([w for _, w in CORRUPTIONS.values()])
    order = rng.choice(
        list(CORRUPTIONS), size=len(CORRUPTIONS), replace=False, p=weights / weights.sum()
    )
    for name in order:
        if len(applied) == wanted:
            break
        changed = CORRUPTIONS[str(name)][0](rng, person, source)
        if changed is not None:
            person, applied = changed, [*applied, str(name)]
    return Query(person, source.person_ref, "+".join(sorted(applied)))


def _decoy(rng: np.random.Generator, names: _Names, source: Person, ref: str) -> Query:
    """A different person whose name resembles ``source``'s."""
    other = names.person(ref, alias_share=0.0)
    first = source.names[0]
    kind = str(rng.choice(["namesake", "twin", "sibling", "near-spelling"]))
    if kind == "namesake":
        person = _rename(other, first.given, first.family)
    elif kind == "twin":
        person = replace(_rename(other, family=first.family), date_of_birth=source.date_of_birth)
    elif kind == "sibling":
        person = _rename(other, family=first.family)
    else:
        person = _rename(other, given=_typo(rng, first.given), family=first.family)
    if kind in ("twin", "sibling") and person.names[0].given == first.given:
        person = _rename(person, given=first.given + "a")  # twins are not given the same name
    return Query(person, None, kind)


# Assumed shares (no published error profile for UK nominal records was found):
PLACE_SHARES = {
    "indexed-known": 0.85,  # an indexed person with an address on record
    "indexed-relative": 0.2,  # ... living with an indexed relative (same family name)
    "duplicate-same": 0.5,  # a duplicate recorded at the address the index holds
    "duplicate-elsewhere": 0.3,  # ... at another address (moved, a friend's, the street)
    "household-decoy": 0.5,  # a twin or sibling recorded at the source's home
    # No date of birth is a property of how a record was taken, not of who the person is:
    # decoys lack it about as often as duplicates (one corruption in ten, see CORRUPTIONS).
    "decoy-undated": 0.1,
}


def _indexed_places(
    rng: np.random.Generator, indexed: tuple[Person, ...]
) -> dict[str, frozenset[str]]:
    """Where each indexed person is known: a home of their own, or a relative's, or none."""
    homes_by_family: dict[str, list[str]] = {}
    known: dict[str, frozenset[str]] = {}
    for i, person in enumerate(indexed):
        family = person.names[0].family
        if rng.random() >= PLACE_SHARES["indexed-known"]:
            known[person.person_ref] = frozenset()
            continue
        homes = homes_by_family.setdefault(family, [])
        if homes and rng.random() < PLACE_SHARES["indexed-relative"]:
            home = homes[int(rng.integers(0, len(homes)))]
        else:
            home = f"H{i:07d}"
            homes.append(home)
        known[person.person_ref] = frozenset({home})
    return known


def _placed(
    rng: np.random.Generator, query: Query, source: Person, known: dict[str, frozenset[str]]
) -> Query:
    """Where a query is being recorded; some decoys recorded without a date of birth."""
    home = known[source.person_ref]
    elsewhere = frozenset({f"Q{query.person.person_ref}"})
    draw = rng.random()
    if query.true_ref is not None:
        same, moved = PLACE_SHARES["duplicate-same"], PLACE_SHARES["duplicate-elsewhere"]
        where = (
            (home or elsewhere)
            if draw < same
            else elsewhere
            if draw < same + moved
            else frozenset()
        )
        return replace(query, places=where)
    at_home = query.how in ("twin", "sibling") and draw < PLACE_SHARES["household-decoy"]
    query = replace(query, places=home if at_home and home else elsewhere)
    if rng.random() < PLACE_SHARES["decoy-undated"]:
        query = replace(query, person=replace(query.person, date_of_birth=None),
                        how=f"{query.how}+no-dob")  # fmt: skip
    return query


# Assumed (no published figures for UK nominal records were found). A record taken without a
# date of birth usually still says how old the person said they were or looked: a
# description's "aged about 30" is kept as a ten-year band of birth years.
AGE_SHARES = {
    "undated-with-age": 0.6,  # undated records that carry an apparent age
    "error-sd-years": 3.0,  # the apparent age's error (normal, years)
    "band-half-width-years": 5.0,  # recorded as the estimate give or take this
}


def _aged(rng: np.random.Generator, query: Query, true_dob: date | None) -> Query:
    """An apparent age on an undated record, a share of the time: the true age, misjudged."""
    if query.person.date_of_birth is not None or true_dob is None:
        return query
    if rng.random() >= AGE_SHARES["undated-with-age"]:
        return query
    age = TODAY.year - true_dob.year - ((TODAY.month, TODAY.day) < (true_dob.month, true_dob.day))
    guess = age + float(rng.normal(0.0, AGE_SHARES["error-sd-years"]))
    half = AGE_SHARES["band-half-width-years"]
    youngest, oldest = max(0, round(guess - half)), max(0, round(guess + half))
    years = BirthYears.from_apparent_age(youngest, oldest, TODAY)
    return replace(query, person=replace(query.person, estimated_birth=years),
                   how=f"{query.how}+age")  # fmt: skip


def generate_quality_set(
    seed: int, people: int, queries: int, duplicate_share: float = 0.5, apparent_ages: bool = True
) -> QualitySet:
    """``people`` indexed persons and ``queries`` look-ups, a share of them true duplicates.

    ``apparent_ages=False`` leaves undated records without an apparent age (the set as it was
    before ``AGE_SHARES``: everything else is drawn from the same streams)."""
    # spawn(5)'s first four children are spawn(4)'s: the age stream changed nothing earlier.
    name_stream, person_stream, query_stream, place_stream, age_stream = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)
    )
    names = _Names(name_stream)
    names.rng = person_stream
    indexed = tuple(names.person(f"P{i:07d}") for i in range(people))
    names.rng = query_stream
    made = []
    for q in range(queries):
        source = indexed[int(query_stream.integers(0, people))]
        if query_stream.random() < duplicate_share:
            made.append((_duplicate(query_stream, source, f"Q{q:07d}"), source))
        else:
            made.append((_decoy(query_stream, names, source, f"Q{q:07d}"), source))
    known = _indexed_places(place_stream, indexed)
    placed = [_placed(place_stream, query, source, known) for query, source in made]
    if not apparent_ages:
        return QualitySet(indexed, tuple(placed), known)
    aged = tuple(
        _aged(age_stream, query, made_query.person.date_of_birth or source.date_of_birth)
        for query, (made_query, source) in zip(placed, made, strict=True)
    )
    return QualitySet(indexed, aged, known)
