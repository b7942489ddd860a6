"""What the dispatch outlook (breach forecast + recommended units) adds to a board render.

Run: ``python -m benchmarks.bench_board_outlook [--incidents 5000] [--units-per-area 25]``.
Loads N open incidents (seeded positions, categories and grades over the last 3 hours)
and a roster into a fresh SQLite store, then measures through the real web app:

- ``/board/live`` rendered for a dispatcher (outlook columns) and for a call handler
  (same board, no outlook: the role lacks ``dispatch.recommend``), medians of repeats
  with the outlook already computed — the steady state of a polling board;
- the cost of computing the outlook itself (recommend + forecast for the whole backlog),
  paid once per change of the log or the register, in the background for the board.

Prints a markdown table and writes benchmarks/out/board_outlook.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import Application, build
from watchkeeper.dispatch.outlook import OutlookCache
from watchkeeper.dispatch.roster import RosterShape, demo_roster
from watchkeeper.incidents.entries import CallSource, Graded, Location, Opened
from watchkeeper.incidents.model import Incident
from watchkeeper.kernel.geo import Point
from watchkeeper.kernel.ids import new_incident_id
from watchkeeper.persistence import schema
from watchkeeper.settings import settings_from_env
from watchkeeper.web.app import create_app
from watchkeeper.web.security import CSRF_HEADER, SESSION_COOKIE, WebOptions

OUT = Path(__file__).resolve().parent / "out" / "board_outlook.json"
CENTRES = {"central": (52.48, -1.89), "north": (52.525, -1.89), "south": (52.435, -1.89),
           "east": (52.48, -1.816), "west": (52.48, -1.964)}  # fmt: skip
CATEGORIES = ("violence", "domestic-abuse", "concern-for-welfare", "theft", "burglary",
              "missing-person", "anti-social-behaviour", "weapons")  # fmt: skip
WEIGHTS = (0.2, 0.2, 0.15, 0.15, 0.1, 0.07, 0.1, 0.03)
LABELS = ("P1", "P2", "P3")
PASSWORD = "bench password long enough"


class QuickHasher:
    def hash(self, password: str) -> str:
        return f"quick:{password[::-1]}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == self.hash(password)


def _incidents(application: Application, n: int, seed: int) -> list[Incident]:
    rng = np.random.default_rng(seed)
    now = application.clock.now()
    out = []
    areas = sorted(CENTRES)
    for i in range(n):
        area = areas[i % len(areas)]
        lat0, lon0 = CENTRES[area]
        at = now - timedelta(minutes=float(rng.uniform(1, 180)))
        where = Location(
            f"{i} Bench Road", area, lat0 + rng.normal(0, 0.01), lon0 + rng.normal(0, 0.015)
        )
        category = str(rng.choice(CATEGORIES, p=WEIGHTS))
        incident = Incident.open(
            new_incident_id(at, i),
            Opened(CallSource.EMERGENCY_999, where, category),
            at,
            "bench",
            now,
        )
        label = str(rng.choice(LABELS, p=(0.2, 0.5, 0.3)))
        grade = application.profile.grade_for_label(label)
        incident.record(Graded(grade, label, "initial grading"), at, "bench", now)
        out.append(incident)
    return out


def _client(application: Application, app: Any, role: Role) -> TestClient:
    grant = application.accounts.sign_in(role.value, PASSWORD, "bench")
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, grant.token)
    client.headers[CSRF_HEADER] = grant.csrf_token
    return client


def _median_ms(client: TestClient, path: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:200]
    return statistics.median(times)


def run(n_incidents: int, per_area: int, repeats: int, seed: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="wk-bench-outlook-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    schema.upgrade(url)
    env = {"WATCHKEEPER_AUDIT_KEY_FILE": str(folder / "audit.key")}
    settings = dataclasses.replace(
        settings_from_env(env), database_url=url, audit_head_file=folder / "audit.head"
    )
    application = build(settings, hasher=QuickHasher())
    admin = Actor(Role.ADMINISTRATOR.value, Role.ADMINISTRATOR, "cli")
    application.accounts.create_user(None, admin.username, "Admin", admin.role, PASSWORD)
    for role in (Role.SUPERVISOR, Role.DISPATCHER, Role.CALL_HANDLER):
        application.accounts.create_user(admin, role.value, role.value, role, PASSWORD)
    boss = Actor(Role.SUPERVISOR.value, Role.SUPERVISOR, "cli")
    application.incidents.load_history(boss, _incidents(application, n_incidents, seed))
    centres = {a: Point(*c) for a, c in CENTRES.items()}
    roster = demo_roster(centres, datetime.now(UTC), seed, RosterShape(response_per_area=per_area))
    for unit in roster:
        application.dispatch.register(boss, unit)
    app = create_app(application, options=WebOptions(secure_cookies=False))
    dispatcher = _client(application, app, Role.DISPATCHER)
    handler = _client(application, app, Role.CALL_HANDLER)

    builds = []
    for _ in range(3):  # cold computations of the whole outlook
        application.dispatch.cache = OutlookCache(application.dispatch.cache.max_age)
        builds.append(application.dispatch.outlook(boss).build_ms)
    outlook = application.dispatch.outlook(boss)
    # Long enough that the steady-state renders below all hit the computed outlook.
    application.dispatch.cache.max_age = timedelta(hours=1)
    _median_ms(dispatcher, "/board/live", 2)  # warm both paths
    _median_ms(handler, "/board/live", 2)
    with_outlook = _median_ms(dispatcher, "/board/live", repeats)
    without = _median_ms(handler, "/board/live", repeats)
    application.close()
    return {
        "open_incidents": n_incidents,
        "units": len(roster),
        "demands": len(outlook.demands),
        "picks": len(outlook.recommendation.picks),
        "outlook_compute_ms_median": round(statistics.median(builds), 1),
        "board_live_dispatcher_ms": round(with_outlook, 1),
        "board_live_call_handler_ms": round(without, 1),
        "added_by_outlook_ms": round(with_outlook - without, 1),
        "repeats": repeats,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=5000)
    parser.add_argument("--units-per-area", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    result = run(args.incidents, args.units_per_area, args.repeats, args.seed)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print("| measure | value |\n| --- | --- |")
    for key, value in result.items():
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
