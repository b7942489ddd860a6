"""The live board's open-set cache: reused while the store's marker stands still, refreshed
(only what changed) when it moves, and always the same board as a rebuild from the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.incidents.backlog import build_backlog
from watchkeeper.incidents.backlog_cache import OpenSetCache, PendingWrites
from watchkeeper.incidents.entries import (
    CallSource,
    Closed,
    ContactMade,
    Grade,
    Graded,
    Location,
    Opened,
)
from watchkeeper.incidents.model import Incident
from watchkeeper.incidents.risk import RiskContext
from watchkeeper.kernel.ids import IncidentId
from watchkeeper.settings import load_force_profile

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
PROFILE = load_force_profile(None)


def _incident(name: str, minute: float, address: str = "1 High Street") -> Incident:
    opened = Opened(CallSource.EMERGENCY_999, Location(address, "central"), "domestic-abuse")
    at = T0 + timedelta(minutes=minute)
    incident = Incident.open(IncidentId(f"INC-{name}"), opened, at, "handler", at)
    incident.record(Graded(Grade.PRIORITY, "P2"), at, "handler", at)
    return incident


class _Store:
    """An in-memory incident store with a change marker, counting what is loaded."""

    def __init__(self, *incidents: Incident) -> None:
        self.logs = {i.incident_id: i for i in incidents}
        self.marker = 0
        self.loaded: list[IncidentId] = []
        self.listings = 0

    def write(self, incident: Incident) -> None:
        self.logs[incident.incident_id] = incident
        self.marker += 1

    def change_marker(self) -> int:
        return self.marker

    def open_versions(self) -> dict[IncidentId, int]:
        self.listings += 1
        return {k: i.version for k, i in self.logs.items() if i.state.is_open}

    def load_many(self, ids):
        self.loaded += sorted(ids)
        return [self.logs[i] for i in sorted(ids) if i in self.logs]


class _Uow:
    def __init__(self, store: _Store) -> None:
        self.incidents = store

    def __enter__(self) -> _Uow:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _contexts(uow, states, at):
    """Repeat-location counts among the open set, like the service's (a stand-in)."""
    keys = [s.location.address_key for s in states]
    return {s.incident_id: RiskContext(keys.count(s.location.address_key) - 1) for s in states}


def _board(snapshot, now):
    board = build_backlog(
        snapshot.states, snapshot.contexts, PROFILE, now, features=snapshot.features
    )
    return [(r.incident_id, r.score, r.band, r.actions) for r in board.rows], board.summary


def _rebuilt(store: _Store, now: datetime):
    begun = [i for i in store.logs.values() if i.state.is_open and i.entries[0].at <= now]
    states = [i.state_at(now) for i in begun]
    board = build_backlog(states, _contexts(None, states, now), PROFILE, now)
    return [(r.incident_id, r.score, r.band, r.actions) for r in board.rows], board.summary


def test_an_unchanged_store_is_not_read_again_and_the_rescored_board_matches_a_rebuild():
    store = _Store(_incident("A", 0), _incident("B", 5, "2 Low Road"))
    cache = OpenSetCache(PROFILE)
    first = cache.snapshot(_Uow(store), T0 + timedelta(minutes=30), _contexts)
    later = T0 + timedelta(minutes=30, seconds=50)
    second = cache.snapshot(_Uow(store), later, _contexts)

    assert second is first
    assert cache.refreshes == 1
    assert _board(second, later) == _rebuilt(store, later)


def test_a_write_reloads_only_the_changed_incident_and_matches_a_rebuild():
    a, b, c = _incident("A", 0), _incident("B", 5), _incident("C", 9, "9 Elm Close")
    store = _Store(a, b, c)
    cache = OpenSetCache(PROFILE)
    cache.snapshot(_Uow(store), T0 + timedelta(minutes=30), _contexts)
    store.loaded.clear()
    now = T0 + timedelta(minutes=40)
    a.record(ContactMade("spoke to caller"), now, "handler", now)
    store.write(a)
    b.record(Closed("no-further-action"), now, "handler", now)
    store.write(b)
    store.write(_incident("D", 35, "9 Elm Close"))  # a repeat at C's address

    snapshot = cache.snapshot(_Uow(store), now, _contexts)

    assert store.loaded == ["INC-A", "INC-D"]
    assert [s.incident_id for s in snapshot.states] == ["INC-C", "INC-A", "INC-D"]
    assert _board(snapshot, now) == _rebuilt(store, now)


