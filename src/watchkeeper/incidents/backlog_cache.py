"""The live board's read model: the open set, folded and featurised, kept between reads.

Rebuilding the board from the log (load every open incident's entries, fold them, count
repeats, build risk features row by row) costs far more than ranking it. This cache keeps
the folded states, their risk contexts and the NumPy features, and reuses them while the
store's change marker (``IncidentRepository.change_marker``) has not moved. When it moves,
only incidents whose stored version changed are reloaded and refolded; contexts are
recounted for the incidents sharing an address or a caller with a changed one (a new
incident at an address raises the repeat count of the others there), and feature rows are
rebuilt only where a state or context changed.

Staleness bounds: the open set and every state are exact as of the marker read in the
same unit of work. Contexts (repeat counts over a window of days, safeguarding records)
are recounted where a change touches them and, for the whole open set, at least every
``max_age`` (so a repeat falling out of its window, or a safeguarding record added, shows
within ``max_age``). An entry dated after the moment of folding (a future-dated entry, or
a call logged by another handler between a reader taking its time and reading the store)
ends the snapshot's life at that moment; the incidents holding such entries are then
reloaded, and an incident whose opening entry is still to come is left off the board until
its time.

Writes made in this process are caught up by their writer (``BacklogService.committed``):
the writer holds its marker in ``PendingWrites`` from its commit until the board includes it,
and only then replies. A reader that finds the store ahead of the snapshot only by such held
writes is served the snapshot from before them: it began before those writes were
acknowledged, so the board it gets is still no older than the last acknowledged write. A
write by another process (an import, another worker) is never held, so a reader waits for
the refresh as before. Likewise, while one reader recounts contexts because ``max_age`` ran
out (nothing was written), other readers keep the snapshot they have rather than queue.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from watchkeeper.incidents.model import IncidentState
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.incidents.ports import UnitOfWork
from watchkeeper.incidents.risk import RiskContext, RiskFeatures, features_of
from watchkeeper.kernel.ids import IncidentId

ContextsOf = Callable[
    [UnitOfWork, Sequence[IncidentState], datetime], dict[IncidentId, RiskContext]
]
DEFAULT_MAX_AGE = timedelta(seconds=60)
Keys = tuple[str | None, str | None]
_TIME_COLUMNS = ("clock_start", "deadline", "arrived", "no_contact_from", "logged")


@dataclass(frozen=True, slots=True)
class OpenSnapshot:
    """The open set as of ``marker``: states, contexts and features in the same order."""

    marker: int
    built_at: datetime
    valid_until: datetime  # the earlier of counted_until and next_entry_at
    counted_until: datetime  # contexts recounted for the whole open set by then
    next_entry_at: datetime  # the first entry dated after folding: reload what is due then
    pending: Mapping[IncidentId, datetime]  # incidents with entries dated after folding: when
    versions: Mapping[IncidentId, int]
    keys: Mapping[IncidentId, Keys]  # each state's address key and caller reference
    states: tuple[IncidentState, ...]
    contexts: Mapping[IncidentId, RiskContext]
    features: RiskFeatures

    def serves(self, marker: int, now: datetime) -> bool:
        """Whether this snapshot answers a reader at ``now``; a reader whose time was taken
        a moment before the snapshot was built is answered by it too (it is newer)."""
        return marker == self.marker and now < self.valid_until


class PendingWrites:
    """Change-marker values committed by writers in this process who have not replied yet,
    each with the incident it changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[int, IncidentId] = {}

    def hold(self, marker: int, incident_id: IncidentId) -> None:
        with self._lock:
            self._held[marker] = incident_id

    def release(self, marker: int) -> None:
        with self._lock:
            self._held.pop(marker, None)

    def cover(self, after: int, upto: int) -> bool:
        """Whether every marker value after ``after`` up to ``upto`` is held: the store moved
        only by writes not yet acknowledged. A transaction that moved the marker twice leaves
        a value nobody holds, so the answer is then no (a wait, never a stale board)."""
        return self.changed(after, upto) is not None

    def changed(self, after: int, upto: int) -> frozenset[IncidentId] | None:
        """The incidents the held writes between the two markers changed, when they account
        for every value between them; None when any value is not held (or nothing moved)."""
        with self._lock:
            if after >= upto or any(m not in self._held for m in range(after + 1, upto + 1)):
                return None
            return frozenset(self._held[m] for m in range(after + 1, upto + 1))


