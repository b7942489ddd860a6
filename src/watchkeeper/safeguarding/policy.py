"""Safeguarding configuration: every threshold parsed from data, each citing its source.

The document is ``resources/safeguarding/safeguarding-default.toml`` (or a force's copy).
Invalid configuration is refused with ConfigurationError naming the key.
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.kernel.provenance import Provenance

COUNTINGS = ("beginning-with", "after")
MISSING_LEVELS = ("high", "medium", "low", "no_apparent_risk")
VISIT_LEVELS = ("very_high", "high", "medium", "low")


@dataclass(frozen=True, slots=True)
class DomesticAbusePolicy:
    high_min_yes: int
    medium_min_yes: int
    escalation_min_incidents: int
    escalation_window_months: int
    repeat_marac_window_months: int
    close_requires_sign_off: bool
    # Which incidents the close rule applies to: any of these markers, or these categories.
    close_markers: frozenset[str] = frozenset({"domestic-abuse"})
    close_categories: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class MissingPolicy:
    child_under_age: int
    protected_markers: frozenset[str]
    review_hours: dict[str, float]  # by risk level key (MISSING_LEVELS)
    safe_and_well_hours: float
    rhi_hours: float


@dataclass(frozen=True, slots=True)
class NotificationClock:
    days: int
    counting: str  # "beginning-with": the event day is day 1; "after": the day after is


@dataclass(frozen=True, slots=True)
class NotificationPeriods:
    """Sexual Offences Act 2003 s82 table, in months."""

    indefinite_custody_from_months: int
    longer_custody_over_months: int
    longer_custody_period_months: int
    shorter_custody_period_months: int
    hospital_without_restriction_period_months: int
    caution_period_months: int
    other_period_months: int
    halve_under_18: bool


@dataclass(frozen=True, slots=True)
class ReviewTrigger:
    """An event that sends a registered offender's risk for review, and how soon."""

    key: str
    label: str
    confirmed: bool  # named in STANDARDS.md 5.2; False: a labelled default
    due_after: timedelta
    source: str


@dataclass(frozen=True, slots=True)
class OffenderPolicy:
    initial: NotificationClock
    change: NotificationClock
    annual_years: int
    no_fixed_abode: NotificationClock
    travel_days_before: int
    periods: NotificationPeriods
    visit_template_months: dict[str, int]  # by risk level key (VISIT_LEVELS)
    reactive_min_years_low: int
    reactive_review_triggers: frozenset[str]
    caseload_warning_at: int
    review_triggers: dict[str, ReviewTrigger] = field(default_factory=dict)  # by key


@dataclass(frozen=True, slots=True)
class SafeguardingPolicy:
    timezone: ZoneInfo
    domestic_abuse: DomesticAbusePolicy
    missing: MissingPolicy
    offenders: OffenderPolicy
    sources: dict[str, Provenance]  # table key (e.g. "missing.reviews") -> provenance

    def provenance(self, key: str) -> Provenance:
        return self.sources[key]

    def calendar_date(self, at: date | datetime) -> date:
        """The force's calendar date of an instant (a plain date is already one)."""
        if isinstance(at, datetime):
            return ensure_utc(at).astimezone(self.timezone).date()
        return at


