"""A major-incident surge (issue 8): ten times normal call volume through the API while
fifty screens read the backlog board — latency, errors, and whether the ranking stayed
current.

Run: ``python -m benchmarks.bench_surge [--engines sqlite postgresql] [--duration 3600]``.

"Normal" is the synthetic demand the store was loaded with (calls per second over its
24 hours); the surge logs ``--factor`` times that rate of emergency calls, spread over
``--handlers`` call handlers, each from its own loopback source address. Fifty
supervisors GET ``/api/backlog?page_size=25`` about once a second. Every
``--check-every``-th call is logged with the ``language-barrier`` marker and, once
acknowledged, a checker reads the live board filtered to emergency calls with that marker
(``/api/backlog?grade=emergency&marker=language-barrier``, the same snapshot every screen
is served) until it finds it: a read *started after* the call was acknowledged that does
not show it is a currency failure (the board must never be older than the last
acknowledged write). A miss whose pages were served from two different boards (``as_of``)
is counted as torn, not stale: the call may have moved between pages as ranks changed.
The filter keeps the checked set small however long the surge runs;
an earlier checker read the whole emergency board, and once more than its 2,000-row window
of surge calls were open (every surge call is P1 and none is closed) a new call ranked
below that window and was counted stale or lost though the board was current. Everything
is bounded by count and time, on loopback only; the server is stopped and a PostgreSQL
database it created is dropped at the end.
Writes benchmarks/out/surge.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import queue
import random
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx

from benchmarks.bench_web_load_client import LoadPlan, Recorder, _client, _every, _stats
from benchmarks.bench_web_load_server import HOURS, prepared_store, served
from watchkeeper.web.security import CSRF_HEADER

OUT = Path(__file__).resolve().parent / "out" / "surge.json"
AREAS = ("north", "south", "east", "central")
STREETS = ("High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue")
MAX_PAGES = 10  # the checker reads at most this many 200-row pages per look
CHECK_MARKER = "language-barrier"  # carried by the checked calls only (the filter)


def _call(rng: random.Random, markers: list[str]) -> dict[str, Any]:
    street = f"{rng.randint(1, 400)} {rng.choice(STREETS)}"
    return {
        "source": "999",
        "location": {"text": f"{street}, Town", "area": rng.choice(AREAS)},
        "category": rng.choice(("violence", "domestic-abuse", "concern-for-welfare")),
        "grade_label": "P1",
        "caller": {"name": "Surge Caller", "phone": "07700 900111", "person_ref": ""},
        "summary": "surge call",
        "markers": markers,
    }


class Currency:
    """Acknowledged calls checked against board reads started after their acknowledgement."""

    def __init__(self) -> None:
        self.pending: queue.Queue[tuple[str, float]] = queue.Queue(maxsize=10_000)
        self.checked = 0
        self.stale_reads = 0  # reads started after the ack that did not show the call
        self.torn_reads = 0  # misses whose pages came from two boards (counted neither way)
        self.lags: list[float] = []  # ack to the start of the first read showing it
        self.lost = 0  # never found on the board (closed calls are not expected here)
        self.log_failures: Counter[str] = Counter()  # failed logging calls: status or error
        self.checks_failed = 0  # looks that failed on the checker's own request (also lost)

    def look(self, client: httpx.Client, ref: str, acked: float) -> None:
        misses = 0
        for _ in range(6):  # bounded: each miss is recorded, then looked at again
            started = time.monotonic()
            found, torn = self._on_board(client, ref)
            if found:
                self.checked += 1
                self.lags.append(max(0.0, started - acked))
                return
            if torn:
                self.torn_reads += 1
            else:
                self.stale_reads += 1
                misses += 1
                if misses == 3:
                    break
            time.sleep(0.2)
        self.checked += 1
        self.lost += 1

    @staticmethod
    def _on_board(client: httpx.Client, ref: str) -> tuple[bool, bool]:
        """(found, torn): torn when the pages read came from more than one board (``as_of``),
        so the row may have moved between pages; such a miss is not counted as stale."""
        boards: set[str] = set()
        for page in range(1, MAX_PAGES + 1):
            params: dict[str, str | int] = {"grade": "emergency", "marker": CHECK_MARKER,
                                             "page_size": 200, "page": page}  # fmt: skip
            body = client.get("/api/backlog", params=params).json()
            boards.add(body["as_of"])
            if any(row["incident_id"] == ref for row in body["rows"]):
                return True, False
            if page * 200 >= body["total_rows"]:
                break
        return False, len(boards) > 1


def drive(base_url: str, args: argparse.Namespace, rate: float) -> dict[str, Any]:
    plan = LoadPlan(base_url, args.clients, args.duration, 1.0)
    recorder, currency, clients = Recorder(), Currency(), list[httpx.Client]()
    steps: list[tuple[Any, float]] = []
    for i in range(args.clients):
        client, _ = _client(plan, i, "supervisor")
        clients.append(client)
        steps.append((_reader(recorder, client), 1.0))
    period = args.handlers / rate
    for h in range(args.handlers):
        handler, csrf = _client(plan, args.clients + 1 + h, "handler")
        clients.append(handler)
        steps.append((_logger(recorder, currency, handler, csrf, h, args.check_every), period))
    checker, _ = _client(plan, args.clients + 1 + args.handlers, "supervisor")
    clients.append(checker)
    until = time.monotonic() + args.duration
    rng = random.Random(2017)
    workers = [
        threading.Thread(target=_every, args=(p, until, step, rng.uniform(0, p)))
        for step, p in steps
    ]
    workers.append(threading.Thread(target=_check, args=(currency, checker, until)))
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=args.duration + 300.0)
    elapsed = time.monotonic() - started
    for client in clients:
        client.close()
    by_kind: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    for kind, seconds, ok in recorder.samples:
        by_kind[kind].append(seconds)
        failures[kind] += 0 if ok else 1
    stats = {kind: _stats(by_kind[kind], failures[kind], elapsed) for kind in by_kind}
    lags = sorted(currency.lags)
    return {
        "stats": stats,
        "currency": {
            "checked": currency.checked,
            "stale_reads": currency.stale_reads,
            "torn_reads": currency.torn_reads,
            "lost": currency.lost,
            "max_lag_s": round(lags[-1], 3) if lags else None,
            "median_lag_s": round(lags[len(lags) // 2], 3) if lags else None,
            "checks_failed": currency.checks_failed,
            "log_failures": dict(currency.log_failures),
        },
    }


def _reader(recorder: Recorder, client: httpx.Client) -> Any:
    def read() -> None:
        recorder.timed("board-api", lambda: client.get("/api/backlog?page_size=25"), 200)

    return read


def _logger(
    recorder: Recorder,
    currency: Currency,
    handler: httpx.Client,
    csrf: str,
    index: int,
    check_every: int,
) -> Any:
    rng = random.Random(index)
    sent = 0

    def log() -> None:
        nonlocal sent
        sent += 1
        checked = sent % check_every == 0
        started = time.perf_counter()
        ok, ref = False, None
        try:
            call = _call(rng, [CHECK_MARKER] if checked else [])
            response = handler.post("/api/incidents", json=call, headers={CSRF_HEADER: csrf})
            ok = response.status_code == 201
            ref = response.json().get("incident_id") if ok else None
            failure = None if ok else f"HTTP {response.status_code}"
        except httpx.HTTPError as error:
            failure = type(error).__name__
        acked = time.monotonic()
        with recorder._lock:
            recorder.samples.append(("log-incident", time.perf_counter() - started, ok))
            if failure is not None:
                currency.log_failures[failure] += 1
        if ref and checked:
            with contextlib.suppress(queue.Full):
                currency.pending.put_nowait((ref, acked))

    return log


def _check(currency: Currency, client: httpx.Client, until: float) -> None:
    while time.monotonic() < until + 5.0:
        try:
            ref, acked = currency.pending.get(timeout=0.5)
        except queue.Empty:
            continue
        try:
            currency.look(client, ref, acked)
        except (httpx.HTTPError, ValueError, KeyError):
            currency.checked += 1
            currency.lost += 1
            currency.checks_failed += 1


def bench_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    with prepared_store(engine, args.open, args.seed) as (env, data):
        normal = data["total"] / (HOURS * 3600.0)
        rate = normal * args.factor
        print(
            f"{engine}: {data['open']:,} open; normal {normal * 3600:.0f} calls/h, "
            f"surge {rate * 3600:.0f} calls/h for {args.duration:.0f} s",
            flush=True,
        )
        with served(env) as base_url:
            result = drive(base_url, args, rate)
    result |= {"engine": engine, "data": data, "calls_per_hour": round(rate * 3600)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--duration", type=float, default=3600.0, help="seconds of surge")
    parser.add_argument("--factor", type=float, default=10.0, help="times normal volume")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--handlers", type=int, default=4)
    parser.add_argument("--check-every", type=int, default=5)
    parser.add_argument("--open", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.duration <= 7200:
        parser.error("--clients must be 1..200 and --duration 1..7200 seconds")
    if not 1 <= args.handlers <= 20 or not 1 <= args.factor <= 50:
        parser.error("--handlers must be 1..20 and --factor 1..50")
    results = [bench_engine(engine, args) for engine in args.engines]
    print("| engine | calls/h | requests | count | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        for kind, s in r["stats"].items():
            print(
                f"| {r['engine']} | {r['calls_per_hour']:,} | {kind} | {s['count']:,} "
                f"| {s['p50']:.1f} | {s['p95']:.1f} | {s['p99']:.1f} | {s['errors']} |"
            )
        print(f"currency {r['engine']}: {r['currency']}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "results": results}, indent=2))


if __name__ == "__main__":
    main()
