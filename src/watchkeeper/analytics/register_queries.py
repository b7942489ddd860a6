"""Indicators over the safeguarding, organised-crime and armed-policing registers.

Same two shapes as ``indicator_queries.py`` (``Ratio`` and ``Quantile``), but built from the
register tables rather than the incident facts: ``build(table, period)`` where ``table``
returns a register's relation by name. Only columns every engine holds are read (the
Parquet extract writes the same columns; ``persistence/analytics_export.py``). Rules that
live in a register's configuration (organised-crime lifecycle states and band weights,
missing-person review intervals, the s85 re-notification clock, the SCPO check grace) are
passed in through ``RegisterSettings``; nothing here is a threshold of its own.

The schedule indicators (missing-person reviews, RSO visits and notifications, SCPO checks)
share one precise definition, because "every action on time over a whole episode" has no
portable SQL form: each recorded action (or the start: the report, the registration, the
order coming into force) makes the next one due after the configured interval; a due time
that falls in the period counts once, and is met when the next action was recorded by it.
A missed action is counted once (the clock does not restart until the next action). The
next action is found with a window ``lead`` ordered by time, so the same expression runs on
SQLite, PostgreSQL, DuckDB and Spark.

When the measurement time (``RegisterSettings.as_of_s``) falls inside the period, actions
not yet due by then are not counted as missed (for SCPO checks: not before the grace ends).

Calendar-day rules (visits, notifications, SCPO checks) use integer arithmetic on each
date's year, month and day, so no engine's date functions, intervals or session time zone
are involved: rules in days (SCPO checks, weekly notification) compare day numbers (days
since 1970-01-01); rules in months (visits, yearly notification) compare month keys
(``(year * 12 + month - 1) * 32 + day``, ordered as the dates are), "N months after" landing
on the same day N months on, clamped to the month's end (``safeguarding.policy.months_after``,
checked against it for every day of four years in the tests). The period's bounds become
the force's calendar days in its time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir

from watchkeeper.analytics.incident_facts import epoch
from watchkeeper.analytics.indicator_queries import Period, Quantile, Ratio, count_where

TableOf = Callable[[str], ir.Table]
EPOCH_DAY = date(1970, 1, 1)

# DfE statutory guidance (Jan 2014): a returned child is offered an independent return home
# interview within 72 hours (STANDARDS.md 4).
RHI_HOURS = 72


@dataclass(frozen=True)
class RegisterSettings:
    """Configuration the register indicators need, as plain values from the registers' policies.

    Organised crime (``organised_crime.config``): lifecycle states, the caseload band
    weights (a group with no band, or a band without a weight, counts 1, as
    ``OrganisedCrimePolicy.band_weight``), the SCPO check grace days and the time zone of
    its calendar days. Safeguarding (``safeguarding.policy``): the missing-person review
    interval by risk level as stored (e.g. ``"no-apparent-risk"``), the s85 re-notification
    clock (months, and days with no fixed abode, already converted from the configured
    counting rule to "due = last notification day + days") and the force's time zone.
    """

    owner_required_states: tuple[str, ...]
    caseload_states: tuple[str, ...]
    band_weights: tuple[tuple[str, float], ...]
    scpo_check_grace_days: int
    soc_timezone: str
    missing_review_seconds: tuple[tuple[str, int], ...]
    renotify_months: int
    renotify_no_fixed_abode_days: int
    safeguarding_timezone: str
    # The measurement time (epoch seconds) when the period may still be running: actions
    # falling due after it are not yet owed. None: everything due in the period is owed.
    as_of_s: int | None = None


def _in(ts: ir.TimestampValue, p: Period) -> ir.BooleanValue:
    s = epoch(ts)
    return (s >= p.start_s) & (s < p.end_s)


# --- calendar days as whole numbers, the same on every engine --------------------------


def _days_from_civil(y: ir.IntegerValue, m: ir.IntegerValue, d: ir.IntegerValue) -> ir.IntegerValue:
    """Days since 1970-01-01 of the proleptic Gregorian date (y, m, d), for years >= 1.

    H. Hinnant's ``days_from_civil`` on a year that starts in March (so the leap day is the
    year's last): only +, -, * and floor division of non-negative integers, which every
    engine computes exactly. The terms are summed as a balanced tree: SQLite's parser limits
    how deep a statement nests, and a left-deep chain of sums is as deep as it is long.
    """
    year = y - (m <= 2).ifelse(1, 0)
    month_from_march = (m + 9) % 12
    terms = [
        year * 365,
        year // 4,
        year // 400 - year // 100,
        (153 * month_from_march + 2) // 5,
        d - 719469,
    ]
    return _balanced_sum(terms).cast("int64")


def _balanced_sum(terms: list[ir.IntegerValue]) -> ir.IntegerValue:
    if len(terms) == 1:
        return terms[0]
    middle = len(terms) // 2
    return _balanced_sum(terms[:middle]) + _balanced_sum(terms[middle:])


def day_number(value: ir.DateValue) -> ir.IntegerValue:
    """A date column as days since 1970-01-01."""
    return _days_from_civil(value.year(), value.month(), value.day())


def month_key(value: ir.DateValue) -> ir.IntegerValue:
    """A date as ``(year * 12 + month - 1) * 32 + day``: ordered as the dates are."""
    return ((value.year() * 12 + value.month() - 1) * 32 + value.day()).cast("int64")


def python_month_key(day: date) -> int:
    return (day.year * 12 + day.month - 1) * 32 + day.day


def _month_length(index: ir.IntegerValue) -> ir.IntegerValue:
    """Days in the month ``year * 12 + month - 1``."""
    year, month = index // 12, index % 12 + 1
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    # 31 for Jan, Mar, May, Jul, Aug, Oct, Dec; 30 for the others but February
    return (month == 2).ifelse(leap.ifelse(29, 28), 31 - (month - 1) % 7 % 2)


def months_after_key(
    month_index: ir.IntegerValue, day_of_month: ir.IntegerValue, months: ir.IntegerValue | int
) -> ir.IntegerValue:
    """``month_key`` of the same day ``months`` later, clamped to that month's last day
    (``safeguarding.policy.months_after``), from a date's month index and day of month."""
    index = month_index + months
    return index * 32 + ibis.least(day_of_month, _month_length(index))


