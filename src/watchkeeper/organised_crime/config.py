"""Organised-crime configuration, parsed from ``resources/organised-crime.toml`` (or a copy).

Invalid configuration is refused with ConfigurationError naming the key. Each table must cite
its source or say it is assumed/UNCONFIRMED (STANDARDS.md §6-7).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.kernel.provenance import Provenance

# Serious Crime Act 2007 s16: an order may not last more than five years.
STATUTORY_MAX_YEARS = 5


@dataclass(frozen=True, slots=True)
class Band:
    code: str
    label: str
    min_score: float


@dataclass(frozen=True, slots=True)
class ScoringMatrix:
    levels: tuple[str, ...]
    ocgm: dict[str, dict[str, float]]  # attribute -> level -> points
    harm: dict[str, dict[str, float]]
    position: dict[str, dict[str, float]]
    likelihood: dict[str, float]  # level -> multiplier of the harm subtotal
    bands: tuple[Band, ...]  # highest first


@dataclass(frozen=True, slots=True)
class Lifecycle:
    initial: str
    states: tuple[str, ...]
    transitions: dict[str, frozenset[str]]
    owner_required: frozenset[str]
    plan_required: frozenset[str]
    disruption_expected: frozenset[str]
    closed: frozenset[str]
    counts_for_caseload: frozenset[str]


@dataclass(frozen=True, slots=True)
class CaseloadPolicy:
    cap: float
    warn_at: float
    band_weights: dict[str, float]


@dataclass(frozen=True, slots=True)
class Schedule1Heading:
    heading: str
    paragraph: str
    title: str
    offences: frozenset[str]


@dataclass(frozen=True, slots=True)
class ScpoPolicy:
    max_years: int
    expiry_warning_days: int
    default_check_interval_days: int
    check_grace_days: int
    breach_action_days: int
    consider_expected_sentence_years: int
    schedule1: tuple[Schedule1Heading, ...]

    def schedule1_heading(self, offence: str) -> Schedule1Heading | None:
        """The Schedule 1 heading an offence code (or heading key) falls under, if any."""
        for entry in self.schedule1:
            if offence == entry.heading or offence in entry.offences:
                return entry
        return None


@dataclass(frozen=True, slots=True)
class OrganisedCrimePolicy:
    timezone: ZoneInfo
    scoring: ScoringMatrix
    lifecycle: Lifecycle
    caseload: CaseloadPolicy
    strands: tuple[str, ...]
    plan_review_days: int
    action_escalate_days: int
    disruption_flag_days: int
    disruption_types: frozenset[str]
    disruption_impacts: tuple[str, ...]
    scpo: ScpoPolicy
    sources: dict[str, Provenance]

    def band_weight(self, band: str) -> float:
        return self.caseload.band_weights.get(band, 1.0)


def _table(doc: dict[str, Any], key: str, sources: dict[str, Provenance]) -> dict[str, Any]:
    node = doc.get(key)
    if not isinstance(node, dict):
        raise ConfigurationError(f"organised-crime policy: missing table '{key}'")
    source = node.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ConfigurationError(
            f"organised-crime policy: '{key}.source' must cite a source or say 'assumed: <why>'"
        )
    sources[key] = Provenance(source.strip())
    return node


def _number(table: dict[str, Any], key: str, where: str, minimum: float = 0) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ConfigurationError(
            f"organised-crime policy: '{where}.{key}' must be a number >= {minimum}, got {value!r}"
        )
    return float(value)


def _words(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigurationError(f"organised-crime policy: '{where}.{key}' must be a list of text")
    return tuple(value)


def _points(table: Any, where: str, levels: tuple[str, ...]) -> dict[str, dict[str, float]]:
    if not isinstance(table, dict) or not table:
        raise ConfigurationError(f"organised-crime policy: '{where}' must be a table of tables")
    out: dict[str, dict[str, float]] = {}
    for name, row in table.items():
        if not isinstance(row, dict) or set(row) != set(levels):
            raise ConfigurationError(
                f"organised-crime policy: '{where}.{name}' must give points for {list(levels)}"
            )
        out[name] = {lv: _number(row, lv, f"{where}.{name}") for lv in levels}
        ordered = [out[name][lv] for lv in levels]
        if ordered != sorted(ordered):
            # monotone: a higher level never scores fewer points
            raise ConfigurationError(
                f"organised-crime policy: '{where}.{name}' points must not fall as level rises"
            )
    return out


def _scoring(doc: dict[str, Any], sources: dict[str, Provenance]) -> ScoringMatrix:
    t = _table(doc, "scoring", sources)
    levels = _words(t, "levels", "scoring")
    likelihood = _points({"likelihood": t.get("likelihood_multiplier")}, "scoring", levels)
    bands_raw = t.get("bands")
    if not isinstance(bands_raw, list) or not bands_raw:
        raise ConfigurationError("organised-crime policy: 'scoring.bands' must list the bands")
    bands = tuple(
        Band(
            str(b.get("code", "")),
            str(b.get("label", "")),
            _number(b, "min_score", "scoring.bands"),
        )
        for b in bands_raw
    )
    mins = [b.min_score for b in bands]
    if mins != sorted(mins, reverse=True) or mins[-1] != 0 or not all(b.code for b in bands):
        raise ConfigurationError(
            "organised-crime policy: 'scoring.bands' need codes, highest first, the last at 0"
        )
    return ScoringMatrix(
        levels,
        _points(t.get("ocgm"), "scoring.ocgm", levels),
        _points(t.get("harm"), "scoring.harm", levels),
        _points(t.get("organisational_position"), "scoring.organisational_position", levels),
        likelihood["likelihood"],
        bands,
    )


def _lifecycle(doc: dict[str, Any], sources: dict[str, Provenance]) -> Lifecycle:
    t = _table(doc, "lifecycle", sources)
    states = _words(t, "states", "lifecycle")
    raw = t.get("transitions")
    if not isinstance(raw, dict):
        raise ConfigurationError("organised-crime policy: missing table 'lifecycle.transitions'")
    transitions = {s: frozenset(_words(raw, s, "lifecycle.transitions")) for s in raw}
    sets = {k: frozenset(_words(t, k, "lifecycle")) for k in (
        "owner_required", "plan_required", "disruption_expected", "closed", "counts_for_caseload")}  # fmt: skip
    named = set(transitions) | {s for v in transitions.values() for s in v}
    named |= {s for v in sets.values() for s in v} | {str(t.get("initial"))}
    unknown = sorted(named - set(states))
    if unknown:
        raise ConfigurationError(
            f"organised-crime policy: 'lifecycle' names unknown states {unknown}"
        )
    return Lifecycle(str(t["initial"]), states, transitions, **sets)


def _scpo(doc: dict[str, Any], sources: dict[str, Provenance]) -> ScpoPolicy:
    t = _table(doc, "scpo", sources)
    max_years = int(_number(t, "max_years", "scpo", 1))
    if max_years > STATUTORY_MAX_YEARS:
        raise ConfigurationError(
            f"organised-crime policy: 'scpo.max_years' cannot exceed the statutory "
            f"{STATUTORY_MAX_YEARS} (Serious Crime Act 2007 s16), got {max_years}"
        )
    entries = t.get("schedule1")
    if not isinstance(entries, list) or not entries:
        raise ConfigurationError("organised-crime policy: 'scpo.schedule1' must list headings")
    schedule = tuple(
        Schedule1Heading(
            str(e.get("heading", "")), str(e.get("paragraph", "")), str(e.get("title", "")),
            frozenset(_words(e, "offences", "scpo.schedule1")),
        )
        for e in entries
    )  # fmt: skip
    ints = {k: int(_number(t, k, "scpo")) for k in (
        "expiry_warning_days", "default_check_interval_days", "check_grace_days",
        "breach_action_days", "consider_expected_sentence_years")}  # fmt: skip
    if ints["default_check_interval_days"] < 1:
        raise ConfigurationError("organised-crime policy: 'scpo.default_check_interval_days' >= 1")
    return ScpoPolicy(max_years=max_years, schedule1=schedule, **ints)


def parse_policy(doc: dict[str, Any]) -> OrganisedCrimePolicy:
    """Build the policy from a parsed TOML document."""
    sources: dict[str, Provenance] = {}
    tz_table = _table(doc, "timezone", sources)
    try:
        tz = ZoneInfo(str(tz_table.get("name")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError("organised-crime policy: 'timezone.name' is not a zone") from exc
    scoring = _scoring(doc, sources)
    c = _table(doc, "caseload", sources)
    weights_raw = c.get("band_weights")
    if not isinstance(weights_raw, dict):
        raise ConfigurationError("organised-crime policy: 'caseload.band_weights' is missing")
    weights = {b.code: _number(weights_raw, b.code, "caseload.band_weights") for b in scoring.bands}
    caseload = CaseloadPolicy(_number(c, "cap", "caseload", 1), _number(c, "warn_at", "caseload"),
                              weights)  # fmt: skip
    if caseload.warn_at > caseload.cap:
        raise ConfigurationError("organised-crime policy: 'caseload.warn_at' must be <= cap")
    p, d = _table(doc, "plans", sources), _table(doc, "disruptions", sources)
    return OrganisedCrimePolicy(
        timezone=tz,
        scoring=scoring,
        lifecycle=_lifecycle(doc, sources),
        caseload=caseload,
        strands=_words(p, "strands", "plans"),
        plan_review_days=int(_number(p, "review_days", "plans", 1)),
        action_escalate_days=int(_number(p, "action_escalate_days", "plans")),
        disruption_flag_days=int(_number(d, "flag_after_days", "disruptions", 1)),
        disruption_types=frozenset(_words(d, "types", "disruptions")),
        disruption_impacts=_words(d, "impacts", "disruptions"),
        scpo=_scpo(doc, sources),
        sources=sources,
    )


def load_policy(path: Path | None = None) -> OrganisedCrimePolicy:
    """The policy from ``path``, or the packaged default when None."""
    if path is None:
        text = resources.files("watchkeeper.resources").joinpath("organised-crime.toml").read_text()
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"organised-crime policy: cannot read {path}: {exc}") from exc
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"organised-crime policy: not valid TOML: {exc}") from exc
    return parse_policy(doc)
