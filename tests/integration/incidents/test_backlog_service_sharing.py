"""Screens refreshing within a second share one board, but never a stale one."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.incidents.entries import CallSource, ContactMade, Location
from watchkeeper.incidents.services import NewIncident
from watchkeeper.kernel.clock import FixedClock, SystemClock
from watchkeeper.persistence import schema
from watchkeeper.settings import Settings

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HANDLER = Actor("handler", Role.CALL_HANDLER, "web")


class FastHasher:
    def hash(self, password):
        return f"fake${password}"

    def verify(self, password_hash, password):
        return password_hash == f"fake${password}"


@pytest.fixture
def wired(database_url, tmp_path):
    schema.upgrade(database_url)
    clock = FixedClock(T0)
    settings = Settings(
        database_url=database_url,
        force_profile_path=None,
        audit_key_file=tmp_path / "audit.key",
        audit_head_file=tmp_path / "audit.head",
    )
    application = build(settings, clock, hasher=FastHasher())
    yield application, clock
    application.close()


def _log(application, address):
    request = NewIncident(
        CallSource.EMERGENCY_999, Location(address, "central"), "domestic-abuse", "P2"
    )
    return application.incidents.log_incident(HANDLER, request)


def test_readers_within_a_second_share_the_board_and_a_write_or_a_second_ends_it(wired):
    application, clock = wired
    first_id = _log(application, "1 High Street")
    _log(application, "2 Low Road")
    clock.advance(timedelta(minutes=40))
    first = application.backlog.current(HANDLER)
    clock.advance(timedelta(milliseconds=400))
    assert application.backlog.current(HANDLER) is first  # same open set, same second

    application.incidents.record(HANDLER, first_id, ContactMade("spoke to caller"))
    after_write = application.backlog.current(HANDLER)
    assert after_write is not first
    row = next(r for r in after_write.rows if r.incident_id == first_id)
    assert row.has_contact  # the write is visible at once, not a second later

    clock.advance(timedelta(seconds=2))
    later = application.backlog.current(HANDLER)
    assert later is not after_write
    assert later.as_of == clock.now()


def _ranked(board):
    return [(r.incident_id, round(r.score, 9), r.band) for r in board.rows]


def test_a_write_within_the_cache_age_recounts_repeats_exactly_as_a_rebuild(wired):
    """The live cache recounts contexts only around a change; the store agrees with a
    from-the-log rebuild at the same moment (repeat counts included)."""
    application, clock = wired
    application.backlog.warm()
    assert application.backlog.cache is not None
    assert application.backlog.cache.refreshes == 1  # warmed before anyone asked
    first = _log(application, "1 High Street")
    _log(application, "9 Elm Close")
    clock.advance(timedelta(seconds=5))
    application.backlog.current(HANDLER)
    clock.advance(timedelta(seconds=5))
    _log(application, "1 High Street")  # a repeat at the first incident's address
    clock.advance(timedelta(seconds=5))

    live = application.backlog.current(HANDLER)
    rebuilt = application.backlog.current(HANDLER, as_of=clock.now())

    assert _ranked(live) == _ranked(rebuilt)
    first_row = live.explain(first)
    assert any(f.name == "repeat-location" and f.points > 0 for f in first_row.factors)


def test_a_call_logged_after_a_readers_time_does_not_break_the_board(wired):
    """Under surge a handler's call can commit between a reader taking its time and reading
    the store: the board leaves it off until its time instead of failing to fold it. (A
    write in the reader's own process brings the board up to date itself, so the write here
    comes from another process: a second application on the same database.)"""
    application, clock = wired
    first = _log(application, "1 High Street")
    clock.advance(timedelta(minutes=40))
    application.backlog.current(HANDLER)
    clock.advance(timedelta(seconds=1))
    other = build(application.settings, clock, hasher=FastHasher())
    try:
        later = _log(other, "2 Low Road")
    finally:
        other.close()
    clock.advance(timedelta(seconds=-1))  # the reader's time, taken before that write

    before = application.backlog.current(HANDLER)
    clock.advance(timedelta(seconds=2))
    after = application.backlog.current(HANDLER)

    assert [r.incident_id for r in before.rows] == [first]
    assert {r.incident_id for r in after.rows} == {first, later}
    assert _ranked(after) == _ranked(application.backlog.current(HANDLER, as_of=clock.now()))


def test_handlers_logging_while_screens_refresh_never_see_an_error(database_url, tmp_path):
    """Four handlers log calls on the wall clock while two screens refresh the board."""
    schema.upgrade(database_url)
    settings = Settings(
        database_url=database_url,
        force_profile_path=None,
        audit_key_file=tmp_path / "audit.key",
        audit_head_file=tmp_path / "audit.head",
    )
    application = build(settings, SystemClock(), hasher=FastHasher())
    errors: list[BaseException] = []
    logged: list[str] = []
    stop = threading.Event()

    def handler(n: int) -> None:
        try:
            for k in range(15):
                logged.append(_log(application, f"{n}-{k} Surge Street"))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    def screen() -> None:
        try:
            while not stop.is_set():
                application.backlog.current(HANDLER)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    try:
        screens = [threading.Thread(target=screen) for _ in range(2)]
        handlers = [threading.Thread(target=handler, args=(n,)) for n in range(4)]
        for thread in [*screens, *handlers]:
            thread.start()
        for thread in handlers:
            thread.join()
        stop.set()
        for thread in screens:
            thread.join()
        time.sleep(0.01)  # past the last call's time
        final = application.backlog.current(HANDLER)
    finally:
        application.close()

    assert errors == []
    assert len(logged) == 60
    assert set(logged) <= {r.incident_id for r in final.rows}


def test_a_write_brings_the_live_board_up_to_date_before_it_returns(wired):
    application, _ = wired
    _log(application, "1 High Street")
    application.backlog.current(HANDLER)  # a screen has shown the board in this process
    cache = application.backlog.cache
    refreshes = cache.refreshes

    new_id = _log(application, "2 Low Road")

    assert cache.refreshes == refreshes + 1  # the writer refreshed, before returning
    assert new_id in {s.incident_id for s in cache.current.states}
    board = application.backlog.current(HANDLER)
    assert new_id in {row.incident_id for row in board.rows}
    assert cache.refreshes == refreshes + 1  # the reader had nothing left to load


def test_a_process_that_never_showed_the_board_does_not_load_it_on_a_write(wired):
    application, _ = wired
    _log(application, "1 High Street")  # e.g. the CLI logging one call

    assert application.backlog.cache.current is None


def test_a_failed_catch_up_does_not_turn_a_committed_write_into_an_error(wired, caplog):
    application, _ = wired
    _log(application, "1 High Street")
    application.backlog.current(HANDLER)

    def broken(uow_factory, now, contexts_of):
        raise RuntimeError("store unreachable for the refresh")

    application.backlog.cache.catch_up = broken
    new_id = _log(application, "2 Low Road")  # committed: reported done, not an error

    assert "catch-up failed after a committed write: RuntimeError" in caplog.text
    assert "2 Low Road" not in caplog.text
    board = application.backlog.current(HANDLER)  # the reader refreshes instead
    assert new_id in {row.incident_id for row in board.rows}