def local_day(instant_s: int, zone: str) -> date:
    """The force's calendar day of an instant in epoch seconds."""
    return datetime.fromtimestamp(instant_s, UTC).astimezone(ZoneInfo(zone)).date()


def _owed_until(p: Period, settings: RegisterSettings) -> int:
    """The instant up to which a due action is owed: the period end, or the measurement
    time when the period is still running (an action not yet due is not missed)."""
    if settings.as_of_s is None:
        return p.end_s
    return max(p.start_s, min(p.end_s, settings.as_of_s))


def _day_bounds(p: Period, settings: RegisterSettings, zone: str) -> tuple[date, date]:
    """The period's first calendar day and the day after the last one owed.

    A due day is owed once it has ended: with a measurement time inside the period, the
    day it falls on is not yet over, so the last owed day is the one before it.
    """
    return local_day(p.start_s, zone), local_day(_owed_until(p, settings), zone)


def _day_in(
    day: ir.IntegerValue, p: Period, settings: RegisterSettings, zone: str
) -> ir.BooleanValue:
    """A day number falls on one of the period's (owed) calendar days in the force's zone."""
    first, end = _day_bounds(p, settings, zone)
    return (day >= (first - EPOCH_DAY).days) & (day < (end - EPOCH_DAY).days)


def _key_in(
    key: ir.IntegerValue, p: Period, settings: RegisterSettings, zone: str
) -> ir.BooleanValue:
    """A month key falls on one of the period's (owed) calendar days in the force's zone."""
    first, end = _day_bounds(p, settings, zone)
    return (key >= python_month_key(first)) & (key < python_month_key(end))