def test_a_snapshot_is_refreshed_once_its_age_passes_even_without_writes():
    store = _Store(_incident("A", 0))
    cache = OpenSetCache(PROFILE, max_age=timedelta(seconds=60))
    first = cache.snapshot(_Uow(store), T0 + timedelta(minutes=1), _contexts)

    again = cache.snapshot(_Uow(store), T0 + timedelta(minutes=2, seconds=1), _contexts)

    assert again is not first
    assert cache.refreshes == 2


def test_an_entry_dated_after_the_fold_is_applied_once_its_time_comes():
    a = _incident("A", 0)
    later = T0 + timedelta(minutes=20)
    a.record(ContactMade("spoke to caller"), later, "handler", T0 + timedelta(minutes=1))
    store = _Store(a)
    cache = OpenSetCache(PROFILE)
    before = cache.snapshot(_Uow(store), T0 + timedelta(minutes=10), _contexts)

    after = cache.snapshot(_Uow(store), later, _contexts)

    assert before.states[0].last_contact_at is None
    assert after.states[0].last_contact_at == later


def test_within_its_age_a_write_recounts_only_contexts_sharing_an_address():
    a, b, c = _incident("A", 0), _incident("B", 5, "2 Low Road"), _incident("C", 9, "9 Elm Close")
    store = _Store(a, b, c)
    cache = OpenSetCache(PROFILE, max_age=timedelta(minutes=30))
    recounted: list[list[IncidentId]] = []

    def counting(uow, states, at):
        recounted.append([s.incident_id for s in states])
        return _contexts(uow, states, at)

    cache.snapshot(_Uow(store), T0 + timedelta(minutes=10), counting)
    now = T0 + timedelta(minutes=12)
    store.write(_incident("D", 11, "9 Elm Close"))  # a repeat at C's address

    snapshot = cache.snapshot(_Uow(store), now, counting)

    assert recounted[-1] == ["INC-C", "INC-D"]  # A and B keep their counted contexts
    assert snapshot.contexts[IncidentId("INC-C")] == RiskContext(1)
    assert _board(snapshot, now) == _rebuilt(store, now)


def test_a_call_logged_after_the_readers_time_waits_for_its_time_then_joins_the_board():
    """Under surge a handler logs a call between a reader taking its time and reading the
    store: the reader must not fail folding a log that has not begun yet at its time."""
    store = _Store(_incident("A", 0))
    cache = OpenSetCache(PROFILE)
    reader_time = T0 + timedelta(minutes=10)
    cache.snapshot(_Uow(store), reader_time, _contexts)
    store.write(_incident("B", 10 + 1 / 60, "2 Low Road"))  # logged a second later

    before = cache.snapshot(_Uow(store), reader_time, _contexts)
    after = cache.snapshot(_Uow(store), reader_time + timedelta(seconds=2), _contexts)

    assert [s.incident_id for s in before.states] == ["INC-A"]
    assert before.valid_until == reader_time + timedelta(seconds=1)
    assert [s.incident_id for s in after.states] == ["INC-A", "INC-B"]
    assert _board(after, reader_time + timedelta(seconds=2)) == _rebuilt(
        store, reader_time + timedelta(seconds=2)
    )


