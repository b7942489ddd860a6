from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.kernel.errors import ConfigurationError, InputError
from watchkeeper.people.index import NominalIndex
from watchkeeper.people.matching import (
    MatchPolicy,
    compare_ages,
    compare_dates,
    suggest_matches,
)
from watchkeeper.people.model import BirthYears, Person, PersonName

TODAY = date(2026, 11, 21)
POLICY = MatchPolicy()
TAMSIN = Person("P1", (PersonName("Tamsin", "Ashford"),), date(1990, 3, 4))


def _query(given: str, family: str, dob: date | None) -> Person:
    return Person("Q", (PersonName(given, family),), dob)


def _suggest(query: Person, *indexed: Person) -> list[str]:
    return [s.person_ref for s in suggest_matches(query, NominalIndex(indexed), TODAY)]


def test_an_exact_duplicate_is_suggested_with_every_reason() -> None:
    [suggestion] = suggest_matches(
        _query("Tamsin", "Ashford", date(1990, 3, 4)), NominalIndex([TAMSIN]), TODAY
    )
    assert suggestion.score == 1.0
    assert suggestion.reasons == (
        "given name matches",
        "family name matches",
        "date of birth matches",
    )


def test_a_typo_a_transposed_date_and_swapped_names_are_still_suggested() -> None:
    assert _suggest(_query("Tamsim", "Ashford", date(1990, 3, 4)), TAMSIN) == ["P1"]
    assert _suggest(_query("Tamsin", "Ashford", date(1990, 4, 3)), TAMSIN) == ["P1"]
    assert _suggest(_query("Ashford", "Tamsin", date(1990, 3, 4)), TAMSIN) == ["P1"]


def test_a_short_form_of_the_given_name_is_suggested_and_says_so() -> None:
    bob = Person("P2", (PersonName("Robert", "Quell"),), date(1971, 9, 30))
    [suggestion] = suggest_matches(
        _query("Bob", "Quell", date(1971, 9, 30)), NominalIndex([bob]), TODAY
    )
    assert "given name is a short form (BOB / ROBERT)" in suggestion.reasons


def test_a_match_on_an_alias_names_the_alias() -> None:
    aliased = Person(
        "P3", (PersonName("Tamsin", "Ashford"), PersonName("Tamsin", "Velloway")), date(1990, 3, 4)
    )
    [suggestion] = suggest_matches(
        _query("Tamsin", "Velloway", date(1990, 3, 4)), NominalIndex([aliased]), TODAY
    )
    assert suggestion.reasons[0] == "matched on the name TAMSIN VELLOWAY"


def test_a_namesake_with_a_different_birth_date_is_not_suggested() -> None:
    assert _suggest(_query("Tamsin", "Ashford", date(1962, 11, 17)), TAMSIN) == []


def test_a_twin_with_another_given_name_is_not_suggested() -> None:
    assert _suggest(_query("Morwenna", "Ashford", date(1990, 3, 4)), TAMSIN) == []


def test_without_a_date_of_birth_a_name_alone_is_not_enough() -> None:
    """An undated record with one exact namesake on the index may as well be a stranger of
    that name; with the stranger's weight off, one namesake is suggested and two share."""
    other = Person("P9", (PersonName("Tamsin", "Ashford"),), date(1975, 1, 1))
    query = _query("Tamsin", "Ashford", None)
    assert _suggest(query, TAMSIN) == []
    old_rule = MatchPolicy(undated_stranger=0.0)
    assert [
        s.person_ref for s in suggest_matches(query, NominalIndex([TAMSIN]), TODAY, old_rule)
    ] == ["P1"]
    assert suggest_matches(query, NominalIndex([TAMSIN, other]), TODAY, old_rule) == []
    at_home = NominalIndex([TAMSIN], {"P1": ["12 CANAL STREET"]})
    found = suggest_matches(query, at_home, TODAY, places=frozenset({"12 CANAL STREET"}))
    assert [s.person_ref for s in found] == ["P1"]
    with pytest.raises(ConfigurationError, match="undated-stranger"):
        MatchPolicy(undated_stranger=-0.1)


def test_a_candidate_born_in_the_future_is_refused() -> None:
    with pytest.raises(InputError, match="date_of_birth"):
        suggest_matches(
            _query("Tamsin", "Ashford", date(2027, 1, 1)), NominalIndex([TAMSIN]), TODAY
        )


