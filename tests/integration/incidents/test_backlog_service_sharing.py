"""Screens refreshing within a second share one board, but never a stale one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.incidents.entries import CallSource, ContactMade, Location
from watchkeeper.incidents.services import NewIncident
from watchkeeper.kernel.clock import FixedClock
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
