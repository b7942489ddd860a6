"""No data is lost on a crash mid-write (issue 2 part 6; issue 8 part 1, reduced).

Processes are killed with SIGKILL at named fault points (before and after a unit of work's
commit; mid-batch and after a batch of a CAD import) and at random moments, on SQLite and
PostgreSQL. After every kill: every acknowledged write is present, no incident is
half-written, the audit chain verifies; an interrupted import, run again, ends exactly where a
clean import ends. Sizes: see this folder's conftest (WATCHKEEPER_CRASH_KILLS).
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import pytest
import sqlalchemy as sa

from watchkeeper.persistence.tables import incident_entries, incidents

# --- incident writes through the services -------------------------------------------------

# A call handler's day on fast-forward: log an incident, then four entries on it, each
# through the services, printing ACK only once the service call has returned.
WRITER = """
import sys
from watchkeeper.bootstrap import build
from watchkeeper.incidents.entries import (
    BacklogReviewed, CallSource, Closed, ContactMade, Location, ResourceAssigned,
)
from watchkeeper.incidents.services import NewIncident

app = build()
handler, dispatcher, supervisor = (
    app.accounts.operator(name) for name in ("handler", "dispatcher", "supervisor")
)
steps = [
    (handler, ContactMade("spoke to the caller")),
    (dispatcher, ResourceAssigned("unit-7", "nearest available")),
    (supervisor, BacklogReviewed("checked at the backlog review")),
    (supervisor, Closed("advice-given")),
]
print("READY", flush=True)
for n in range(int(sys.argv[1])):
    print("TRY log", flush=True)
    request = NewIncident(
        CallSource.EMERGENCY_999, Location(f"{n} High Street", "north"),
        "concern-for-welfare", "P1",
    )
    incident_id = app.incidents.log_incident(handler, request)
    version = 2  # opened + graded
    print(f"ACK {incident_id} {version}", flush=True)
    for actor, payload in steps:
        print(f"TRY {incident_id} {version + 1}", flush=True)
        version = app.incidents.record(actor, incident_id, payload, expected_version=version).seq
        print(f"ACK {incident_id} {version}", flush=True)
print("DONE", flush=True)
"""
WRITES_PER_INCIDENT = 5
WRITE_POINTS = ("uow.before-commit", "uow.after-commit", None)  # None: a random moment
# Whether the write in flight at the kill must be stored: no / yes / either (all or nothing).
DURABLE = {"uow.before-commit": False, "uow.after-commit": True, None: None}


def _acks_and_in_flight(stdout):
    """ACKed (incident, seq) pairs, and the write begun but not acknowledged (or None)."""
    acks, in_flight = [], None
    for line in stdout.splitlines():
        words = line.split()
        if words[:1] == ["ACK"]:
            acks.append((words[1], int(words[2])))
            in_flight = None
        elif words[:1] == ["TRY"]:
            in_flight = "log" if words[1] == "log" else (words[1], int(words[2]))
    return acks, in_flight


def _settle_in_flight(in_flight, durable, expected, stored):
    """Fold the unacknowledged write into ``expected``: it must be all there or not at all.

    ``durable`` is True (killed after commit), False (before commit) or None (random).
    """
    if in_flight == "log":
        new = set(stored) - set(expected)
        allowed = {True: [1], False: [0], None: [0, 1]}[durable]
        assert len(new) in allowed, f"in-flight log: {len(new)} new incidents appeared"
        expected.update(dict.fromkeys(new, 2))
    elif in_flight is not None:
        incident_id, seq = in_flight
        allowed = {True: [seq], False: [seq - 1], None: [seq - 1, seq]}[durable]
        assert stored[incident_id] in allowed, (
            f"in-flight entry {seq} of {incident_id}: stored version {stored[incident_id]}"
        )
        expected[incident_id] = stored[incident_id]


def _assert_audit_matches_the_log(store, stored):
    """Each write's audit row committed with it: one 'incident.log' and one row per append."""
    counts = Counter()
    for action, record_id in store.audit_actions():
        if action == "incident.log":
            counts[record_id, "log"] += 1
        elif action.startswith("incident.append."):
            counts[record_id, "append"] += 1
    audited = {record_id for record_id, _ in counts}
    assert audited <= set(stored), f"audit rows for incidents never stored: {audited - set(stored)}"
    wrong = {
        i: (counts[i, "log"], counts[i, "append"], v)
        for i, v in stored.items()
        if (counts[i, "log"], counts[i, "append"]) != (1, v - 2)
    }
    assert not wrong, f"audit rows out of step with the log (log, appends, version): {wrong}"