def test_the_threshold_is_configurable_and_must_be_a_fraction() -> None:
    query = _query("Tamsin", "Ashford", date(1990, 3, 5))
    assert suggest_matches(query, NominalIndex([TAMSIN]), TODAY, MatchPolicy(threshold=0.95)) == []
    with pytest.raises(ConfigurationError):
        MatchPolicy(threshold=1.5)


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        (date(1990, 3, 4), date(1990, 3, 4), "date of birth matches"),
        (date(1990, 3, 4), date(1990, 4, 3), "date of birth matches with day and month transposed"),
        (date(1990, 3, 4), date(1980, 3, 4), "date of birth differs by one digit"),
        (
            date(1990, 3, 4),
            date(1991, 4, 3),
            "date of birth differs by one digit with day and month transposed",
        ),
        (date(1990, 3, 4), date(1985, 7, 21), "date of birth differs"),
        (None, date(1985, 7, 21), "date of birth not recorded on one side"),
        (date(2000, 2, 29), date(2000, 2, 29), "date of birth matches"),
    ],
)
def test_dates_of_birth_are_compared_allowing_transposition_and_one_wrong_digit(
    a: date | None, b: date, reason: str
) -> None:
    assert compare_dates(a, b, POLICY)[1] == reason


def test_a_namesake_with_weaker_date_evidence_is_not_suggested_beside_a_full_match() -> None:
    """One-to-one linkage: the same name one digit out is dropped when an exact record exists,
    and suggested when it is the best evidence there is."""
    near = Person("P8", (PersonName("Tamsin", "Ashford"),), date(1990, 3, 5))
    query = _query("Tamsin", "Ashford", date(1990, 3, 4))
    assert _suggest(query, TAMSIN, near) == ["P1"]
    assert _suggest(query, near) == ["P8"]
    found = suggest_matches(
        query, NominalIndex([TAMSIN, near]), TODAY, MatchPolicy(rival_sharpness=0.0)
    )
    assert [s.person_ref for s in found] == ["P1", "P8"]


def test_without_a_date_of_birth_the_namesake_known_at_the_address_stands_out() -> None:
    """Exact namesakes share the evidence; the one known where the person is being recorded
    takes the larger share, says why, and a namesake elsewhere is still not suggested."""
    other = Person("P9", (PersonName("Tamsin", "Ashford"),), date(1975, 1, 1))
    index = NominalIndex([TAMSIN, other], {"P1": ["12 CANAL STREET B5 4LP"], "P9": ["1 HIGH ROAD"]})
    query = _query("Tamsin", "Ashford", None)
    [found] = suggest_matches(query, index, TODAY, places=frozenset({"12 CANAL STREET B5 4LP"}))
    assert found.person_ref == "P1"
    assert found.reasons[-2:] == (
        "date of birth not recorded on one side",
        "known at the same address",
    )
    assert suggest_matches(query, index, TODAY, places=frozenset({"9 ELSEWHERE"})) == []
    blind = MatchPolicy(shared_address=1.0)
    assert suggest_matches(query, index, TODAY, blind, frozenset({"12 CANAL STREET B5 4LP"})) == []


def test_a_shared_address_never_outweighs_a_birth_date_that_differs() -> None:
    """Address evidence weighs only when there is no date to compare: a relative at the same
    address with the same name and another birth date is not the person."""
    index = NominalIndex([TAMSIN], {"P1": ["12 CANAL STREET B5 4LP"]})
    query = _query("Tamsin", "Ashford", date(1962, 11, 17))
    assert suggest_matches(query, index, TODAY, places=frozenset({"12 CANAL STREET B5 4LP"})) == []


def test_shared_address_evidence_below_one_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="shared-address"):
        MatchPolicy(shared_address=0.5)


# --- apparent age on an undated record (estimated birth years) ------------------------------
def _aged(ref: str, youngest: int, oldest: int) -> Person:
    years = BirthYears.from_apparent_age(youngest, oldest, TODAY)
    return Person(ref, (PersonName("Tamsin", "Ashford"),), estimated_birth=years)


def test_an_undated_record_whose_apparent_age_fits_the_one_namesake_is_suggested() -> None:
    """Tamsin Ashford, born 1990, is 36. A record of a Tamsin Ashford "aged 30 to 40" with no
    date is suggested as her, saying why; "aged 55 to 65" is not, nor is a record with no age
    (a name alone is not enough); with the evidence off, neither is suggested."""
    [found] = suggest_matches(_aged("Q", 30, 40), NominalIndex([TAMSIN]), TODAY)
    assert found.person_ref == "P1"
    assert found.reasons[-2:] == (
        "date of birth not recorded on one side",
        "apparent age fits: born 1985-1996 (estimated)",
    )
    assert _suggest(_aged("Q", 55, 65), TAMSIN) == []
    assert _suggest(_query("Tamsin", "Ashford", None), TAMSIN) == []
    off = MatchPolicy(age_fits=1.0, age_does_not_fit=1.0)
    assert suggest_matches(_aged("Q", 30, 40), NominalIndex([TAMSIN]), TODAY, off) == []


