"""Persons on the nominal index: names (the first is primary, the rest aliases), birth, markers."""

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
class Person:
    """A nominal: ``names[0]`` is the primary name, ``names[1:]`` are aliases."""

    person_ref: str
    names: tuple[PersonName, ...]
    date_of_birth: date | None = None
    markers: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
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


def validate_person(person: Person, today: date) -> Person:
    """Refuse a person whose recorded facts cannot be true on ``today``; return it otherwise."""
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
