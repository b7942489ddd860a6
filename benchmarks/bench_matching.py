"""Duplicate-match quality and latency on generated nominal indexes (issue 5, part 1).

Run: ``python -m benchmarks.bench_matching [--sizes 10000 100000] [--queries 2000] [--seed 2017]``.
Prints precision and recall at the default threshold with their 95% Wilson intervals, index
build time, and per-suggestion latency (mean, p50, p95) for each index size, as a markdown
table.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from dataclasses import replace

from watchkeeper.people.generated_nominals import TODAY, Query, generate_quality_set
from watchkeeper.people.index import NominalIndex
from watchkeeper.people.match_quality import measure
from watchkeeper.people.matching import DEFAULT_POLICY, suggest_matches


def _latencies_ms(index: NominalIndex, queries: list[Query]) -> list[float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        suggest_matches(query.person, index, TODAY, places=query.places)
        times.append(1000 * (time.perf_counter() - started))
    return sorted(times)


def run(size: int, queries: int, seed: int) -> dict[str, float | int | str]:
    quality_set = generate_quality_set(seed, size, queries)
    started = time.perf_counter()
    index = NominalIndex(quality_set.indexed, quality_set.places)
    build_s = time.perf_counter() - started
    report = measure(quality_set, index)
    # The same set with address evidence switched off: what the places add, shown beside it.
    blind = measure(quality_set, index, replace(DEFAULT_POLICY, shared_address=1.0))
    # ... and with apparent ages switched off: what the estimated birth years add.
    ageless = measure(
        quality_set, index, replace(DEFAULT_POLICY, age_fits=1.0, age_does_not_fit=1.0)
    )
    times = _latencies_ms(index, list(quality_set.queries))
    missed = Counter(report.missed_how).most_common(3)
    wrong = Counter(report.false_positive_how).most_common(3)
    return {
        "people": size,
        "precision": round(report.precision, 4),
        "recall": round(report.recall, 4),
        "95% interval p / r": "{:.3f}-{:.3f} / {:.3f}-{:.3f}".format(
            *report.precision_interval, *report.recall_interval
        ),
        "without places p/r": f"{blind.precision:.4f}/{blind.recall:.4f}",
        "without ages p/r": f"{ageless.precision:.4f}/{ageless.recall:.4f}",
        "tp/fp/missed": f"{report.true_positives}/{report.false_positives}/{report.missed}",
        "build_s": round(build_s, 2),
        "largest_block": index.largest_block(),
        "mean_ms": round(statistics.fmean(times), 3),
        "p50_ms": round(times[len(times) // 2], 3),
        "p95_ms": round(times[int(len(times) * 0.95)], 3),
        "most_missed": ", ".join(f"{how} ({n})" for how, n in missed),
        "most_wrong": ", ".join(f"{how} ({n})" for how, n in wrong),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    print(f"threshold {DEFAULT_POLICY.threshold}, seed {args.seed}, {args.queries} queries "
          "(about half true duplicates, half similar-named decoys)")  # fmt: skip
    rows = [run(size, args.queries, args.seed) for size in args.sizes]
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows:
        print("| " + " | ".join(str(v) for v in row.values()) + " |")


if __name__ == "__main__":
    main()