def test_among_namesakes_the_one_whose_age_fits_takes_the_share() -> None:
    """Two Tamsin Ashfords, born 1990 and 1955: an undated "aged 30 to 40" is the first.
    Kept on the index without a date, an estimate is compared with a date the other way."""
    elder = Person("P9", (PersonName("Tamsin", "Ashford"),), date(1955, 6, 1))
    assert _suggest(_aged("Q", 30, 40), TAMSIN, elder) == ["P1"]
    assert _suggest(_aged("Q", 66, 75), TAMSIN, elder) == ["P9"]
    dated = _query("Tamsin", "Ashford", date(1990, 3, 4))
    assert _suggest(dated, _aged("P5", 30, 40)) == ["P5"]
    assert _suggest(dated, _aged("P5", 60, 70)) == []
    assert compare_ages(TAMSIN, _query("Tamsin", "Ashford", None), POLICY) == (1.0, None)


def test_the_age_reason_names_every_estimate_whichever_side_holds_it() -> None:
    """A date against an estimate (either way round) names the estimate; two estimates are
    both named; years that do not fit say so."""
    ratio, reason = compare_ages(_aged("A", 30, 40), _aged("B", 38, 50), POLICY)
    assert ratio == POLICY.age_fits
    assert reason == (
        "apparent age fits: born 1985-1996 (estimated) and born 1975-1988 (estimated)"
    )
    assert compare_ages(TAMSIN, _aged("B", 60, 70), POLICY) == (
        POLICY.age_does_not_fit,
        "apparent age does not fit: born 1955-1966 (estimated)",
    )
    assert compare_ages(_aged("A", 60, 70), TAMSIN, POLICY) == compare_ages(
        TAMSIN, _aged("A", 60, 70), POLICY
    )
    [found] = suggest_matches(
        _query("Tamsin", "Ashford", date(1990, 3, 4)), NominalIndex([_aged("P5", 30, 40)]), TODAY
    )
    assert found.reasons[-2:] == (
        "date of birth not recorded on one side",
        "apparent age fits: born 1985-1996 (estimated)",
    )


def test_apparent_age_evidence_outside_its_range_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="apparent-age"):
        MatchPolicy(age_fits=0.5)
    with pytest.raises(ConfigurationError, match="apparent-age"):
        MatchPolicy(age_does_not_fit=0.0)
    with pytest.raises(ConfigurationError, match="apparent-age"):
        MatchPolicy(age_does_not_fit=1.5)


_EVERYONE = MatchPolicy(threshold=0.0001, rival_sharpness=0.0, max_suggestions=50)
_BLIND = MatchPolicy(
    threshold=0.0001, rival_sharpness=0.0, max_suggestions=50, age_fits=1.0, age_does_not_fit=1.0
)


@given(
    births=st.lists(st.integers(1940, 2012), min_size=1, max_size=6),
    youngest=st.integers(14, 80),
    width=st.integers(0, 15),
)
def test_an_age_that_fits_never_lowers_a_score_and_one_that_does_not_never_raises_it(
    births: list[int], youngest: int, width: int
) -> None:
    """Namesakes born in various years, an undated record with an apparent age: against the
    same record with the age evidence off, every namesake whose year fits scores at least as
    much and every one whose year does not fit at most as much (scores are rounded to 4 dp)."""
    indexed = [
        Person(f"P{i}", (PersonName("Tamsin", "Ashford"),), date(year, 6, 15))
        for i, year in enumerate(births)
    ]
    query = _aged("Q", youngest, youngest + width)
    index = NominalIndex(indexed)
    with_age = {s.person_ref: s.score for s in suggest_matches(query, index, TODAY, _EVERYONE)}
    without = {s.person_ref: s.score for s in suggest_matches(query, index, TODAY, _BLIND)}
    assert set(with_age) == set(without) == {p.person_ref for p in indexed}
    estimate = query.estimated_birth
    assert estimate is not None
    for person in indexed:
        ref, year = person.person_ref, person.date_of_birth.year if person.date_of_birth else 0
        if estimate.contains(year):
            assert with_age[ref] >= without[ref] - 1e-4
        else:
            assert with_age[ref] <= without[ref] + 1e-4
