"""``make bench``: every benchmark at full size; results go to benchmarks/out/ and stdout."""

from __future__ import annotations

import subprocess
import sys

BENCHES = [
    ["benchmarks.bench_rescoring"],
    ["benchmarks.bench_import", "--rows", "1000000"],
    ["benchmarks.bench_web_load", "--duration", "60"],
    ["benchmarks.bench_recommender"],
    ["benchmarks.bench_matching"],
]


def main() -> None:
    for bench in BENCHES:
        print(f"\n## {' '.join(bench)}", flush=True)
        subprocess.run([sys.executable, "-m", *bench], check=True)


if __name__ == "__main__":
    main()