class OpenSetCache:
    """Thread-safe: one refresh at a time; readers take the current snapshot."""

    def __init__(self, profile: ForceProfile, max_age: timedelta = DEFAULT_MAX_AGE) -> None:
        self._profile = profile
        self._max_age = max_age
        self._lock = threading.Lock()
        self._snapshot: OpenSnapshot | None = None
        self.pending = PendingWrites()
        self.refreshes = 0  # how many times the store was read beyond the marker
        self.served_before_writes = 0  # readers served while held writes caught up
        self.partial_refreshes = 0  # refreshes that read only the incidents held writes changed

    @property
    def current(self) -> OpenSnapshot | None:
        """The latest snapshot (None before the first read)."""
        return self._snapshot

    def snapshot(self, uow: UnitOfWork, now: datetime, contexts_of: ContextsOf) -> OpenSnapshot:
        """The open set at ``now``, refreshed from ``uow`` if the store changed."""
        with self._lock:
            return self._locked(uow, now, contexts_of)

    def snapshot_from(
        self, uow_factory: Callable[[], UnitOfWork], now: datetime, contexts_of: ContextsOf
    ) -> OpenSnapshot:
        """As ``snapshot``, opening units of work from ``uow_factory`` as needed.

        No connection is held while waiting for another reader's refresh: a reader holding
        one while it waits would starve the refresher (and the lookups it makes) of the
        pool's connections.
        """
        with uow_factory() as uow:
            marker = uow.incidents.change_marker()
        current = self._snapshot
        if current is not None and current.serves(marker, now):
            return current
        held = current is not None and self.pending.cover(current.marker, marker)
        if current is not None and held and now < current.valid_until:
            self.served_before_writes += 1
            return current
        if not self._lock.acquire(blocking=False):
            if current is not None and marker == current.marker and now < current.next_entry_at:
                return current  # a recount is under way and nothing was written: keep this
            self._lock.acquire()
        try:
            with uow_factory() as uow:
                return self._locked(uow, now, contexts_of)
        finally:
            self._lock.release()

    def catch_up(
        self, uow_factory: Callable[[], UnitOfWork], now: datetime, contexts_of: ContextsOf
    ) -> OpenSnapshot:
        """Refresh to the store as it is now, whatever is held (the writer's own call)."""
        with self._lock, uow_factory() as uow:
            return self._locked(uow, now, contexts_of)

    def _locked(self, uow: UnitOfWork, now: datetime, contexts_of: ContextsOf) -> OpenSnapshot:
        marker = uow.incidents.change_marker()  # read first: the data read after is newer
        old = self._snapshot
        if old is not None and old.serves(marker, now):
            return old
        if old is not None and now < old.built_at:
            # Readers take their time before queueing for the lock, so one may arrive with a
            # time earlier than the snapshot another reader has just built: the live board
            # never goes back in time, so fold at the snapshot's time (not start over).
            now = old.built_at
        changed = None if old is None else self.pending.changed(old.marker, marker)
        self._snapshot = self._refresh(uow, marker, now, old, contexts_of, changed=changed)
        self.refreshes += 1
        self.partial_refreshes += changed is not None
        return self._snapshot

    def _refresh(
        self,
        uow: UnitOfWork,
        marker: int,
        now: datetime,
        old: OpenSnapshot | None,
        contexts_of: ContextsOf,
        *,
        changed: frozenset[IncidentId] | None = None,
    ) -> OpenSnapshot:
        """``changed``: when every write since ``old`` is known (held writes of this process),
        the incidents they changed; only those are read, without listing the open set."""
        if old is None or changed is None:
            versions = uow.incidents.open_versions()
        else:  # unchanged versions as they were; the changed (and the still-to-come) reloaded
            versions = dict(old.versions) | dict.fromkeys(old.pending, -1)
            versions |= dict.fromkeys(changed, -1)
        kept = {} if old is None else {s.incident_id: s for s in old.states}
        known = {} if old is None else old.versions
        waiting = {} if old is None else old.pending
        due = {i for i, at in waiting.items() if at <= now}  # a dated entry now applies
        stale = [i for i, v in versions.items() if i not in kept or known[i] != v or i in due]
        loaded = [i for i in uow.incidents.load_many(stale) if i.state.is_open]
        begun = [i for i in loaded if i.entries[0].at <= now]  # opened by now
        fresh = {i.incident_id: i.state_at(now) for i in begun}
        new_versions = {i: v for i, v in versions.items() if i in kept and i not in stale}
        new_versions |= {i.incident_id: i.version for i in begun}
        states = [kept[i] for i in new_versions if i not in fresh] + list(fresh.values())
        states = [s for s in states if s.is_open]
        old_keys = {} if old is None else old.keys
        keys = {s.incident_id: old_keys.get(s.incident_id) or _keys(s) for s in states}
        keys |= {i: _keys(state) for i, state in fresh.items()}  # a change may move them
        recounted: set[IncidentId] | None = None  # None: every context was counted afresh
        if old is not None and now < old.counted_until:  # recount only what a change touched
            gone = [state for i, state in kept.items() if i not in versions or i in stale]
            touched = [*fresh.values(), *gone]  # new or changed, as they are and as they were
            contexts, recounted = _recounted(
                uow, states, touched, old.contexts, keys, now=now, contexts_of=contexts_of
            )
            counted_until = old.counted_until
        else:
            contexts = contexts_of(uow, states, now)
            counted_until = now + self._max_age
        features = self._features(states, contexts, old, set(fresh), recounted)
        later = {i.incident_id: [e.at for e in i.entries if e.at > now] for i in loaded}
        reloaded = {i.incident_id for i in loaded} | set(stale)
        pending = {i: at for i, at in waiting.items() if i not in reloaded and i not in due}
        pending |= {i: min(times) for i, times in later.items() if times}
        next_entry = min(pending.values(), default=datetime.max.replace(tzinfo=now.tzinfo))
        return OpenSnapshot(
            marker, now, min(counted_until, next_entry), counted_until, next_entry,
            pending, new_versions, keys, tuple(states), contexts, features,
        )  # fmt: skip

    def _features(
        self,
        states: Sequence[IncidentState],
        contexts: Mapping[IncidentId, RiskContext],
        old: OpenSnapshot | None,
        refolded: set[IncidentId],
        recounted: set[IncidentId] | None,
    ) -> RiskFeatures:
        """Feature rows reused where neither the state nor its context changed (contexts
        are compared only where they were recounted, or everywhere after a full count)."""
        if old is None:
            return features_of(states, contexts, self._profile)
        row_of = {incident_id: n for n, incident_id in enumerate(old.features.incident_ids)}
        compare = set(row_of) if recounted is None else recounted
        reusable = [
            s.incident_id not in refolded
            and s.incident_id in row_of
            and (
                s.incident_id not in compare
                or old.contexts.get(s.incident_id) == contexts.get(s.incident_id)
            )
            for s in states
        ]
        redo = features_of(
            [s for s, ok in zip(states, reusable, strict=True) if not ok], contexts, self._profile
        )
        return _merge(old.features, row_of, states, reusable, redo)


