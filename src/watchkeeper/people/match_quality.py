"""Precision and recall of match suggestions on a generated set with known duplicates.

Precision counts every suggestion made (a wrong suggestion is a wrong person put in front of
a call handler); recall counts duplicate queries whose true person was suggested.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from watchkeeper.people.generated_nominals import TODAY, QualitySet
from watchkeeper.people.index import NominalIndex
from watchkeeper.people.matching import DEFAULT_POLICY, MatchPolicy, suggest_matches


@dataclass(frozen=True, slots=True)
class QualityReport:
    """The measured quality of one policy on one generated set."""

    precision: float
    recall: float
    true_positives: int
    false_positives: int
    missed: int
    duplicates: int
    decoys: int
    mean_latency_ms: float
    missed_how: tuple[str, ...]
    false_positive_how: tuple[str, ...]


def measure(
    quality_set: QualitySet,
    index: NominalIndex | None = None,
    policy: MatchPolicy = DEFAULT_POLICY,
    today: date = TODAY,
) -> QualityReport:
    """Run every query through ``suggest_matches`` and count right and wrong suggestions."""
    index = index if index is not None else NominalIndex(quality_set.indexed, quality_set.places)
    tp = fp = duplicates = 0
    missed_how: list[str] = []
    fp_how: list[str] = []
    started = time.perf_counter()
    for query in quality_set.queries:
        found = suggest_matches(query.person, index, today, policy, query.places)
        refs = {s.person_ref for s in found}
        hit = query.true_ref is not None and query.true_ref in refs
        tp += hit
        fp += len(refs) - hit
        fp_how.extend([query.how] * (len(refs) - hit))
        if query.true_ref is not None:
            duplicates += 1
            if not hit:
                missed_how.append(query.how)
    elapsed = time.perf_counter() - started
    total = len(quality_set.queries)
    return QualityReport(
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / duplicates if duplicates else 1.0,
        true_positives=tp,
        false_positives=fp,
        missed=len(missed_how),
        duplicates=duplicates,
        decoys=total - duplicates,
        mean_latency_ms=1000 * elapsed / total if total else 0.0,
        missed_how=tuple(missed_how),
        false_positive_how=tuple(fp_how),
    )