def _calendar_days(key: str, columns: tuple[str, ...], *parts: ir.Table) -> ir.Table:
    """Distinct (key, on) dates from ``parts`` with the derived ``columns`` asked for: ``day``
    (day number), ``mkey`` (month key), ``month_index`` and ``day_of_month``.

    Year, month and day are taken apart inside each part and the rest derived from those
    columns after the (distinct) union, so no step nests the date functions inside the
    arithmetic: SQLite's parser limits how deep a statement nests.
    """
    dated = [
        t.select(
            t[key],
            t.on,
            y=t.on.year().cast("int64"),
            m=t.on.month().cast("int64"),
            dd=t.on.day().cast("int64"),
        )
        for t in parts
    ]
    days = dated[0].distinct() if len(dated) == 1 else ibis.union(*dated, distinct=True)
    every: dict[str, Callable[[], ir.Value]] = {
        "day": lambda: _days_from_civil(days.y, days.m, days.dd),
        "mkey": lambda: (days.y * 12 + days.m - 1) * 32 + days.dd,
        "month_index": lambda: days.y * 12 + days.m - 1,
        "day_of_month": lambda: days.dd,
    }
    return days.select(days[key], days.on, **{name: every[name]() for name in columns})


def _with_next(rows: ir.Table, key: str, order: list[str], *values: str) -> ir.Table:
    """``rows`` with ``next_<value>`` for each value: the following row's, for the same key."""
    window = ibis.window(group_by=rows[key], order_by=[rows[c] for c in order])
    return rows.mutate(**{f"next_{v}": rows[v].lead().over(window) for v in values})


def _ratio(rows: ir.Table, numerator: ir.BooleanValue) -> ir.Table:
    return rows.aggregate(
        numerator=count_where(numerator), denominator=rows.count(), excluded=ibis.literal(0)
    )


def dash_completion(t: TableOf, p: Period) -> ir.Table:
    cases = t("da_cases")
    rows = cases.filter(_in(cases.opened_at, p))
    return _ratio(rows, rows.dash_status == "completed")


def dash_signoff(t: TableOf, p: Period) -> ir.Table:
    cases = t("da_cases")
    rows = cases.filter(_in(cases.opened_at, p), cases.dash_status == "completed")
    return _ratio(rows, rows.signed_off_at.notnull())


def marac_from_high_risk(t: TableOf, p: Period) -> ir.Table:
    cases = t("da_cases")
    rows = cases.filter(_in(cases.opened_at, p), cases.risk_level == "high")
    return _ratio(rows, rows.marac_referred_on.notnull())


def child_no_apparent_risk_without_rationale(t: TableOf, p: Period) -> ir.Table:
    eps = t("missing_episodes")
    rows = eps.filter(_in(eps.reported_at, p), eps.is_child, eps.risk == "no-apparent-risk")
    blank = rows.supervisor_rationale.isnull() | (rows.supervisor_rationale.strip() == "")
    return _ratio(rows, blank)


def rhi_within_72h(t: TableOf, p: Period) -> ir.Table:
    eps = t("missing_episodes")
    rows = eps.filter(eps.is_child, eps.found_at.notnull(), _in(eps.found_at, p))
    offered = rows.rhi_offered_at.notnull() & (
        epoch(rows.rhi_offered_at) - epoch(rows.found_at) <= RHI_HOURS * 3600
    )
    return _ratio(rows, offered)


def offender_caseload(t: TableOf, p: Period) -> ir.Table:
    # The register keeps each offender's current status only: the caseload is as held now.
    offenders = t("offenders")
    rows = offenders.filter(offenders.status == "active")
    return rows.aggregate(
        numerator=rows.count(), denominator=rows.manager_ref.nunique(), excluded=ibis.literal(0)
    )


def scpo_considered(t: TableOf, p: Period) -> ir.Table:
    cases = t("scpo_considerations")
    rows = cases.filter(_in(cases.flagged_at, p))
    return _ratio(rows, rows.decided_at.notnull())


def ocg_owned_and_planned(settings: RegisterSettings) -> Callable[[TableOf, Period], ir.Table]:
    def build(t: TableOf, p: Period) -> ir.Table:
        groups, plans = t("ocg_groups"), t("ocg_plans")
        current = plans.filter(
            epoch(plans.review_by) >= p.end_s, epoch(plans.created_at) <= p.end_s
        )
        planned = current.select(planned_group=current.group_id).distinct()
        active = groups.filter(
            groups.state.isin(list(settings.owner_required_states)),
            epoch(groups.created_at) <= p.end_s,
        )
        rows = active.left_join(planned, active.group_id == planned.planned_group)
        return _ratio(rows, rows.lro.notnull() & rows.planned_group.notnull())

    return build