def test_a_dated_entry_coming_due_reloads_only_its_incident():
    a, b, c = _incident("A", 0), _incident("B", 1, "2 Low Road"), _incident("C", 2, "9 Elm")
    later = T0 + timedelta(minutes=20)
    a.record(ContactMade("spoke to caller"), later, "handler", T0 + timedelta(minutes=2))
    much_later = T0 + timedelta(minutes=50)
    c.record(ContactMade("rang back"), much_later, "handler", T0 + timedelta(minutes=2))
    store = _Store(a, b, c)
    cache = OpenSetCache(PROFILE, max_age=timedelta(hours=2))
    cache.snapshot(_Uow(store), T0 + timedelta(minutes=10), _contexts)
    store.loaded.clear()

    after = cache.snapshot(_Uow(store), later, _contexts)
    assert store.loaded == ["INC-A"]  # C's entry is still to come: not reloaded yet
    assert after.valid_until == much_later
    assert _board(after, later) == _rebuilt(store, later)

    store.loaded.clear()
    last = cache.snapshot(_Uow(store), much_later, _contexts)
    assert store.loaded == ["INC-C"]
    assert _board(last, much_later) == _rebuilt(store, much_later)


def test_a_reader_whose_time_was_taken_before_the_snapshot_is_served_without_a_reload():
    """Readers take their time, then queue for the lock: one may arrive with a time a moment
    before the snapshot another has just built. It must not reload the whole open set."""
    a, b = _incident("A", 0), _incident("B", 1, "2 Low Road")
    store = _Store(a, b)
    cache = OpenSetCache(PROFILE)
    built = cache.snapshot(_Uow(store), T0 + timedelta(minutes=10, seconds=1), _contexts)
    store.loaded.clear()
    earlier = T0 + timedelta(minutes=10)

    same = cache.snapshot(_Uow(store), earlier, _contexts)
    store.write(_incident("C", 9, "9 Elm Close"))
    after_write = cache.snapshot(_Uow(store), earlier, _contexts)

    assert same is built and cache.refreshes == 2
    assert store.loaded == ["INC-C"]  # only the new incident, not the whole open set
    assert after_write.built_at == built.built_at  # the live board never goes back in time
    assert _board(after_write, built.built_at) == _rebuilt(store, built.built_at)


def test_pending_writes_cover_a_gap_only_when_every_value_in_it_is_held():
    pending = PendingWrites()
    pending.hold(6, IncidentId("INC-A"))
    pending.hold(7, IncidentId("INC-B"))

    assert pending.cover(5, 7)
    assert pending.changed(5, 7) == {"INC-A", "INC-B"}
    assert not pending.cover(4, 7)  # 5 was committed by someone who is not waiting
    assert pending.changed(4, 7) is None
    assert not pending.cover(7, 7)  # nothing moved
    pending.release(7)
    assert pending.cover(5, 6) and not pending.cover(5, 7)


def test_a_reader_is_served_the_board_before_writes_still_held_by_their_writers():
    """A writer in this process holds its marker until the board includes it, and only then
    replies: a reader meanwhile began before the reply, so the board before it is current
    for that reader. A write nobody holds (another process) is waited for."""
    store = _Store(_incident("A", 0))
    cache = OpenSetCache(PROFILE)
    now = T0 + timedelta(minutes=5)
    before = cache.snapshot_from(lambda: _Uow(store), now, _contexts)
    store.write(_incident("B", 4, "2 Low Road"))
    cache.pending.hold(store.marker, IncidentId("INC-B"))

    held = cache.snapshot_from(lambda: _Uow(store), now, _contexts)
    assert held is before and cache.served_before_writes == 1

    caught_up = cache.catch_up(lambda: _Uow(store), now, _contexts)  # the writer's own call
    cache.pending.release(store.marker)
    assert [s.incident_id for s in caught_up.states] == ["INC-A", "INC-B"]
    assert cache.snapshot_from(lambda: _Uow(store), now, _contexts) is caught_up

    store.write(_incident("C", 4, "9 Elm Close"))  # by another process: nobody holds it
    waited = cache.snapshot_from(lambda: _Uow(store), now, _contexts)
    assert [s.incident_id for s in waited.states] == ["INC-A", "INC-B", "INC-C"]