class _Reader:
    """Reads one document, recording each table's source as it goes."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.sources: dict[str, Provenance] = {}

    def table(self, key: str) -> dict[str, Any]:
        node: Any = self.doc
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ConfigurationError(f"safeguarding policy: missing table '{key}'")
            node = node[part]
        source = node.get("source")
        if not isinstance(source, str) or not source.strip():
            raise ConfigurationError(
                f"safeguarding policy: '{key}.source' must cite a source or say 'assumed: <why>'"
            )
        self.sources[key] = Provenance(source.strip())
        return dict(node)

    @staticmethod
    def integer(table: dict[str, Any], key: str, where: str, minimum: int = 0) -> int:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigurationError(
                f"safeguarding policy: '{where}.{key}' must be a whole number, got {value!r}"
            )
        if value < minimum:
            raise ConfigurationError(
                f"safeguarding policy: '{where}.{key}' must be >= {minimum}, got {value}"
            )
        return value

    @staticmethod
    def flag(table: dict[str, Any], key: str, where: str) -> bool:
        value = table.get(key)
        if not isinstance(value, bool):
            raise ConfigurationError(f"safeguarding policy: '{where}.{key}' must be true or false")
        return value

    @staticmethod
    def words(table: dict[str, Any], key: str, where: str) -> frozenset[str]:
        value = table.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigurationError(f"safeguarding policy: '{where}.{key}' must be a list of text")
        return frozenset(value)

    def clock(self, key: str) -> NotificationClock:
        table = self.table(key)
        counting = table.get("counting")
        if counting not in COUNTINGS:
            raise ConfigurationError(
                f"safeguarding policy: '{key}.counting' must be one of {COUNTINGS}"
            )
        return NotificationClock(self.integer(table, "days", key, minimum=1), str(counting))


def _domestic_abuse(r: _Reader) -> DomesticAbusePolicy:
    high = r.integer(r.table("domestic_abuse.levels.high"), "min_yes", "domestic_abuse.levels.high")
    medium = r.integer(
        r.table("domestic_abuse.levels.medium"), "min_yes", "domestic_abuse.levels.medium"
    )
    if not 0 < medium <= high:
        raise ConfigurationError(
            "safeguarding policy: 'domestic_abuse.levels' needs 0 < medium.min_yes <= high.min_yes"
        )
    esc_key, rep_key = "domestic_abuse.potential_escalation", "domestic_abuse.repeat_marac"
    esc, rep = r.table(esc_key), r.table(rep_key)
    close = r.table("domestic_abuse.close")
    return DomesticAbusePolicy(
        high,
        medium,
        r.integer(esc, "min_incidents", esc_key, minimum=1),
        r.integer(esc, "window_months", esc_key, minimum=1),
        r.integer(rep, "window_months", rep_key, minimum=1),
        r.flag(close, "require_supervisor_sign_off", "domestic_abuse.close"),
        *_close_scope(r, close),
    )


def _close_scope(r: _Reader, close: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """The incident markers and categories the DA close rule covers (optional keys)."""
    where = "domestic_abuse.close"
    markers = r.words(close, "incident_markers", where) if "incident_markers" in close else None
    cats = r.words(close, "incident_categories", where) if "incident_categories" in close else None
    return (
        markers if markers is not None else frozenset({"domestic-abuse"}),
        cats if cats is not None else frozenset(),
    )


def _missing(r: _Reader) -> MissingPolicy:
    reviews = r.table("missing.reviews")
    hours = {
        lv: float(r.integer(reviews, f"{lv}_hours", "missing.reviews", 1)) for lv in MISSING_LEVELS
    }
    if not hours["high"] <= hours["medium"] <= hours["low"] <= hours["no_apparent_risk"]:
        raise ConfigurationError(
            "safeguarding policy: 'missing.reviews' intervals must not shorten as risk falls"
        )
    return MissingPolicy(
        r.integer(r.table("missing.child"), "under_age", "missing.child", minimum=1),
        r.words(r.table("missing.categorisation"), "protected_markers", "missing.categorisation"),
        hours,
        float(
            r.integer(r.table("missing.safe_and_well"), "within_hours", "missing.safe_and_well", 1)
        ),
        float(
            r.integer(
                r.table("missing.return_home_interview"),
                "within_hours",
                "missing.return_home_interview",
                1,
            )
        ),
    )


def _periods(r: _Reader) -> NotificationPeriods:
    key = "offenders.periods"
    table = r.table(key)

    def months(name: str) -> int:
        return r.integer(table, name, key, minimum=1)

    return NotificationPeriods(
        indefinite_custody_from_months=months("indefinite_custody_from_months"),
        longer_custody_over_months=months("longer_custody_over_months"),
        longer_custody_period_months=months("longer_custody_period_months"),
        shorter_custody_period_months=months("shorter_custody_period_months"),
        hospital_without_restriction_period_months=months(
            "hospital_without_restriction_period_months"
        ),
        caution_period_months=months("caution_period_months"),
        other_period_months=months("other_period_months"),
        halve_under_18=r.flag(table, "halve_under_18", key),
    )


def _review_triggers(r: _Reader, reactive: frozenset[str]) -> dict[str, ReviewTrigger]:
    """The ``offenders.review_triggers.<key>`` tables; every reactive trigger must be one."""
    node = r.doc.get("offenders", {}).get("review_triggers")
    if not isinstance(node, dict) or not node:
        raise ConfigurationError("safeguarding policy: missing table 'offenders.review_triggers'")
    found = {}
    for key in node:
        where = f"offenders.review_triggers.{key}"
        table = r.table(where)
        label = table.get("label")
        if not isinstance(label, str) or not label.strip():
            raise ConfigurationError(f"safeguarding policy: '{where}.label' must be text")
        hours = r.integer(table, "due_hours", where, minimum=1)
        found[key] = ReviewTrigger(key, label.strip(), r.flag(table, "confirmed", where),
                                   timedelta(hours=hours), r.sources[where].source)  # fmt: skip
    unknown = sorted(reactive - set(found))
    if unknown:
        raise ConfigurationError(
            "safeguarding policy: 'offenders.reactive_management.review_triggers' names "
            f"{', '.join(unknown)}, not configured under 'offenders.review_triggers'"
        )
    return found


def _offenders(r: _Reader) -> OffenderPolicy:
    base = "offenders.notification"
    template = r.table("offenders.visit_template")
    reactive = r.table("offenders.reactive_management")
    rm_key = "offenders.reactive_management"
    reactive_triggers = r.words(reactive, "review_triggers", rm_key)
    return OffenderPolicy(
        initial=r.clock(f"{base}.initial"),
        change=r.clock(f"{base}.change"),
        annual_years=r.integer(r.table(f"{base}.annual"), "years", f"{base}.annual", 1),
        no_fixed_abode=r.clock(f"{base}.no_fixed_abode"),
        travel_days_before=r.integer(r.table(f"{base}.travel"), "days_before", f"{base}.travel"),
        periods=_periods(r),
        visit_template_months={
            lv: r.integer(template, f"{lv}_months", "offenders.visit_template", 1)
            for lv in VISIT_LEVELS
        },
        reactive_min_years_low=r.integer(reactive, "min_years_assessed_low", rm_key, 1),
        reactive_review_triggers=reactive_triggers,
        caseload_warning_at=r.integer(
            r.table("offenders.caseload"), "warning_at", "offenders.caseload", 1
        ),
        review_triggers=_review_triggers(r, reactive_triggers),
    )


def parse_safeguarding_policy(doc: dict[str, Any]) -> SafeguardingPolicy:
    """Validate a safeguarding policy document; raises ConfigurationError naming the key."""
    r = _Reader(doc)
    calendar = r.table("calendar")
    try:
        tz = ZoneInfo(str(calendar.get("timezone")))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"safeguarding policy: 'calendar.timezone' {calendar.get('timezone')!r} is unknown"
        ) from None
    return SafeguardingPolicy(tz, _domestic_abuse(r), _missing(r), _offenders(r), r.sources)


def bundled_document(filename: str) -> dict[str, Any]:
    """A TOML document shipped in ``watchkeeper/resources/safeguarding``."""
    text = resources.files("watchkeeper.resources").joinpath("safeguarding", filename).read_text()
    return tomllib.loads(text)


def default_policy() -> SafeguardingPolicy:
    """The bundled default rules (built on call, never at import)."""
    return parse_safeguarding_policy(bundled_document("safeguarding-default.toml"))


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later (negative: earlier), clamped to the month's end.

    A 29 Feb date lands on 28 Feb in a common year, so a deadline never falls after the
    true anniversary (the conservative reading of 'within one year', SOA 2003 s85).
    """
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last_day))