def test_killing_a_writer_before_or_after_commit_or_at_random_loses_no_acknowledged_write(
    crash_store, crash_kills, crash_rng, tally, tmp_path
):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    expected: dict[str, int] = {}  # incident -> version every acknowledged write adds up to
    for round_number in range(crash_kills):
        point = WRITE_POINTS[round_number % len(WRITE_POINTS)]
        if point is None:
            delay = crash_rng.uniform(0.02, 0.5)
            run = crash_store.run_and_kill([sys.executable, str(script), "100000"], delay, "READY")
        else:
            skip = crash_rng.randrange(3 * WRITES_PER_INCIDENT)
            hits_before = len(crash_store.faults_logged())
            run = crash_store.run([sys.executable, str(script), "100000"], point, skip)
            assert crash_store.faults_logged()[hits_before:] == [point]
            tally.points_hit[point] += 1
        assert run.killed, f"writer was not killed (rc {run.returncode}): {run.stderr[-2000:]}"
        tally.kills[point or "random"] += 1

        acks, in_flight = _acks_and_in_flight(run.stdout)
        if point is not None:
            assert in_flight is not None, "a fault point kills inside a write, never between"
        expected.update(dict(acks))
        stored = crash_store.versions()
        _settle_in_flight(in_flight, DURABLE[point], expected, stored)

        assert stored == expected, "a stored log differs from what was acknowledged"
        assert crash_store.half_written() == []
        _assert_audit_matches_the_log(crash_store, stored)
        crash_store.assert_audit_chain_verifies()

    assert len(expected) >= crash_kills // 3, "too few incidents written to prove anything"
    crash_store.folded()
    crash_store.assert_audit_chain_verifies(through_cli=True)


# --- CAD import of the real San Luis Obispo log ---------------------------------------------

IMPORT_POINTS = ("import.mid-batch", "import.after-batch", None)  # None: a random moment


def _stored_count(store):
    with store.app.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(incidents)).scalar_one()


def _wipe_incidents(store):
    """Start a new generation of kills on an empty incident log (accounts and audit stay)."""
    with store.app.engine.begin() as connection:
        connection.execute(sa.delete(incident_entries))
        connection.execute(sa.delete(incidents))


def _kill_import_at_a_point(store, args, reference, point, window, rng, tally):
    """Kill at the fault point inside a batch drawn from ``window``; the batches committed."""
    low = int(window[0] * reference.batches)
    skip = rng.randint(low, max(low, int(window[1] * reference.batches) - 1))
    hits_before = len(store.faults_logged())
    run = store.run(args, point, skip)
    assert run.killed, (
        f"import was not killed at {point} (rc {run.returncode}): {run.stderr[-2000:]}"
    )
    assert store.faults_logged()[hits_before:] == [point]
    tally.points_hit[point] += 1
    tally.kills[point] += 1
    return skip + 1 if point == "import.after-batch" else skip


def _kill_import_at_random(store, args, reference, window, rng, tally):
    """Kill after a random delay; the batches committed, judged from the count stored."""
    delay = 0.4 + rng.uniform(*window) * 0.5 * reference.seconds
    run = store.run_and_kill(args, delay)
    assert run.returncode in {0, -9}, f"import failed: {run.stderr[-2000:]}"
    if run.returncode == 0:
        tally.survived_runs += 1
        return reference.batches
    tally.kills["random"] += 1
    count = _stored_count(store)
    assert count in reference.after_batches, f"{count} incidents: not a whole number of batches"
    return max(k for k, n in enumerate(reference.after_batches) if n == count)


def _import_generation(store, args, reference, kills, rng, tally, first_round):
    """``kills`` crashed runs at advancing positions, then one run to completion; checked."""
    committed = 0
    for i in range(kills):
        point = IMPORT_POINTS[(first_round + i) % len(IMPORT_POINTS)]
        window = (i / kills, (i + 1) / kills)
        if point is None:
            reached = _kill_import_at_random(store, args, reference, window, rng, tally)
        else:
            reached = _kill_import_at_a_point(store, args, reference, point, window, rng, tally)
        committed = max(committed, reached)
        # Nothing acknowledged (committed) is lost, nothing uncommitted is kept.
        assert _stored_count(store) == reference.after_batches[committed]
        assert store.half_written() == []

    before = _stored_count(store)
    done = store.run(args)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    buckets = ("imported", "already_present", "conflicting", "rejected")
    assert sum(summary[k] for k in buckets) == summary["rows_read"] == reference.rows_read
    assert summary["imported"] == reference.after_batches[-1] - before

    resumed = store.import_fingerprint()
    assert len(resumed) == len(reference.final)
    assert resumed.keys() == reference.final.keys(), "source references lost or invented"
    differing = [ref for ref, print_ in resumed.items() if print_ != reference.final[ref]]
    assert not differing, f"differs from a clean import: {[(r, resumed[r]) for r in differing[:3]]}"


@pytest.mark.realdata
def test_an_import_killed_mid_batch_after_a_batch_or_at_random_resumes_to_a_clean_import(
    crash_store, slo_reference, crash_kills, crash_rng, tally
):
    args = crash_store.cli_args(
        "--as", "supervisor", "import", "san-luis-obispo", "--json",
        "--batch-size", str(slo_reference.batch_size), "--rejects-dir", str(crash_store.dir / "rejects"),
        *map(str, slo_reference.files),
    )  # fmt: skip
    # A generation kills at advancing positions through one import, so that every kill
    # lands on new rows in flight; a long run (make reliability) repeats generations.
    per_generation = max(1, min(crash_kills, slo_reference.batches // 2))
    done = 0
    while done < crash_kills:
        kills = min(per_generation, crash_kills - done)
        if done:
            _wipe_incidents(crash_store)
        _import_generation(crash_store, args, slo_reference, kills, crash_rng, tally, done)
        done += kills
        crash_store.assert_audit_chain_verifies(through_cli=True)

    assert sum(tally.kills.values()) >= crash_kills * 2 // 3