def lro_caseload(settings: RegisterSettings) -> Callable[[TableOf, Period], ir.Table]:
    def build(t: TableOf, p: Period) -> ir.Table:
        groups = t("ocg_groups")
        rows = groups.filter(
            groups.state.isin(list(settings.caseload_states)),
            groups.lro.notnull(),
            epoch(groups.created_at) <= p.end_s,
        )
        return rows.aggregate(
            numerator=rows.count(), denominator=rows.lro.nunique(), excluded=ibis.literal(0)
        )

    return build


def arv_minutes(t: TableOf, p: Period) -> ir.Table:
    """Minutes from the call to the first ARV on scene, one row per incident in the period."""
    d = t("armed_deployments")
    per = d.group_by(incident=d.incident_ref).aggregate(
        call_s=epoch(d.call_at).min(), first_s=epoch(d.arrived_at).min()
    )
    rows = per.filter(per.call_s >= p.start_s, per.call_s < p.end_s, per.first_s.notnull())
    return rows.select(x=(rows.first_s - rows.call_s) / 60.0)


def missing_reviews_on_time(settings: RegisterSettings) -> Callable[[TableOf, Period], ir.Table]:
    """Supervisory reviews due in the period, done by their due time, while the person was missing.

    A review falls due the configured interval (by the risk level then current: the report's
    initial level, or the last review's) after the report or the previous review. It counts
    when its due time is in the period and the person had not been found by then; it is on
    time when the next review was recorded at or before it (``missing.next_due``).
    """
    intervals = settings.missing_review_seconds

    def build(t: TableOf, p: Period) -> ir.Table:
        eps, reviews = t("missing_episodes"), t("missing_reviews")
        reported = eps.select(
            episode_ref=eps.episode_ref,
            seq=ibis.literal(-1, "int64"),
            at_s=epoch(eps.reported_at),
            level=eps.initial_risk.cast("string"),
        )
        reviewed = reviews.select(
            episode_ref=reviews.episode_ref,
            seq=reviews.seq.cast("int64"),
            at_s=epoch(reviews.at),
            level=reviews.level.cast("string"),
        )
        chain = _with_next(
            ibis.union(reported, reviewed, distinct=False), "episode_ref", ["at_s", "seq"], "at_s"
        )
        interval = ibis.cases(*((chain.level == lv, secs) for lv, secs in intervals), else_=None)
        chain = chain.mutate(due_s=chain.at_s + interval)
        found = eps.select(found_ref=eps.episode_ref, found_s=epoch(eps.found_at))
        rows = chain.join(found, chain.episode_ref == found.found_ref)
        due = rows.filter(
            rows.due_s >= p.start_s,
            rows.due_s < _owed_until(p, settings),
            rows.found_s.isnull() | (rows.found_s > rows.due_s),
        )
        return _ratio(due, due.next_at_s.notnull() & (due.next_at_s <= due.due_s))

    return build


