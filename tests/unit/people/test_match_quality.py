"""The issue-5 target, measured: precision ≥ 0.95 at recall ≥ 0.9 on a fixed generated set.

The policy defaults were tuned on seeds 1 and 2 (ADR 0011); this test uses seed 4242,
which no tuning run saw.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.people.generated_nominals import QualitySet, generate_quality_set
from watchkeeper.people.match_quality import measure, wilson_interval
from watchkeeper.people.model import Person


def test_match_suggestions_reach_the_precision_and_recall_target_on_unseen_data() -> None:
    report = measure(generate_quality_set(seed=4242, people=10_000, queries=2_000))
    assert report.duplicates > 900 and report.decoys > 900
    assert report.precision >= 0.95, report
    assert report.recall >= 0.9, report


def test_the_generated_set_is_the_same_for_the_same_seed() -> None:
    first = generate_quality_set(seed=5, people=200, queries=50)
    assert first == generate_quality_set(seed=5, people=200, queries=50)
    assert first != generate_quality_set(seed=6, people=200, queries=50)


def test_every_duplicate_points_at_an_indexed_person_and_no_decoy_does() -> None:
    quality_set = generate_quality_set(seed=5, people=200, queries=100)
    refs = {p.person_ref for p in quality_set.indexed}
    for query in quality_set.queries:
        assert query.true_ref is None or query.true_ref in refs
        assert query.person.person_ref not in refs


def test_places_follow_the_stated_shares_and_never_tie_a_stranger_to_the_source() -> None:
    """Duplicates carry the source's indexed address about half the time; namesakes and
    near-spellings (strangers) never do; twins and siblings sometimes share the home."""
    quality_set = generate_quality_set(seed=7, people=2_000, queries=2_000)
    known = quality_set.places
    assert 0.8 < sum(bool(p) for p in known.values()) / len(known) < 0.9
    duplicates = [q for q in quality_set.queries if q.true_ref is not None]
    at_home = [q for q in duplicates if q.places and q.places == known[q.true_ref]]
    assert 0.35 < len(at_home) / len(duplicates) < 0.5  # 0.5 of the 85% with an address
    indexed_places = set().union(*known.values())
    for query in quality_set.queries:
        if query.how in ("namesake", "near-spelling"):
            assert not query.places & indexed_places
    household = [q for q in quality_set.queries if q.how.startswith(("twin", "sibling"))]
    assert any(q.places & indexed_places for q in household)


def test_relatives_share_homes_on_the_index_and_some_decoys_have_no_birth_date() -> None:
    """The evidence must be able to mislead: an indexed relative at the same home, and
    strangers recorded without a date of birth as often as duplicates are."""
    quality_set = generate_quality_set(seed=7, people=2_000, queries=2_000)
    residents: dict[str, set[str]] = {}
    for person in quality_set.indexed:
        for place in quality_set.places[person.person_ref]:
            residents.setdefault(place, set()).add(person.names[0].family)
    shared = [families for families in residents.values() if len(families) == 1]
    assert len(residents) < sum(bool(p) for p in quality_set.places.values())  # some share
    assert all(len(families) == 1 for families in residents.values()), shared[:3]
    decoys = [q for q in quality_set.queries if q.true_ref is None]
    undated = [q for q in decoys if q.person.date_of_birth is None]
    assert all("+no-dob" in q.how for q in undated)
    assert 0.05 < len(undated) / len(decoys) < 0.15


def test_apparent_ages_appear_only_on_undated_records_and_mostly_hold_the_true_year() -> None:
    """About 60% of undated records carry an apparent age (AGE_SHARES); the estimate holds
    the true birth year about nine times in ten (an error of sd 3 years inside +/- 5), and
    adding them left every person, query name and place of the seed as it was."""
    quality_set = generate_quality_set(seed=7, people=2_000, queries=4_000)
    indexed = {p.person_ref: p for p in quality_set.indexed}
    undated = [q for q in quality_set.queries if q.person.date_of_birth is None]
    aged = [q for q in undated if q.person.estimated_birth is not None]
    assert all(q.how.endswith("+age") for q in aged)
    assert all(q.person.estimated_birth is None for q in quality_set.queries if q not in undated)
    assert 0.5 < len(aged) / len(undated) < 0.7
    duplicates = [q for q in aged if q.true_ref is not None]
    held = [
        q for q in duplicates
        if q.person.estimated_birth and q.person.estimated_birth.contains(
            indexed[q.true_ref].birth_year or 0)
    ]  # fmt: skip
    assert 0.8 < len(held) / len(duplicates) <= 0.97
    ageless = [
        dataclasses.replace(
            q,
            person=dataclasses.replace(q.person, estimated_birth=None),
            how=q.how.removesuffix("+age"),
        )
        for q in quality_set.queries
    ]
    before = generate_quality_set(seed=7, people=2_000, queries=4_000, apparent_ages=False)
    assert before.indexed == quality_set.indexed and before.places == quality_set.places
    assert tuple(ageless) == before.queries
    # ... and the set without ages is the one the generator made before ages existed
    # (b7730bf), pinned by a digest taken from that commit's code.
    assert _fingerprint(before) == PRE_AGE_SEED_7


PRE_AGE_SEED_7 = "aa82b396c295b64f62347adcf88f7b83ed37348a615f27e79352158de4bef4a3"


def _fingerprint(quality_set: QualitySet) -> str:
    """A digest of every person, query and place, in a form independent of set ordering."""
    digest = hashlib.sha256()

    def names(person: Person) -> str:
        return ";".join(f"{n.given} {n.family}" for n in person.names)

    for p in quality_set.indexed:
        digest.update(f"{p.person_ref}|{names(p)}|{p.date_of_birth}\n".encode())
    for q in quality_set.queries:
        p = q.person
        line = (
            f"{p.person_ref}|{names(p)}|{p.date_of_birth}|{q.true_ref}|{q.how}|{sorted(q.places)}"
        )
        digest.update(f"{line}\n".encode())
    for ref in sorted(quality_set.places):
        digest.update(f"{ref}|{sorted(quality_set.places[ref])}\n".encode())
    return digest.hexdigest()


def test_the_wilson_interval_matches_worked_values() -> None:
    # Worked by hand from Wilson's formula with z = 1.96.
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and math.isclose(high, 0.2775, abs_tol=1e-4)
    low, high = wilson_interval(900, 1000)
    assert math.isclose(low, 0.8798, abs_tol=1e-4) and math.isclose(high, 0.9170, abs_tol=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)


@given(st.integers(min_value=1, max_value=5_000), st.data())
def test_the_wilson_interval_holds_the_estimate_inside_zero_and_one(trials, data) -> None:
    successes = data.draw(st.integers(min_value=0, max_value=trials))
    low, high = wilson_interval(successes, trials)
    assert 0.0 <= low <= successes / trials <= high <= 1.0
    wider = wilson_interval(successes, trials, z=2.58)  # 99% is never narrower than 95%
    assert wider[0] <= low + 1e-12 and high <= wider[1] + 1e-12


def test_more_trials_narrow_the_interval_and_bad_counts_are_refused() -> None:
    small, large = wilson_interval(90, 100), wilson_interval(900, 1000)
    assert large[1] - large[0] < small[1] - small[0]
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(11, 10)


def test_a_report_gives_intervals_around_its_precision_and_recall() -> None:
    report = measure(generate_quality_set(seed=5, people=500, queries=200))
    for value, (low, high) in (
        (report.precision, report.precision_interval),
        (report.recall, report.recall_interval),
    ):
        assert low <= value <= high and high - low > 0.0
