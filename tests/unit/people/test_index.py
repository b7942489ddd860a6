from __future__ import annotations

from datetime import date

import pytest

from watchkeeper.kernel.errors import NotFound
from watchkeeper.people.index import NominalIndex, blocking_keys
from watchkeeper.people.model import Person, PersonName


def _person(ref: str, given: str, family: str, dob: date | None = None) -> Person:
    return Person(ref, (PersonName(given, family),), dob)


def test_a_spelling_variant_of_the_family_name_shares_a_block() -> None:
    index = NominalIndex([_person("P1", "Tamsin", "Ashford", date(1990, 3, 4))])
    assert index.candidates(_person("Q", "Tamsin", "Ashferd", date(1990, 3, 4))) == {"P1"}


def test_swapped_names_and_transposed_dates_share_a_block() -> None:
    index = NominalIndex([_person("P1", "Tamsin", "Ashford", date(1990, 3, 4))])
    assert "P1" in index.candidates(_person("Q", "Ashford", "Tamsin", date(1990, 4, 3)))


def test_a_person_with_an_alias_is_found_by_the_alias() -> None:
    names = (PersonName("Tamsin", "Ashford"), PersonName("Tamsin", "Velloway"))
    index = NominalIndex([Person("P1", names, date(1990, 3, 4))])
    assert "P1" in index.candidates(_person("Q", "Tamsin", "Veloway"))


def test_someone_unlike_anyone_on_the_index_meets_nobody() -> None:
    index = NominalIndex([_person("P1", "Tamsin", "Ashford", date(1990, 3, 4))])
    assert index.candidates(_person("Q", "Orrin", "Quell", date(1971, 9, 30))) == set()


def test_re_adding_a_person_replaces_the_old_keys_and_removing_forgets_them() -> None:
    index = NominalIndex([_person("P1", "Tamsin", "Ashford")])
    index.add(_person("P1", "Tamsin", "Quell"))
    assert len(index) == 1
    assert index.candidates(_person("Q", "Tamsin", "Ashford")) == set()
    index.remove("P1")
    assert "P1" not in index
    assert index.largest_block() == 0
    with pytest.raises(NotFound):
        index.get("P1")


def test_a_person_without_a_date_of_birth_is_filed_by_name_only() -> None:
    keys = blocking_keys(_person("P1", "Tamsin", "Ashford"))
    assert {key[0] for key in keys} == {
        "pair", "given-family-head", "given-family-tail", "family-given-head", "family-given-tail"
    }  # fmt: skip
    assert ("given-family-head", "T525", "ASH") in keys
    assert ("family-given-tail", "A216", "SIN") in keys


def test_one_typo_in_either_name_leaves_an_undated_person_a_shared_key() -> None:
    filed = _person("P1", "Cleamell", "Clindsey")
    for typo in (("Cleamell", "Lcindsey"), ("Cleamell", "Clindsye"), ("Clemell", "Clindsey"),
                 ("Xleamell", "Clindsey"), ("Cleamell", "Clindzey")):  # fmt: skip
        query = _person("Q", *typo)
        assert NominalIndex([filed]).candidates(query) == {"P1"}, typo


def test_places_are_kept_per_person_replaced_with_them_and_removed_with_them() -> None:
    person = Person("P1", (PersonName("Tamsin", "Ashford"),), None)
    index = NominalIndex([person], {"P1": ["12 CANAL STREET", ""]})
    assert index.places_of("P1") == frozenset({"12 CANAL STREET"})  # blank keys are dropped
    index.add(person, ["1 HIGH ROAD"])
    assert index.places_of("P1") == frozenset({"1 HIGH ROAD"})
    index.add(Person("P2", (PersonName("Ivo", "Quell"),), None))
    assert index.places_of("P2") == frozenset()
    index.remove("P1")
    with pytest.raises(NotFound):
        index.places_of("P1")
