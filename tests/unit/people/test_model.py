from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.kernel.errors import InputError
from watchkeeper.people.model import BirthYears, Person, PersonName, validate_person

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


# --- estimated birth years (an apparent age, when the date of birth is unknown) -------------
def test_an_apparent_age_becomes_the_years_the_person_could_have_been_born_in() -> None:
    """Aged 40 on 21 Nov 2026: born 22 Nov 1985 to 21 Nov 1986; aged 30: 1995 to 1996."""
    years = BirthYears.from_apparent_age(30, 40, TODAY)
    assert (years.earliest, years.latest) == (1985, 1996)
    assert years.contains(1985) and years.contains(1996) and not years.contains(1984)
    assert str(years) == "born 1985-1996 (estimated)"
    assert BirthYears.from_apparent_age(0, 0, TODAY) == BirthYears(2025, 2026)


@given(
    born=st.dates(min_value=date(1901, 1, 1), max_value=date(2026, 12, 31)),
    today=st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
)
def test_a_true_age_always_yields_years_holding_the_true_birth_year(
    born: date, today: date
) -> None:
    """Whatever the day, and across 29 February, the age someone truly is on ``today``
    gives birth years that hold the year they were born in, and no more than two years."""
    if born > today:
        return
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    years = BirthYears.from_apparent_age(age, age, today)
    assert years.contains(born.year)
    assert years.latest - years.earliest == 1


def test_estimates_that_run_backwards_or_cannot_be_true_are_refused_naming_the_field() -> None:
    with pytest.raises(InputError, match="estimated_birth"):
        BirthYears(1996, 1985)
    with pytest.raises(InputError, match="apparent_age"):
        BirthYears.from_apparent_age(40, 30, TODAY)
    with pytest.raises(InputError, match="apparent_age"):
        BirthYears.from_apparent_age(-1, 30, TODAY)
    name = (PersonName("Tamsin", "Ashford"),)
    with pytest.raises(InputError, match="date_of_birth, estimated_birth"):
        Person("P1", name, date(1990, 3, 4), estimated_birth=BirthYears(1985, 1996))
    future = Person("P1", name, estimated_birth=BirthYears(2020, 2027))
    with pytest.raises(InputError, match="reach past 2026"):
        validate_person(future, TODAY)
    ancient = Person("P1", name, estimated_birth=BirthYears(1890, 1920))
    with pytest.raises(InputError, match="over 125 years"):
        validate_person(ancient, TODAY)
    fine = Person("P1", name, estimated_birth=BirthYears(1985, 1996))
    assert validate_person(fine, TODAY) is fine
    assert fine.birth_years == BirthYears(1985, 1996) and fine.birth_year is None
    assert Person("P2", name, date(1990, 3, 4)).birth_years == BirthYears(1990, 1990)