def _keys(state: IncidentState) -> Keys:
    return state.location.address_key or None, state.opened.caller.person_ref or None


def _recounted(
    uow: UnitOfWork,
    states: Sequence[IncidentState],
    touched: Sequence[IncidentState],
    old: Mapping[IncidentId, RiskContext],
    keys: Mapping[IncidentId, Keys],
    *,
    now: datetime,
    contexts_of: ContextsOf,
) -> tuple[dict[IncidentId, RiskContext], set[IncidentId]]:
    """Old contexts, recounted for every open incident sharing an address or caller with
    a touched one (new, changed or closed), and for any incident without a context yet;
    with the ids recounted."""
    addresses = {a for a, _ in map(_keys, touched) if a}
    people = {p for _, p in map(_keys, touched) if p}
    redo = [
        s for s in states
        if s.incident_id not in old
        or keys[s.incident_id][0] in addresses
        or keys[s.incident_id][1] in people
    ]  # fmt: skip
    recounted = contexts_of(uow, redo, now) if redo else {}
    contexts = {
        s.incident_id: recounted[s.incident_id]
        if s.incident_id in recounted
        else old[s.incident_id]
        for s in states
    }
    return contexts, set(recounted)


def _merge(
    old: RiskFeatures,
    row_of: Mapping[IncidentId, int],
    states: Sequence[IncidentState],
    reusable: Sequence[bool],
    redo: RiskFeatures,
) -> RiskFeatures:
    """Rows in ``states`` order: from ``old`` where reusable, else from ``redo`` (re-based)."""
    redo_row = {incident_id: n for n, incident_id in enumerate(redo.incident_ids)}
    n_old = len(old)
    index = np.array(
        [row_of[s.incident_id] if ok else n_old + redo_row[s.incident_id]
         for s, ok in zip(states, reusable, strict=True)],
        dtype=np.intp,
    )  # fmt: skip
    shift = (redo.origin - old.origin) / timedelta(seconds=1)
    columns = {}
    for name in ("base_points", "target_minutes", "grade_code", "facts", *_TIME_COLUMNS):
        extra = getattr(redo, name) + (shift if name in _TIME_COLUMNS else 0.0)
        if name == "clock_start":  # 0 means "no timed target" (its target is inf): keep it
            extra = np.where(np.isinf(redo.target_minutes), 0.0, extra)
        columns[name] = np.concatenate([getattr(old, name), extra])[index]
    ids = tuple(s.incident_id for s in states)
    return RiskFeatures(ids, old.origin, **columns)
