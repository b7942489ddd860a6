from __future__ import annotations

from datetime import date

import pytest

from watchkeeper.kernel.errors import ConfigurationError, InputError
from watchkeeper.people.index import NominalIndex
from watchkeeper.people.matching import MatchPolicy, compare_dates, suggest_matches
from watchkeeper.people.model import Person, PersonName

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
