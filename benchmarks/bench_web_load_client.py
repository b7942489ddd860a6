"""The web-load benchmark's clients: threads of httpx, each bounded in time and count."""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import numpy as np

from watchkeeper.cli.demo_commands import demo_password
from watchkeeper.web.security import CSRF_HEADER

TIMEOUT = httpx.Timeout(30.0)
INCIDENT = {
    "source": "999",
    "location": {"text": "1 High Street, Town", "area": "central", "lat": 52.48, "lon": -1.89},
    "category": "domestic-abuse",
    "grade_label": "P2",
    "caller": {"name": "A Caller", "phone": "07700 900000", "person_ref": ""},
    "summary": "benchmark call",
    "markers": [],
}


@dataclass(frozen=True)
class LoadPlan:
    base_url: str
    clients: int
    duration: float
    log_every: float


Sample = tuple[str, float, bool]  # kind, seconds, ok


class Recorder:
    """Latencies by kind, appended from many threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.samples: list[Sample] = []

    def timed(self, kind: str, call: Callable[[], httpx.Response], expected: int) -> None:
        started = time.perf_counter()
        try:
            ok = call().status_code == expected
        except httpx.HTTPError:
            ok = False
        with self._lock:
            self.samples.append((kind, time.perf_counter() - started, ok))


def _client(plan: LoadPlan, index: int, username: str) -> tuple[httpx.Client, str]:
    """Signed in from its own loopback source address (127.0.0.2...), to 127.0.0.1 only."""
    transport = httpx.HTTPTransport(local_address=f"127.0.0.{2 + index}")
    client = httpx.Client(base_url=plan.base_url, transport=transport, timeout=TIMEOUT)
    body = {"username": username, "password": demo_password(username)}
    response = client.post("/api/session", json=body)
    response.raise_for_status()
    return client, str(response.json()["csrf_token"])


def _every(period: float, until: float, step: Callable[[], None], phase: float) -> None:
    """Call ``step`` every ``period`` seconds until ``until``: bounded by time and count."""
    time.sleep(phase)
    for _ in range(int((until - time.monotonic()) / period) + 2):
        started = time.monotonic()
        if started >= until:
            return
        step()
        time.sleep(max(0.0, period - (time.monotonic() - started)))


Step = tuple[Callable[[], None], float]  # what to do, every how many seconds


def _steps(plan: LoadPlan, recorder: Recorder, clients: list[httpx.Client]) -> list[Step]:
    """Sign everyone in first; then the steps each thread repeats."""

    def reader(client: httpx.Client, kind: str, path: str, **params: Any) -> Callable[[], None]:
        return lambda: recorder.timed(kind, lambda: client.get(path, params=params), 200)

    steps: list[Step] = []
    for i in range(plan.clients):
        client, _ = _client(plan, i, "supervisor")
        clients.append(client)
        steps.append((reader(client, "board-api", "/api/backlog", page_size=25), 1.0))
    html, _ = _client(plan, plan.clients, "dispatcher")
    probe = httpx.Client(base_url=plan.base_url, timeout=TIMEOUT)
    handler, csrf = _client(plan, plan.clients + 1, "handler")
    clients += [html, probe, handler]
    steps += [
        (reader(html, "board-html", "/board/live"), 1.0),
        (reader(probe, "health", "/health"), 1.0),
    ]

    def post() -> httpx.Response:
        return handler.post("/api/incidents", json=INCIDENT, headers={CSRF_HEADER: csrf})

    steps.append((lambda: recorder.timed("log-incident", post, 201), plan.log_every))
    return steps


def _stats(seconds: list[float], failures: int, duration: float) -> dict[str, Any]:
    ms = np.array(seconds) * 1000.0
    p50, p95, p99 = np.percentile(ms, [50, 95, 99]) if len(ms) else (np.nan,) * 3
    return {
        "count": len(seconds), "rps": len(seconds) / duration, "errors": failures,
        "p50": float(p50), "p95": float(p95), "p99": float(p99),
        "max": float(ms.max()) if len(ms) else float("nan"),
    }  # fmt: skip


def run_load(plan: LoadPlan) -> dict[str, dict[str, Any]]:
    """Sign in, drive the plan for its duration, and summarise latencies per kind."""
    recorder, clients, rng = Recorder(), list[httpx.Client](), random.Random(2017)
    steps = _steps(plan, recorder, clients)
    until = time.monotonic() + plan.duration
    workers = [
        threading.Thread(target=_every, args=(period, until, step, rng.uniform(0, period)))
        for step, period in steps
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=plan.duration + 120.0)
    elapsed = time.monotonic() - started
    for client in clients:
        client.close()
    by_kind: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    for kind, seconds, ok in recorder.samples:
        by_kind[kind].append(seconds)
        failures[kind] += 0 if ok else 1
    return {kind: _stats(by_kind[kind], failures[kind], elapsed) for kind in by_kind}