def test_a_held_write_is_not_used_to_serve_a_snapshot_past_its_life():
    store = _Store(_incident("A", 0))
    cache = OpenSetCache(PROFILE, max_age=timedelta(seconds=60))
    cache.snapshot_from(lambda: _Uow(store), T0 + timedelta(minutes=1), _contexts)
    store.write(_incident("B", 1, "2 Low Road"))
    cache.pending.hold(store.marker, IncidentId("INC-B"))

    later = cache.snapshot_from(lambda: _Uow(store), T0 + timedelta(minutes=3), _contexts)

    assert [s.incident_id for s in later.states] == ["INC-A", "INC-B"]


def test_a_refresh_after_held_writes_reads_only_their_incidents_not_the_open_set():
    a, b = _incident("A", 0), _incident("B", 1, "2 Low Road")
    store = _Store(a, b, _incident("C", 2, "9 Elm Close"))
    cache = OpenSetCache(PROFILE)
    now = T0 + timedelta(minutes=10)
    cache.snapshot(_Uow(store), now, _contexts)
    store.loaded.clear()
    listed = store.listings
    a.record(Closed("no-further-action"), now, "handler", now)
    store.write(a)
    cache.pending.hold(store.marker, a.incident_id)
    store.write(_incident("D", 9, "2 Low Road"))  # a repeat at B's address
    cache.pending.hold(store.marker, IncidentId("INC-D"))

    snapshot = cache.catch_up(lambda: _Uow(store), now, _contexts)

    assert store.listings == listed and cache.partial_refreshes == 1
    assert store.loaded == ["INC-A", "INC-D"]
    assert _board(snapshot, now) == _rebuilt(store, now)


ADDRESSES = ("1 High Street", "2 Low Road", "9 Elm Close")


STEP = st.tuples(
    st.sampled_from(("new", "ahead", "close", "contact")),
    st.integers(0, 20),
    st.sampled_from(ADDRESSES),
    st.booleans(),  # held by a writer in this process (else a write from elsewhere)
    st.booleans(),  # the board is refreshed after this write (else writes pile up first)
)


@settings(max_examples=60, deadline=None)
@given(st.lists(STEP, min_size=1, max_size=12))
def test_incremental_refreshes_give_the_board_a_full_rebuild_gives(steps):
    """Any sequence of writes inside the contexts' age, some logged a few seconds after the
    reader's time (as under concurrent intake), some held by writers in this process (read
    alone) and some from elsewhere (the open set listed), refreshed after one or several:
    the cached board equals a rebuild."""
    store = _Store(_incident("A", 0), _incident("B", 1, "2 Low Road"))
    cache = OpenSetCache(PROFILE, max_age=timedelta(hours=1))
    now = T0 + timedelta(minutes=5)
    cache.snapshot(_Uow(store), now, _contexts)
    holding: list[int] = []
    for n, (kind, pick, address, held, refresh) in enumerate(steps):
        now += timedelta(seconds=30)
        open_ids = sorted(
            k for k, i in store.logs.items() if i.state.is_open and i.entries[0].at <= now
        )
        if kind in {"new", "ahead"} or not open_ids:
            ahead = pick if kind == "ahead" else 0  # seconds after the reader's time
            minute = (now - T0 + timedelta(seconds=ahead)) / timedelta(minutes=1)
            target = _incident(f"N{n}", minute, address)
        else:
            target = store.logs[open_ids[pick % len(open_ids)]]
            entry = Closed("no-further-action") if kind == "close" else ContactMade("rang back")
            target.record(entry, now, "handler", now)
        store.write(target)
        if held:
            cache.pending.hold(store.marker, target.incident_id)
            holding.append(store.marker)
        if refresh or n == len(steps) - 1:
            snapshot = cache.catch_up(lambda: _Uow(store), now, _contexts)
            for marker in holding:
                cache.pending.release(marker)
            holding.clear()
            assert _board(snapshot, now) == _rebuilt(store, now)
