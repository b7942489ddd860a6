"""Precision and recall of match suggestions on a generated set with known duplicates.

Precision counts every suggestion made (a wrong suggestion is a wrong person put in front of
a call handler); recall counts duplicate queries whose true person was suggested.
"""

from __future__ import annotations

import math
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

    @property
    def precision_interval(self) -> tuple[float, float]:
        """95% Wilson interval of the precision (suggestions made are the trials)."""
        return wilson_interval(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall_interval(self) -> tuple[float, float]:
        """95% Wilson interval of the recall (duplicate queries are the trials)."""
        return wilson_interval(self.true_positives, self.duplicates)


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion (Wilson 1927), ``z`` = 1.96 for 95%.

    Two thousand queries give about a thousand duplicates, so a recall of 0.90 is known only
    to about +/- 0.02: a seed's 0.894 and another's 0.913 may be the same matcher. Unlike the
    normal approximation, the interval stays inside [0, 1] near 0 and 1. No trials: (0, 1).
    """
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z / (1 + z2 / trials) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    # At p = 0 (or 1) the lower (upper) bound is exactly 0 (1); rounding may miss it.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


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
