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


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@given(
    age=st.integers(0, 124),
    today=st.dates(min_value=date(2024, 1, 1), max_value=date(2032, 12, 31)),
)
def test_the_years_from_an_age_are_exactly_the_years_someone_that_age_was_born_in(
    age: int, today: date
) -> None:
    """Against every birth year near the answer: a year is in the estimate exactly when some
    day of it makes a person ``age`` on ``today`` (age is monotone within a year, so its
    first and last days bound it). Covers 29 February and 31 December."""
    years = BirthYears.from_apparent_age(age, age, today)
    for year in range(today.year - age - 3, today.year - age + 3):
        possible = _age_on(date(year, 12, 31), today) <= age <= _age_on(date(year, 1, 1), today)
        assert years.contains(year) == possible, (year, years)


def test_on_the_last_day_of_the_year_an_age_is_one_birth_year() -> None:
    assert BirthYears.from_apparent_age(30, 30, date(2026, 12, 31)) == BirthYears(1996, 1996)
    assert BirthYears.from_apparent_age(30, 30, date(2026, 12, 30)) == BirthYears(1995, 1996)


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
    ancient = Person("P1", name, estimated_birth=BirthYears(1890, 1900))
    with pytest.raises(InputError, match="end over 125 years"):
        validate_person(ancient, TODAY)
    with pytest.raises(InputError, match="apparent_age"):
        BirthYears.from_apparent_age(120, 126, TODAY)
    oldest = Person("P1", name, estimated_birth=BirthYears.from_apparent_age(125, 125, TODAY))
    assert validate_person(oldest, TODAY) is oldest  # the oldest age the forms accept
    fine = Person("P1", name, estimated_birth=BirthYears(1985, 1996))
    assert validate_person(fine, TODAY) is fine
    assert fine.birth_years == BirthYears(1985, 1996) and fine.birth_year is None
    assert Person("P2", name, date(1990, 3, 4)).birth_years == BirthYears(1990, 1990)
