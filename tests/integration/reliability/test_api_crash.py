"""No acknowledged write is lost when the web server dies mid-request (issue 8 part 1).

A real uvicorn server (``api_server.py``: what ``watchkeeper serve`` runs, on loopback) takes
writes through the HTTP API: incidents logged and updated, units registered and moved, SOC
groups entered and added to, people entered on the nominal index, missing-person episodes
reported and reviewed (each with its supervisory-review duty). It is killed with SIGKILL

- at a named fault point inside one chosen write: before the commit (``uow.before-commit``),
  during it (``db.in-commit``), after it (``uow.after-commit``) and after the route returned
  but before the 2xx reply was sent (``api.before-reply``); each hit is logged and checked;
- and at random moments while writes stream in.

After every kill: every write answered 2xx is stored; the write in flight is absent (killed
before commit), present (after commit) or all-or-nothing (in the commit, random); nothing
unacknowledged is stored; no incident is half-written; each register row has exactly its
audit rows; each open missing-person episode has exactly one open review duty and no duty is
left for an episode never stored; the keyed audit chain verifies. The server is started
again for the next round and, at the end, every acknowledged record is read back through
the API and
``watchkeeper audit verify`` passes. Sizes: WATCHKEEPER_CRASH_KILLS (see conftest), at
least two kills per point.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from watchkeeper.cli.demo_commands import demo_password
from watchkeeper.kernel.faults import FAULT_LOG_ENV
from watchkeeper.persistence.tables import audit_log, incidents
from watchkeeper.persistence.tables_safeguarding import (
    duties,
    missing_episodes,
    missing_reviews,
    people,
)
from watchkeeper.persistence.tables_soc import ocg_groups
from watchkeeper.persistence.tables_units import units
from watchkeeper.safeguarding.duty_plan import DutyKind
from watchkeeper.safeguarding.forms import bundled_form

SERVER = Path(__file__).with_name("api_server.py")
SERVER_APP = "wk-crash-server"  # the server's PostgreSQL application_name
POINTS = ("uow.before-commit", "db.in-commit", "uow.after-commit", "api.before-reply", None)
# Whether the write in flight at the kill must be stored: no / yes / either (all or nothing).
DURABLE = {
    "uow.before-commit": False,
    "db.in-commit": None,
    "uow.after-commit": True,
    "api.before-reply": True,
    None: None,
}
KINDS = ("incident", "contact", "unit", "unit-status", "group", "member", "person", "missing",
         "missing-review")  # fmt: skip
INCIDENT = {
    "source": "999",
    "location": {"text": "3 Mill Lane", "area": "central"},
    "category": "concern-for-welfare",
    "grade_label": "P1",
}
CALL_ANSWERS = dict.fromkeys(
    (q.key for q in bundled_form("missing-call-handler-wmp.toml").questions), "no"
)
# Which table holds each register and which audit actions count as its writes. An episode's
# version is 1 for its report plus one for each supervisory review (the table keeps none).
REGISTERS = {"incidents": incidents, "units": units, "groups": ocg_groups, "people": people,
             "missing": missing_episodes}  # fmt: skip
REVIEW_DUTY = DutyKind.MISSING_REVIEW.value


def _episode_version(episode: dict[str, Any]) -> int:
    """An episode as the API reads it: its report plus one write per review."""
    return 1 + len(episode["reviews"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ForkServer:
    """``api_server.py`` as a fork server: imports once, forks one server per round."""

    def __init__(self, store: Any) -> None:
        env = store.env() | {FAULT_LOG_ENV: str(store.fault_log)}
        if store.engine_name == "postgresql":  # so the killed server's backends can be seen
            sep = "&" if "?" in store.url else "?"
            env["WATCHKEEPER_DATABASE_URL"] = f"{store.url}{sep}application_name={SERVER_APP}"
        self.errors = (store.dir / "server.err").open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER)], env=env, cwd=store.dir, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.errors, text=True,
        )  # fmt: skip
        assert self._read() == ["READY"]

    def _read(self) -> list[str]:
        assert self.process.stdout is not None
        return self.process.stdout.readline().split()

    def _say(self, line: str) -> list[str]:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self._read()

    def fork(self, port: int, point: str | None) -> int:
        said = self._say(f"{port} {point or '-'}")
        assert said[:1] == ["CHILD"], said
        return int(said[1])

    def wait(self, pid: int) -> int:
        said = self._say(f"WAIT {pid}")
        assert said[:1] == ["EXIT"], said
        return int(said[1])

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.errors.close()


class Server:
    """One life of the server process: started, signed into, killed."""

    def __init__(self, forks: ForkServer, point: str | None) -> None:
        self.forks = forks
        self.port = _free_port()
        self.pid = forks.fork(self.port, point)
        self.base = f"http://127.0.0.1:{self.port}"
        self.returncode: int | None = None
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start (see server.err)"
            time.sleep(0.02)
        self.clients = {name: self._sign_in(name) for name in ("supervisor", "soc", "ppo")}

    def _sign_in(self, username: str) -> httpx.Client:
        client = httpx.Client(base_url=self.base, timeout=30)
        body = {"username": username, "password": demo_password(username)}
        response = client.post("/api/session", json=body)
        assert response.status_code == 201, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)  # our own child's child, by its id

    def wait(self) -> int:
        if self.returncode is None:
            self.returncode = self.forks.wait(self.pid)
            for client in self.clients.values():
                client.close()
        return self.returncode


@dataclass
class World:
    """What every acknowledged write adds up to: register -> key -> version."""

    stored: dict[str, dict[str, int]] = field(
        default_factory=lambda: {name: {} for name in REGISTERS}
    )
    unit_status: dict[str, str] = field(default_factory=dict)
    serial: int = 0

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial


@dataclass
class Write:
    """One write through the API: what to send, and what it stores if it lands."""

    kind: str
    register: str
    client: str
    method: str
    path: str
    body: dict[str, Any]
    key: str | None  # None: the server names the record (incidents, groups)
    version: int  # the record's version once this write is stored


def _next_write(world: World, kind: str) -> Write:
    n = world.next_serial()
    incidents_, units_, groups_ = (world.stored[k] for k in ("incidents", "units", "groups"))
    people_, episodes = world.stored["people"], world.stored["missing"]
    if kind == "missing-review" and episodes:
        ref = sorted(episodes)[n % len(episodes)]
        body = {"level": "medium", "rationale": f"reviewed {n}"}
        return Write(kind, "missing", "supervisor", "POST", f"/api/missing/{ref}/reviews", body,
                     ref, episodes[ref] + 1)  # fmt: skip
    if kind in ("missing", "missing-review") and people_:
        ref = f"MPX-{n}"
        reported = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
        body = {"episode_ref": ref, "person_ref": sorted(people_)[n % len(people_)],
                "reported_at": reported, "risk": "medium", "call_answers": CALL_ANSWERS,
                "supervisor": "supervisor", "date_of_birth": "1990-01-01"}  # fmt: skip
        return Write("missing", "missing", "ppo", "POST", "/api/missing", body, ref, 1)
    if kind == "contact" and incidents_:
        ref = sorted(incidents_)[n % len(incidents_)]
        v = incidents_[ref]
        body = {"outcome": f"called back {n}", "expected_version": v}
        return Write(kind, "incidents", "supervisor", "POST", f"/api/incidents/{ref}/contact",
                     body, ref, v + 1)  # fmt: skip
    if kind == "unit-status" and units_:
        cs = sorted(units_)[n % len(units_)]
        moved = "unavailable" if world.unit_status[cs] == "available" else "available"
        body = {"status": moved, "expected_version": units_[cs]}
        return Write(kind, "units", "supervisor", "PATCH", f"/api/units/{cs}", body, cs,
                     units_[cs] + 1)  # fmt: skip
    if kind == "member" and groups_:
        gid = sorted(groups_)[n % len(groups_)]
        body = {"person_ref": f"NOM-{n}", "role": "member"}
        return Write(kind, "groups", "soc", "POST", f"/api/soc/groups/{gid}/members", body, gid,
                     groups_[gid] + 1)  # fmt: skip
    if kind in ("unit", "unit-status"):
        cs = f"KX{n}"
        return Write("unit", "units", "supervisor", "POST", "/api/units",
                     {"call_sign": cs, "area": "central"}, cs, 1)  # fmt: skip
    if kind in ("group", "member"):
        body = {"name": f"Crash Test Group {n}", "activities": ["drug-supply"]}
        return Write("group", "groups", "soc", "POST", "/api/soc/groups", body, None, 1)
    if kind in ("person", "missing", "missing-review"):  # an episode needs a person first
        ref = f"PX-{n}"
        body = {"person_ref": ref, "names": [{"given": "Sam", "family": f"Kell{n}"}]}
        return Write("person", "people", "ppo", "POST", "/api/people", body, ref, 1)
    return Write("incident", "incidents", "supervisor", "POST", "/api/incidents",
                 INCIDENT | {"summary": f"call {n}"}, None, 2)  # fmt: skip


def _acknowledge(world: World, write: Write, reply: httpx.Response) -> None:
    assert 200 <= reply.status_code < 300, f"{write.method} {write.path}: {reply.text}"
    body = reply.json()
    key = write.key
    if write.register == "incidents":
        key = body["incident_id"]
        assert body["version"] == write.version
    elif write.register == "groups":
        key = body["group_id"]
    elif write.register == "units":
        assert body["version"] == write.version
        world.unit_status[write.key or ""] = body["status"]
    elif write.register == "missing":
        assert body["episode_ref"] == key and _episode_version(body) == write.version
    assert key is not None
    world.stored[write.register][key] = write.version


def _send(server: Server, write: Write, crash: bool = False) -> httpx.Response:
    headers = {"X-Crash-Here": "1"} if crash else {}
    client = server.clients[write.client]
    return client.request(write.method, write.path, json=write.body, headers=headers)


# --- what must hold after every kill --------------------------------------------------------


def _await_server_backends_gone(store: Any) -> None:
    """On PostgreSQL, wait until the killed server's sessions have ended.

    A COMMIT the server sent just before it died is still carried out by its backend, a
    few milliseconds later: until that backend has gone, the write is neither visibly
    stored nor lost. Checking earlier would judge an in-doubt transaction.
    """
    if store.engine_name != "postgresql":
        return
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
    deadline = time.monotonic() + 60
    while True:
        with store.app.engine.connect() as connection:
            if connection.execute(query, {"name": SERVER_APP}).scalar_one() == 0:
                return
        assert time.monotonic() < deadline, "the killed server's database sessions linger"
        time.sleep(0.02)


def _stored(store: Any) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    with store.app.engine.connect() as connection:
        for name, table in REGISTERS.items():
            key = next(iter(table.primary_key.columns))
            version = table.c.version if "version" in table.c else sa.literal(1)
            rows = connection.execute(sa.select(key, version)).all()
            found[name] = {str(row[0]): int(row[1]) for row in rows}
        reviews = sa.select(missing_reviews.c.episode_ref, sa.func.count()).group_by(
            missing_reviews.c.episode_ref
        )
        for ref, n in connection.execute(reviews).all():
            found["missing"][str(ref)] += int(n)
    return found


def _settle(world: World, write: Write | None, durable: bool | None, stored: Any) -> None:
    """Fold the unacknowledged write into the expectation: all there or not at all."""
    if write is None:
        return
    expected, now = world.stored[write.register], stored[write.register]
    if write.key is None:  # a new record the server names: look for one we never saw
        new = set(now) - set(expected)
        allowed = {True: [1], False: [0], None: [0, 1]}[durable]
        assert len(new) in allowed, f"in-flight {write.kind}: {len(new)} new records appeared"
        expected.update(dict.fromkeys(new, write.version))
        return
    before = expected.get(write.key, 0)
    allowed = {True: [write.version], False: [before], None: [before, write.version]}[durable]
    got = now.get(write.key, 0)
    assert got in allowed, f"in-flight {write.kind} on {write.key}: version {got}, not {allowed}"
    if got:
        expected[write.key] = got
    if got == write.version and write.register == "units":  # the in-flight move landed
        world.unit_status[write.key] = _unit_status(write)


def _unit_status(write: Write) -> str:
    return str(write.body.get("status", "available"))


def _audit_counts(store: Any) -> Counter[tuple[str, str]]:
    with store.app.engine.connect() as connection:
        rows = connection.execute(
            sa.select(audit_log.c.action, audit_log.c.record_id).where(audit_log.c.outcome == "ok")
        ).all()
    return Counter((row.action, row.record_id) for row in rows)


def _assert_whole(store: Any, stored: dict[str, dict[str, int]]) -> None:
    """No half-written record: each stored write has its audit row, and no audit row is
    left for a write that is not stored."""
    assert store.half_written() == []
    counts = _audit_counts(store)
    audited: dict[str, Counter[str]] = {name: Counter() for name in REGISTERS}
    for (action, record_id), n in counts.items():
        if action == "incident.log" or action.startswith("incident.append."):
            audited["incidents"][record_id] += n
        elif action == "unit.register" or action.startswith("unit.update"):
            audited["units"][record_id] += n
        elif action in ("ocg.register", "ocg.member"):
            audited["groups"][record_id] += n
        elif action == "person.record":
            audited["people"][record_id] += n
        elif action in ("missing.report", "missing.review"):
            audited["missing"][record_id] += n
    # An incident is logged at version 2 by one audited write; every other write adds one.
    writes = {name: {k: (v - 1 if name == "incidents" else v) for k, v in stored[name].items()}
              for name in REGISTERS}  # fmt: skip
    for name in REGISTERS:
        wrong = {k: (audited[name][k], n) for k, n in writes[name].items() if audited[name][k] != n}
        extra = set(audited[name]) - set(writes[name])
        assert not wrong, f"{name}: audit rows out of step (audited, writes): {wrong}"
        assert not extra, f"{name}: audit rows for records never stored: {extra}"
    _assert_review_duties(store, set(stored["missing"]))


def _assert_review_duties(store: Any, episodes: set[str]) -> None:
    """Every stored (open) episode has exactly one open supervisory-review duty, and no
    duty names an episode that is not stored."""
    d = duties.c
    with store.app.engine.connect() as connection:
        rows = connection.execute(sa.select(d.subject_ref, d.kind, d.is_open)).all()
    open_reviews = Counter(r.subject_ref for r in rows if r.kind == REVIEW_DUTY and r.is_open)
    wrong = {ref: open_reviews[ref] for ref in episodes if open_reviews[ref] != 1}
    assert not wrong, f"episodes without exactly one open review duty: {wrong}"
    stray = {r.subject_ref for r in rows} - episodes
    assert not stray, f"duties for episodes never stored: {stray}"


def _crash_round(store, forks, world, point, rng, tally) -> None:  # type: ignore[no-untyped-def]
    server = Server(forks, point)
    in_flight: Write | None = None
    if point is not None:
        target = KINDS[sum(tally.kills.values()) % len(KINDS)]  # every kind, every point
        for _ in range(rng.randrange(3)):  # a few writes before: the server is warm
            warm = _next_write(world, KINDS[rng.randrange(len(KINDS))])
            _acknowledge(world, warm, _send(server, warm))
        in_flight = _next_write(world, target)
        hits_before = len(store.faults_logged())
        try:
            reply = _send(server, in_flight, crash=True)
            raise AssertionError(f"{point} not hit by {in_flight.kind}: {reply.status_code}")
        except httpx.TransportError:
            pass
        assert server.wait() == -signal.SIGKILL
        assert store.faults_logged()[hits_before:] == [point]
        tally.points_hit[point] += 1
        tally.in_flight[in_flight.kind] += 1
    else:
        killer = threading.Timer(rng.uniform(0.05, 0.6), server.kill)
        killer.start()
        try:
            n = 0
            while True:
                in_flight = _next_write(world, KINDS[n % len(KINDS)])
                _acknowledge(world, in_flight, _send(server, in_flight))
                in_flight, n = None, n + 1
        except httpx.TransportError:
            pass
        killer.join()
        assert server.wait() == -signal.SIGKILL
        if in_flight is not None:
            tally.in_flight[in_flight.kind] += 1
    tally.kills[point or "random"] += 1
    _await_server_backends_gone(store)

    stored = _stored(store)
    _settle(world, in_flight, DURABLE[point], stored)
    assert stored == world.stored, "the store differs from what was acknowledged"
    _assert_whole(store, stored)
    store.assert_audit_chain_verifies()


def test_killing_the_server_mid_request_loses_no_acknowledged_write(
    crash_store, crash_kills, crash_rng, tally
):
    tally.in_flight = Counter()  # type: ignore[attr-defined]  # kind of write killed
    world = World()
    kills = max(crash_kills, 2 * len(POINTS))
    forks = ForkServer(crash_store)
    try:
        for round_number in range(kills):
            point = POINTS[round_number % len(POINTS)]
            _crash_round(crash_store, forks, world, point, crash_rng, tally)
        # Restarted once more, unarmed: every acknowledged record reads back through the API.
        _read_back(forks, world)
    finally:
        forks.close()
        print("writes in flight at the kills:", dict(tally.in_flight))
    for kind in REGISTERS:
        assert world.stored[kind], f"no {kind} were written: the test proved nothing for them"
    crash_store.folded()
    crash_store.assert_audit_chain_verifies(through_cli=True)


def _read_back(forks: ForkServer, world: World) -> None:
    server = Server(forks, None)
    try:
        for ref, version in world.stored["incidents"].items():
            read = server.clients["supervisor"].get(f"/api/incidents/{ref}")
            assert read.status_code == 200 and read.json()["version"] == version
        for gid in world.stored["groups"]:
            assert server.clients["soc"].get(f"/api/soc/groups/{gid}").status_code == 200
        for ref in world.stored["people"]:
            assert server.clients["ppo"].get(f"/api/people/{ref}").status_code == 200
        for ref, version in world.stored["missing"].items():
            read = server.clients["ppo"].get(f"/api/missing/{ref}")
            assert read.status_code == 200 and _episode_version(read.json()) == version
    finally:
        server.kill()
        server.wait()
