"""The issue-5 target, measured: precision ≥ 0.95 at recall ≥ 0.9 on a fixed generated set.

The policy defaults were tuned on seed 1 (and checked on 2017); this test uses seed 4242,
which no tuning run saw.
"""

from __future__ import annotations

from watchkeeper.people.generated_nominals import generate_quality_set
from watchkeeper.people.match_quality import measure


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
