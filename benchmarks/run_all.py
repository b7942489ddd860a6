"""``make bench``: every benchmark at full size; results go to benchmarks/out/ and stdout."""

from __future__ import annotations

import subprocess
import sys

BENCHES = [
    ["benchmarks.bench_rescoring"],
    ["benchmarks.bench_import", "--rows", "1000000"],
    ["benchmarks.bench_web_load", "--duration", "60"],
    ["benchmarks.bench_recommender"],
    ["benchmarks.bench_board_outlook"],  # issue 4: what the dispatch outlook adds to a board
    ["benchmarks.bench_matching"],
    ["benchmarks.bench_intake", "--people", "1000000"],  # issue 5: intake lookup p95
    ["benchmarks.bench_armed"],  # issue 6: armed-response analysis vs pandas
    ["benchmarks.bench_assessment", "--incidents", "700000"],  # issue 7: indicator suite
    ["benchmarks.bench_slo_headline", "--replications", "50", "--sensitivity"],
    ["benchmarks.bench_simulation"],  # issue 4: a year for a large force, engine vs SimPy
]


def main() -> None:
    for bench in BENCHES:
        print(f"\n## {' '.join(bench)}", flush=True)
        subprocess.run([sys.executable, "-m", *bench], check=True)


if __name__ == "__main__":
    main()
