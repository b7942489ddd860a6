from __future__ import annotations

import pytest

from watchkeeper.people.similarity import (
    formal_forms,
    given_similarity,
    is_short_form,
    jaro_winkler,
    normalise_name,
    soundex,
)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("MARTHA", "MARHTA", 0.961),  # Winkler's published examples
        ("DWAYNE", "DUANE", 0.840),
        ("DIXON", "DICKSONX", 0.813),
        ("SAME", "SAME", 1.0),
        ("ABC", "XYZ", 0.0),
        ("", "ABC", 0.0),
    ],
)
def test_jaro_winkler_agrees_with_the_published_examples(a: str, b: str, expected: float) -> None:
    assert jaro_winkler(a, b) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(
    ("name", "code"),
    [("Robert", "R163"), ("Rupert", "R163"), ("Ashcraft", "A261"), ("Tymczak", "T522"),
     ("Pfister", "P236"), ("Lee", "L000"), ("", "")],
)  # fmt: skip
def test_soundex_follows_the_national_archives_rule(name: str, code: str) -> None:
    assert soundex(name) == code


def test_names_are_normalised_to_uppercase_letters() -> None:
    assert normalise_name("O'Neill-Smith ") == "ONEILLSMITH"


def test_known_short_forms_and_clear_prefixes_count_as_the_same_given_name() -> None:
    assert is_short_form("BOB", "ROBERT")
    assert is_short_form("ALEXANDER", "ALEX")
    assert not is_short_form("AL", "ALEXANDER")
    assert given_similarity("BOB", "ROBERT") == pytest.approx(0.95)
    assert "ROBERT" in formal_forms("Bob")