def rso_visits_on_time(settings: RegisterSettings) -> Callable[[TableOf, Period], ir.Table]:
    """Planned home visits due in the period, made by their due day.

    The next visit is due the offender's planned interval (``visit_interval_months``, the
    risk management plan) after the registration or the last visit (``offenders.
    next_visit_due``). Offenders active on the register and not reactively managed count (the
    register keeps the current plan, status and flag only); a due day while the offender is
    in custody is not counted (no home visit is owed).
    """

    def build(t: TableOf, p: Period) -> ir.Table:
        off, visits, custody = t("offenders"), t("offender_visits"), t("custody_periods")
        days = _calendar_days(
            "offender_ref",
            ("mkey", "month_index", "day_of_month"),
            off.select(offender_ref=off.offender_ref, on=off.registered_on),
            visits.select(offender_ref=visits.offender_ref, on=visits.visited_on),
        )
        managed = off.filter(off.status == "active", ~off.reactive).select(
            plan_ref=off.offender_ref, months=off.visit_interval_months.cast("int64")
        )
        rows = days.join(managed, days.offender_ref == managed.plan_ref)
        due_key = months_after_key(rows.month_index, rows.day_of_month, rows.months)
        chain = _with_next(rows.mutate(due_key=due_key), "offender_ref", ["mkey"], "mkey")
        spans = custody.select(
            custody_ref=custody.offender_ref,
            from_key=month_key(custody.starts_on),
            to_key=month_key(custody.ends_on),
        )
        free = chain.anti_join(
            spans,
            [
                chain.offender_ref == spans.custody_ref,
                spans.from_key <= chain.due_key,
                spans.to_key.isnull() | (chain.due_key <= spans.to_key),
            ],
        )
        due = free.filter(_key_in(free.due_key, p, settings, settings.safeguarding_timezone))
        return _ratio(due, due.next_mkey.notnull() & (due.next_mkey <= due.due_key))

    return build


def rso_notifications_on_time(settings: RegisterSettings) -> Callable[[TableOf, Period], ir.Table]:
    """s85 periodic re-notifications due in the period, made by their due day.

    Any initial, change or periodic notification restarts the clock (s85(2)); travel notices
    do not. The next is due the configured months after the last (one year), or the
    configured days with no fixed abode (weekly) — ``offenders.periodic_notification_due``.
    Counted for offenders active on the register while their notification period runs (a due
    day after ``notification_ends_on`` is owed by nobody). The s83/s84/s86 deadlines run from
    events (conviction, release, change, departure) the register does not hold as dates, so
    they are not part of this indicator.
    """

    def build(t: TableOf, p: Period) -> ir.Table:
        off, notes = t("offenders"), t("offender_notifications")
        restarting = notes.filter(notes.kind != "travel")
        days = _calendar_days(
            "offender_ref",
            ("day", "mkey", "month_index", "day_of_month"),
            restarting.select(offender_ref=restarting.offender_ref, on=restarting.notified_on),
        )
        active = off.filter(off.status == "active").select(
            reg_ref=off.offender_ref,
            nfa=off.no_fixed_abode,
            ends_day=day_number(off.notification_ends_on),
            ends_key=month_key(off.notification_ends_on),
        )
        rows = days.join(active, days.offender_ref == active.reg_ref)
        rows = rows.mutate(
            due_day=rows.day + settings.renotify_no_fixed_abode_days,
            due_key=months_after_key(rows.month_index, rows.day_of_month, settings.renotify_months),
        )
        chain = _with_next(rows, "offender_ref", ["day"], "day", "mkey")
        zone = settings.safeguarding_timezone
        # A weekly clock (no fixed abode) counts in days, a yearly one in calendar months.
        weekly = (
            chain.nfa
            & _day_in(chain.due_day, p, settings, zone)
            & (chain.ends_day.isnull() | (chain.due_day <= chain.ends_day))
        )
        yearly = (
            ~chain.nfa
            & _key_in(chain.due_key, p, settings, zone)
            & (chain.ends_key.isnull() | (chain.due_key <= chain.ends_key))
        )
        due = chain.filter(weekly | yearly)
        met = due.nfa.ifelse(due.next_day <= due.due_day, due.next_mkey <= due.due_key)
        return _ratio(due, due.next_day.notnull() & met)

    return build


