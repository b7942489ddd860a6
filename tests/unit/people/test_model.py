from __future__ import annotations

from datetime import date

import pytest

from watchkeeper.kernel.errors import InputError
from watchkeeper.people.model import Person, PersonName, validate_person

TODAY = date(2026, 11, 21)


def test_the_first_name_is_primary_and_the_rest_are_aliases() -> None:
    person = Person("P1", (PersonName("Tamsin", "Ashford"), PersonName("Tam", "Brook")))
    assert person.primary_name == PersonName("Tamsin", "Ashford")
    assert person.aliases == (PersonName("Tam", "Brook"),)


def test_a_date_of_birth_in_the_future_is_refused_naming_the_field() -> None:
    person = Person("P1", (PersonName("Tamsin", "Ashford"),), date(2026, 11, 22))
    with pytest.raises(InputError, match="date_of_birth"):
        validate_person(person, TODAY)


def test_a_date_of_birth_today_is_accepted() -> None:
    person = Person("P1", (PersonName("Tamsin", "Ashford"),), TODAY)
    assert validate_person(person, TODAY) is person


def test_a_date_of_birth_over_125_years_ago_is_refused() -> None:
    person = Person("P1", (PersonName("Tamsin", "Ashford"),), date(1890, 1, 1))
    with pytest.raises(InputError, match="date_of_birth"):
        validate_person(person, TODAY)


def test_a_person_without_names_or_with_a_blank_family_name_is_refused() -> None:
    with pytest.raises(InputError, match="names"):
        Person("P1", ())
    with pytest.raises(InputError, match=r"names\.family"):
        PersonName("Tamsin", "  ")
    with pytest.raises(InputError, match="markers"):
        Person("P1", (PersonName("Tamsin", "Ashford"),), markers=frozenset({" "}))
