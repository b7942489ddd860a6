"""Use cases of the backlog: the ranked board now or at any past moment, and its trend."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.access.ports import AuditUnitOfWork
from watchkeeper.incidents.backlog import Backlog, BacklogFilters, BacklogSummary, build_backlog
from watchkeeper.incidents.backlog_cache import DEFAULT_MAX_AGE, OpenSetCache, OpenSnapshot
from watchkeeper.incidents.model import IncidentState
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.incidents.ports import SafeguardingLookup, UnitOfWork, known_at_many
from watchkeeper.incidents.risk import RiskContext
from watchkeeper.kernel.clock import Clock, ensure_utc
from watchkeeper.kernel.errors import InputError
from watchkeeper.kernel.ids import IncidentId

MAX_TREND_POINTS = 500
# A board built less than a second ago from the same unchanged open set is still current to
# the second the screen shows; sharing it is what keeps 50 refreshing screens cheap.
BOARD_REUSE = timedelta(seconds=1)
MAX_SHARED_BOARDS = 64


class BacklogService:
    """Builds the risk-ranked backlog from the log, live or as it stood at ``as_of``."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        profile: ForceProfile,
        lookup: SafeguardingLookup,
        audit_uow_factory: Callable[[], AuditUnitOfWork] | None = None,
        *,
        cache_max_age: timedelta | None = DEFAULT_MAX_AGE,
        board_reuse: timedelta = BOARD_REUSE,
    ) -> None:
        """``cache_max_age`` None turns the live board's read-model cache off.

        ``board_reuse``: while the store is unchanged, readers within this long of a built
        board share it (50 screens refreshing each second need one ranking, not fifty).
        """
        self._uow = uow_factory
        self._board_reuse = board_reuse
        self._boards: dict[BacklogFilters | None, tuple[OpenSnapshot, Backlog]] = {}
        self._boards_lock = threading.Lock()
        self._build_lock = threading.Lock()
        self.cache = OpenSetCache(profile, cache_max_age) if cache_max_age else None
        self._clock = clock
        self._profile = profile
        self._lookup = lookup
        self._trail = AuditTrail(audit_uow_factory or uow_factory, clock)

    def current(
        self, actor: Actor, as_of: datetime | None = None, filters: BacklogFilters | None = None
    ) -> Backlog:
        """The ranked backlog now, or reconstructed from the log at a past moment.

        A read of personal data: one audit row per read (not one per incident shown).
        """
        record = ("backlog", as_of.isoformat() if as_of is not None else "live")
        self._trail.authorise(actor, Permission.BACKLOG_READ, record)
        if filters == BacklogFilters():
            filters = None  # no filter: the same shared board the writers keep up to date
        if as_of is None:
            board = self._live(self._clock.now(), filters)
        else:
            board = self._build(ensure_utc(as_of), filters)
        self._trail.read(actor, "backlog.read", record)
        return board

    def live_summary(self) -> BacklogSummary:
        """The live board's totals (how many open, breached, ...) for operational metrics.

        Counts only, no record: not a read of personal data, so neither authorised nor
        audited per call (a metrics scraper calls it every few seconds).
        """
        return self._live(self._clock.now(), None).summary

    def committed(self, marker: int, incident_id: IncidentId) -> None:
        """A writer in this process committed ``incident_id`` at ``marker``: bring the live board up
        to it before the writer replies, serving readers the board from before it meanwhile
        (see ``backlog_cache``). A process that has not shown a board yet (the CLI) skips it.
        """
        cache = self.cache
        if cache is None or cache.current is None:
            return
        cache.pending.hold(marker, incident_id)
        try:
            now = self._clock.now()
            snap = cache.catch_up(self._uow, now, self._contexts)
            self._board_for(snap, max(now, snap.built_at), None)
        finally:
            cache.pending.release(marker)

    def warm(self) -> None:
        """Load the live open set into the cache before anyone asks (no data leaves here,
        so there is nothing to audit); a no-op when the cache is off."""
        if self.cache is not None:
            self.cache.snapshot_from(self._uow, self._clock.now(), self._contexts)

    def _build(self, at: datetime, filters: BacklogFilters | None = None) -> Backlog:
        with self._uow() as uow:
            states = [i.state_at(at) for i in uow.incidents.open_at(at)]
            contexts = self._contexts(uow, states, at)
        return build_backlog(states, contexts, self._profile, at, filters)

    def _live(self, now: datetime, filters: BacklogFilters | None) -> Backlog:
        """The board now, from the cached open set while the store has not changed."""
        if self.cache is None:
            return self._build(now, filters)
        snap = self.cache.snapshot_from(self._uow, now, self._contexts)
        return self._board_for(snap, max(now, snap.built_at), filters)

    def _board_for(
        self, snap: OpenSnapshot, now: datetime, filters: BacklogFilters | None
    ) -> Backlog:
        """The shared board of ``snap`` at ``now`` (built if none is fresh enough)."""
        shared = self._shared(snap, now, filters)
        if shared is not None:
            return shared
        # Single flight: when a shared board expires, one reader builds the next one. Readers
        # arriving meanwhile take the board just expired if it came from this very open set
        # (its waits are at most a second or so old) rather than queue behind the build;
        # after a write the open set differs, and they wait for the new board.
        if not self._build_lock.acquire(blocking=False):
            previous = self._shared(snap, now, filters, any_age=True)
            if previous is not None:
                return previous
            self._build_lock.acquire()
        try:
            shared = self._shared(snap, now, filters)
            if shared is not None:
                return shared
            board = build_backlog(
                snap.states, snap.contexts, self._profile, now, filters, features=snap.features
            )
            with self._boards_lock:
                if len(self._boards) > MAX_SHARED_BOARDS:  # bounded: filters come from users
                    self._boards.clear()
                self._boards[filters] = (snap, board)
        finally:
            self._build_lock.release()
        return board

    def _shared(
        self,
        snap: OpenSnapshot,
        now: datetime,
        filters: BacklogFilters | None,
        *,
        any_age: bool = False,
    ) -> Backlog | None:
        """A board built from this very snapshot within ``board_reuse`` (or at all), if any."""
        with self._boards_lock:
            shared = self._boards.get(filters)
        if shared is None or shared[0] is not snap:
            return None
        fresh = now - shared[1].as_of < self._board_reuse
        return shared[1] if any_age or fresh else None

    def trend(
        self, actor: Actor, start: datetime, end: datetime, step: timedelta
    ) -> list[BacklogSummary]:
        """Backlog summaries at each step from start to end, rebuilt from the log (one audit row)."""
        record = ("backlog", "trend")
        self._trail.authorise(actor, Permission.BACKLOG_READ, record)
        start, end = ensure_utc(start), ensure_utc(end)
        if step <= timedelta(0) or end < start:
            raise InputError("a trend needs start <= end and a positive step")
        if (end - start) / step > MAX_TREND_POINTS:
            raise InputError(f"a trend is limited to {MAX_TREND_POINTS} points; use a larger step")
        moments = []
        at = start
        while at <= end:
            moments.append(at)
            at += step
        summaries = [self._build(moment).summary for moment in moments]
        reason = f"{start.isoformat()}..{end.isoformat()} every {step}"
        self._trail.read(actor, "backlog.trend", record, reason)
        return summaries

    def _contexts(
        self, uow: UnitOfWork, states: Sequence[IncidentState], at: datetime
    ) -> dict[IncidentId, RiskContext]:
        since = at - timedelta(days=self._profile.risk.repeat_window_days)
        keys = {s.location.address_key for s in states if s.location.address_key}
        people = {s.opened.caller.person_ref for s in states if s.opened.caller.person_ref}
        at_locations = uow.incidents.recent_at_locations(keys, since, at) if keys else {}
        for_people = uow.incidents.recent_for_people(people, since, at) if people else {}
        pairs = {(s.location.address_key, s.opened.caller.person_ref) for s in states}
        known_for = known_at_many(self._lookup, pairs)
        contexts = {}
        for s in states:
            own = 1 if since <= s.logged_at <= at else 0  # do not count the incident itself
            known = known_for[(s.location.address_key, s.opened.caller.person_ref)]
            contexts[s.incident_id] = RiskContext(
                repeat_location=max(0, at_locations.get(s.location.address_key, 0) - own),
                repeat_victim=max(0, for_people.get(s.opened.caller.person_ref, 0) - own)
                if s.opened.caller.person_ref
                else 0,
                known_records=len(known),
            )
        return contexts
