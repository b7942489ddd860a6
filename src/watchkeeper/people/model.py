"""Persons on the nominal index: names (the first is primary, the rest aliases), birth, markers.

A person whose date of birth is not known may carry an estimate instead: the years they
could have been born in, worked out from the age they gave or appeared to be
(``BirthYears.from_apparent_age``). It is stored as years, not as an age, so it does not go
stale as the record ages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from watchkeeper.kernel.errors import InputError

# The oldest verified human lived to 122; anything older is a keying error, not a person.
MAX_AGE_YEARS = 125


@dataclass(frozen=True, slots=True)
class PersonName:
    """One name a person is known by."""

    given: str
    family: str

    def __post_init__(self) -> None:
        if not self.family.strip():
            raise InputError("family name is required (field: names.family)")
        if not self.given.strip():
            raise InputError("given name is required (field: names.given); use 'UNKNOWN'")

    def __str__(self) -> str:
        return f"{self.given} {self.family}"


@dataclass(frozen=True, slots=True)
class BirthYears:
    """Born in one of the years ``earliest`` to ``latest`` (inclusive): an estimate, not a date."""

    earliest: int
    latest: int

    def __post_init__(self) -> None:
        if self.earliest > self.latest:
            raise InputError(
                f"estimated birth years {self.earliest}-{self.latest} run backwards "
                "(field: estimated_birth)"
            )

    @classmethod
    def from_apparent_age(cls, youngest: int, oldest: int, today: date) -> BirthYears:
        """The birth years of someone aged ``youngest`` to ``oldest`` on ``today``, exactly.

        Aged a on ``today``: born after today's date a + 1 years ago and on or before it a
        years ago, so in year ``today.year - a - 1`` or ``today.year - a``; on 31 December
        the first of those runs from 1 January, so only ``today.year - a``.
        """
        if youngest < 0 or oldest < youngest or oldest > MAX_AGE_YEARS:
            raise InputError(
                f"apparent age {youngest}-{oldest} must be two ages up to {MAX_AGE_YEARS}, "
                "youngest first (field: apparent_age)"
            )
        last_day = (today.month, today.day) == (12, 31)
        return cls(today.year - oldest - (0 if last_day else 1), today.year - youngest)

    def contains(self, year: int) -> bool:
        return self.earliest <= year <= self.latest

    def overlaps(self, other: BirthYears) -> bool:
        return self.earliest <= other.latest and other.earliest <= self.latest

    def __str__(self) -> str:
        return f"born {self.earliest}-{self.latest} (estimated)"


@dataclass(frozen=True, slots=True)
class Person:
    """A nominal: ``names[0]`` is the primary name, ``names[1:]`` are aliases."""

    person_ref: str
    names: tuple[PersonName, ...]
    date_of_birth: date | None = None
    markers: frozenset[str] = field(default_factory=frozenset)
    estimated_birth: BirthYears | None = None  # only without a date of birth

    def __post_init__(self) -> None:
        if self.date_of_birth is not None and self.estimated_birth is not None:
            raise InputError(
                "a person with a date of birth has no estimated birth years "
                "(fields: date_of_birth, estimated_birth)"
            )
        if not self.person_ref.strip():
            raise InputError("a person needs a reference (field: person_ref)")
        if not self.names:
            raise InputError("a person needs at least one name (field: names)")
        if any(not marker.strip() for marker in self.markers):
            raise InputError("markers cannot be blank (field: markers)")

    @property
    def primary_name(self) -> PersonName:
        return self.names[0]

    @property
    def aliases(self) -> tuple[PersonName, ...]:
        return self.names[1:]

    @property
    def birth_year(self) -> int | None:
        return None if self.date_of_birth is None else self.date_of_birth.year

    @property
    def birth_years(self) -> BirthYears | None:
        """The years this person could have been born in (one year with a date; None: unknown)."""
        if self.date_of_birth is not None:
            return BirthYears(self.date_of_birth.year, self.date_of_birth.year)
        return self.estimated_birth


def validate_person(person: Person, today: date) -> Person:
    """Refuse a person whose recorded facts cannot be true on ``today``; return it otherwise."""
    estimate = person.estimated_birth
    if estimate is not None:
        if estimate.latest > today.year:
            raise InputError(
                f"estimated birth years {estimate.earliest}-{estimate.latest} reach past "
                f"{today.year} (field: estimated_birth)"
            )
        if today.year - estimate.latest > MAX_AGE_YEARS:
            raise InputError(
                f"estimated birth years {estimate.earliest}-{estimate.latest} end over "
                f"{MAX_AGE_YEARS} years ago (field: estimated_birth)"
            )
    dob = person.date_of_birth
    if dob is None:
        return person
    if dob > today:
        raise InputError(
            f"date of birth {dob.isoformat()} is in the future (field: date_of_birth; "
            f"today is {today.isoformat()})"
        )
    if today.year - dob.year > MAX_AGE_YEARS:
        raise InputError(
            f"date of birth {dob.isoformat()} is over {MAX_AGE_YEARS} years ago "
            "(field: date_of_birth)"
        )
    return person