def scpo_checks_on_schedule(settings: RegisterSettings) -> Callable[[TableOf, Period], ir.Table]:
    """SCPO compliance checks due in the period, done by their due day plus the grace.

    The next check is due the order's check interval after it came into force or after the
    last check (``scpo.next_check_due``); it is on schedule when the next check was done no
    later than the configured grace days after that (``flags.check_overdue``). A due day
    after the order's last day in force is owed by nobody.
    """
    grace = settings.scpo_check_grace_days

    def build(t: TableOf, p: Period) -> ir.Table:
        orders, checks = t("scpo_orders"), t("scpo_checks")
        days = _calendar_days(
            "order_id",
            ("day",),
            orders.select(order_id=orders.order_id, on=orders.starts_on),
            checks.select(order_id=checks.order_id, on=checks.done_on),
        )
        terms = orders.select(
            term_ref=orders.order_id,
            interval=orders.check_interval_days.cast("int64"),
            last_day=day_number(orders.ends_on),
        )
        rows = days.join(terms, days.order_id == terms.term_ref)
        chain = _with_next(
            rows.mutate(due_day=rows.day + rows.interval), "order_id", ["day"], "day"
        )
        zone = settings.soc_timezone
        due = chain.filter(
            _day_in(chain.due_day, p, settings, zone), chain.due_day <= chain.last_day
        )
        if settings.as_of_s is not None:
            # while the grace runs, a check not yet done is not yet overdue
            today = (local_day(settings.as_of_s, zone) - EPOCH_DAY).days
            due = due.filter(due.due_day + grace < today)
        return _ratio(due, due.next_day.notnull() & (due.next_day <= due.due_day + grace))

    return build


def lro_weighted_caseload(settings: RegisterSettings) -> Callable[[TableOf, Period], ir.Table]:
    """Band-weighted OCG caseload per LRO (``organised_crime.lro.caseloads``), as a mean."""

    def build(t: TableOf, p: Period) -> ir.Table:
        groups = t("ocg_groups")
        rows = groups.filter(
            groups.state.isin(list(settings.caseload_states)),
            groups.lro.notnull(),
            epoch(groups.created_at) <= p.end_s,
        )
        weight = ibis.cases(
            *((rows.band == code, w) for code, w in settings.band_weights), else_=1.0
        )
        return rows.aggregate(
            numerator=weight.sum(), denominator=rows.lro.nunique(), excluded=ibis.literal(0)
        )

    return build


def register_queries(settings: RegisterSettings) -> dict[str, Ratio | Quantile]:
    """The register indicators by key (the builders take ``(table, period)``)."""
    no_cases = "no cases of this kind in the period"
    return {
        "dash_completion_rate": Ratio(dash_completion, 100.0, no_cases),
        "dash_supervisor_signoff_rate": Ratio(dash_signoff, 100.0, no_cases),
        "marac_referral_rate_high_risk": Ratio(marac_from_high_risk, 100.0, no_cases),
        "child_no_apparent_risk_without_rationale": Ratio(
            child_no_apparent_risk_without_rationale, 100.0, no_cases
        ),
        "return_home_interviews_within_72h": Ratio(rhi_within_72h, 100.0, no_cases),
        "offender_manager_caseload": Ratio(
            offender_caseload, 1.0, "no active registered offenders", per=("offenders", "managers")
        ),
        "scpo_considered_rate": Ratio(scpo_considered, 100.0, no_cases),
        "ocg_owned_with_current_4p_plan": Ratio(
            ocg_owned_and_planned(settings), 100.0, "no groups in an owner-required state"
        ),
        "lro_caseload": Ratio(
            lro_caseload(settings),
            1.0,
            "no owned groups counting for caseload",
            per=("groups", "LROs"),
        ),
        "lro_weighted_caseload": Ratio(
            lro_weighted_caseload(settings),
            1.0,
            "no owned groups counting for caseload",
            per=("band-weighted groups", "LROs"),
        ),
        "missing_person_reviews_on_time": Ratio(
            missing_reviews_on_time(settings), 100.0, "no supervisory review fell due in the period"
        ),
        "rso_visits_on_time": Ratio(
            rso_visits_on_time(settings), 100.0, "no planned home visit fell due in the period"
        ),
        "rso_notifications_on_time": Ratio(
            rso_notifications_on_time(settings),
            100.0,
            "no periodic re-notification fell due in the period",
        ),
        "scpo_checks_on_schedule": Ratio(
            scpo_checks_on_schedule(settings),
            100.0,
            "no SCPO compliance check fell due in the period",
        ),
        "arv_attendance_median_minutes": Quantile(arv_minutes, 0.5, "no ARV arrival in the period"),
        "arv_attendance_p90_minutes": Quantile(arv_minutes, 0.9, "no ARV arrival in the period"),
    }
