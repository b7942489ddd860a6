"""Two inexact agreements at once (a resembling name and a nearly equal date) score lower."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from watchkeeper.people.index import NominalIndex
from watchkeeper.people.matching import DEFAULT_POLICY, suggest_matches
from watchkeeper.people.model import Person, PersonName

TODAY = date(2026, 11, 26)
ON_FILE = Person("P-1", (PersonName("Bairan", "Baindcroft"),), date(2007, 10, 14))


def _score(candidate: Person, both_inexact: float) -> float:
    policy = replace(DEFAULT_POLICY, both_inexact=both_inexact, threshold=0.1)
    [found] = suggest_matches(candidate, NominalIndex([ON_FILE]), TODAY, policy)
    return found.score


def test_a_similar_name_with_a_date_one_digit_out_is_discounted_once_more():
    relative = Person("Q", (PersonName("Bairan", "Breandcroft"),), date(2000, 10, 14))

    assert _score(relative, 0.95) == round(_score(relative, 1.0) * 0.95, 4)


def test_an_exact_name_with_a_date_one_digit_out_is_not():
    typo_in_year = Person("Q", (PersonName("Bairan", "Baindcroft"),), date(2008, 10, 14))

    assert _score(typo_in_year, 0.95) == _score(typo_in_year, 1.0)


def test_a_similar_name_with_the_same_date_is_not():
    typo_in_name = Person("Q", (PersonName("Bairan", "Baindcrofft"),), date(2007, 10, 14))

    assert _score(typo_in_name, 0.95) == _score(typo_in_name, 1.0)
