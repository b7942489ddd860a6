"""Read models over the registers for the incident log: the intake lookup and the DA close guard.

``SqlSafeguardingLookup`` implements ``incidents.ports.SafeguardingLookup`` (and
``safeguarding.ports.IntakeLookup``): given an incident's address text and caller person
reference it returns, in a handful of indexed probes, the open DA case or MARAC referral in
its repeat window, the active missing episode and the registered offender known at that
address or for that person. The incident services show these at intake and the risk engine
counts them (``RiskContext.known_records``, factor ``safeguarding-records``).

Extension point: the organised-crime registers (OCG nominals, SCPO conditions) add a
``RegisterProbe`` to ``probes`` when they land; each probe gets the connection, the person
reference and the address match key, and returns its ``KnownRecord`` rows.

``SqlDashClosureGuard`` implements ``incidents.ports.ClosureGuard`` with the DA rule of
``safeguarding.domestic_abuse.may_close_da_incident`` (STANDARDS.md 3.5 design note).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from watchkeeper.incidents.model import IncidentState
from watchkeeper.incidents.ports import ClosureDecision, KnownRecord
from watchkeeper.kernel.clock import Clock
from watchkeeper.people.place_keys import text_match_key
from watchkeeper.persistence.tables import UtcDateTime
from watchkeeper.persistence.tables_safeguarding import (
    addresses,
    da_cases,
    missing_episodes,
    offenders,
)
from watchkeeper.safeguarding.domestic_abuse import DashStatus, may_close_da_incident
from watchkeeper.safeguarding.policy import SafeguardingPolicy, months_after

# A probe gets the connection, the caller's person reference and the address match key.
RegisterProbe = Callable[[sa.Connection, str, str], list[KnownRecord]]


def _either(
    table: sa.Table,
    columns: Sequence[sa.ColumnElement[Any]],
    person_col: str,
    condition: sa.ColumnElement[bool],
    newest_first: str,
) -> sa.Subquery:
    """Rows of ``table`` for the person or at the address, as a UNION of two index probes.

    Not ``person = ? OR address IN (...)``: PostgreSQL cannot combine an OR over a
    sub-select into index scans and reads the whole table; each branch here uses its own
    (person, status) or (address, status) index, and the address one joins the match key.
    Parameters ``person`` and ``key`` (an empty one matches nothing: no address has an
    empty key). At most ten rows per register, newest first.
    """
    for_person = sa.select(*columns).where(table.c[person_col] == sa.bindparam("person"), condition)
    at_address = table.join(addresses, table.c.address_ref == addresses.c.address_ref)
    for_address = (
        sa.select(*columns)
        .select_from(at_address)
        .where(addresses.c.match_key == sa.bindparam("key"), condition)
    )
    union = sa.union(for_person, for_address).subquery()
    return sa.select(union).order_by(union.c[newest_first].desc()).limit(10).subquery()


def _text(value: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    return sa.cast(value, sa.String)


def _no_day() -> sa.ColumnElement[Any]:
    return sa.cast(sa.null(), sa.Date)


def _no_instant() -> sa.ColumnElement[Any]:
    return sa.cast(sa.null(), UtcDateTime)


def _da_rows() -> sa.Subquery:
    t = da_cases
    # Open cases, and closed ones still inside the repeat-MARAC window of their referral.
    since = sa.bindparam("since", type_=sa.Date)
    live = sa.or_(t.c.status == "open", t.c.marac_referred_on >= since)
    columns = [sa.literal("domestic-abuse").label("register"), t.c.case_ref.label("ref"),
               t.c.status.label("status"), t.c.risk_level.label("risk"),
               t.c.dash_status.label("a"), t.c.signed_off_by.label("b"),
               t.c.marac_referred_on.label("day"), t.c.opened_at.label("at")]  # fmt: skip
    return _either(t, columns, "victim_ref", live, "at")


def _missing_rows() -> sa.Subquery:
    t = missing_episodes
    who = sa.case((t.c.looked_after, "looked-after child"), (t.c.is_child, "child"), else_="adult")
    state = sa.case((t.c.found_at.is_(None), "still missing"), else_="found, follow-up open")
    columns = [sa.literal("missing-person").label("register"), t.c.episode_ref.label("ref"),
               t.c.status.label("status"), t.c.risk.label("risk"), who.label("a"),
               state.label("b"), _no_day().label("day"), t.c.reported_at.label("at")]  # fmt: skip
    return _either(t, columns, "person_ref", t.c.status == "open", "at")


def _offender_rows() -> sa.Subquery:
    t = offenders
    mappa = _text(t.c.mappa_category) + sa.literal("/") + _text(t.c.mappa_level)
    columns = [sa.literal("registered-offender").label("register"), t.c.offender_ref.label("ref"),
               t.c.status.label("status"), t.c.risk_level.label("risk"),
               t.c.person_ref.label("a"), mappa.label("b"), t.c.registered_on.label("day"),
               _no_instant().label("at")]  # fmt: skip
    return _either(t, columns, "person_ref", t.c.status == "active", "day")


def _everything() -> sa.CompoundSelect[Any]:
    """The three registers in one statement: one round trip per lookup."""
    return sa.union_all(
        *(sa.select(rows) for rows in (_da_rows(), _missing_rows(), _offender_rows()))
    )


class SqlSafeguardingLookup:
    """What the registers know about an address and a caller; read-only, own connection."""

    def __init__(
        self,
        engine: sa.Engine,
        policy: SafeguardingPolicy,
        clock: Clock,
        probes: Sequence[RegisterProbe] = (),
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._clock = clock
        self._probes = tuple(probes)
        self._query = _everything()  # built once: building SQL costs more than running it

    def _since(self) -> tuple[Any, int]:
        today = self._policy.calendar_date(self._clock.now())
        window = self._policy.domestic_abuse.repeat_marac_window_months
        return months_after(today, -window), window

    def known_at(self, address_key: str, person_ref: str) -> Sequence[KnownRecord]:
        key = text_match_key(address_key) if address_key.strip() else ""
        if not (key or person_ref):
            return ()
        # Read-only and on its own: no BEGIN/ROLLBACK round trips around the three probes.
        since, window = self._since()
        params = {"person": person_ref, "key": key, "since": since}
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            found = [_record(row, person_ref, window) for row in c.execute(self._query, params)]
            for probe in self._probes:
                found.extend(probe(c, person_ref, key))
        return tuple(found)

    def known_at_many(
        self, pairs: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], Sequence[KnownRecord]]:
        """``known_at`` for many (address, person) pairs, as the live board needs.

        Most incidents touch no register: two queries first list every address match key
        and person reference that any live register row has, and only pairs meeting one of
        them are looked up one by one — the same answer as asking for every pair.
        """
        wanted = set(pairs)
        if self._probes:  # a probe of another register may know more: ask for every pair
            return {pair: self.known_at(*pair) for pair in wanted}
        keys, people = self._live_keys()
        return {
            (address, person): self.known_at(address, person)
            if (person and person in people)
            or (address.strip() and text_match_key(address) in keys)
            else ()
            for address, person in wanted
        }

    def _live_keys(self) -> tuple[set[str], set[str]]:
        """Match keys and person references with a row the lookup would return."""
        since, _ = self._since()
        live = (
            (da_cases, "victim_ref", sa.or_(da_cases.c.status == "open",
                                            da_cases.c.marac_referred_on >= since)),
            (missing_episodes, "person_ref", missing_episodes.c.status == "open"),
            (offenders, "person_ref", offenders.c.status == "active"),
        )  # fmt: skip
        keys: set[str] = set()
        people: set[str] = set()
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            for table, person_col, condition in live:
                people.update(
                    r for (r,) in c.execute(sa.select(table.c[person_col]).where(condition)) if r
                )
                joined = table.join(addresses, table.c.address_ref == addresses.c.address_ref)
                query = sa.select(addresses.c.match_key).select_from(joined).where(condition)
                keys.update(k for (k,) in c.execute(query) if k)
        return keys, people


def _record(row: sa.Row[Any], person_ref: str, window: int) -> KnownRecord:
    """The call handler's one-line summary of a register row."""
    if row.register == "domestic-abuse":
        level = row.risk or "not yet assessed"
        sign = "signed off" if row.b else "awaiting sign-off"
        summary = f"{row.status} domestic-abuse case: DASH {row.a}, risk {level}, {sign}"
        if row.day is not None:
            summary += f"; MARAC referral {row.day.isoformat()} (repeat window {window} months)"
    elif row.register == "missing-person":
        summary = (
            f"active missing episode: {row.a}, risk {row.risk}, reported {_at(row.at)}, {row.b}"
        )
    else:
        where = "this caller" if person_ref and row.a == person_ref else "this address"
        category, level = str(row.b).split("/")
        summary = (
            f"registered sex offender linked to {where}: risk {row.risk}, "
            f"MAPPA category {category} level {level}"
        )
    return KnownRecord(str(row.register), summary, str(row.ref))


def _at(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC")


class SqlDashClosureGuard:
    """The DA close rule: a DA-flagged incident closes only with a DASH (or refusal) signed off."""

    def __init__(self, engine: sa.Engine, policy: SafeguardingPolicy) -> None:
        self._engine = engine
        self._policy = policy.domestic_abuse

    def may_close(self, state: IncidentState) -> ClosureDecision:
        flagged = bool(state.markers & self._policy.close_markers) or (
            state.opened.category in self._policy.close_categories
        )
        status, signed = DashStatus.NONE, False
        if flagged:
            status, signed = self._best_case(state.incident_id)
        decision = may_close_da_incident(flagged, status, signed, self._policy)
        reason = decision.reason
        if not decision.allowed:
            reason += " (rule: domestic_abuse.close; STANDARDS.md 3.5)"
        return ClosureDecision(decision.allowed, reason)

    def _best_case(self, incident_id: str) -> tuple[DashStatus, bool]:
        query = sa.select(da_cases.c.dash_status, da_cases.c.signed_off_by).where(
            da_cases.c.incident_id == incident_id
        )
        with self._engine.connect() as c:
            rows = list(c.execute(query))
        done = [r for r in rows if r.dash_status != DashStatus.NONE.value]
        signed = [r for r in done if r.signed_off_by]
        best = signed or done
        if not best:
            return DashStatus.NONE, False
        return DashStatus(best[0].dash_status), bool(best[0].signed_off_by)
