"""Run the indicator suite on any backend: one definition per indicator, several engines.

``compute_indicators(backend, start, end)`` returns an ``IndicatorValue`` for every defined
indicator (or the ``keys`` asked for). An indicator whose source tables are absent, whose
definition needs configuration the force lacks, or whose period has no rows reports
``no-data`` with a note saying why — never zero (issue 7).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from datetime import datetime
from importlib import resources
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from watchkeeper.analytics.incident_facts import FactSettings, incident_facts
from watchkeeper.analytics.indicator_backends import IndicatorBackend
from watchkeeper.analytics.indicator_queries import (
    QUERIES,
    Period,
    Quantile,
    Ratio,
    quantile_positions,
    ranked,
)
from watchkeeper.analytics.register_queries import RegisterSettings, register_queries
from watchkeeper.assessment.indicators import IndicatorDefinition, IndicatorValue, registry
from watchkeeper.incidents.policy import ForceProfile, parse_force_profile
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import InputError
from watchkeeper.organised_crime.config import OrganisedCrimePolicy, load_policy
from watchkeeper.safeguarding.missing import MissingRisk
from watchkeeper.safeguarding.policy import SafeguardingPolicy, default_policy

_Window = tuple[datetime, datetime]


def default_profile() -> ForceProfile:
    """The bundled default force profile (a deployment passes its own)."""
    import tomllib

    text = resources.files("watchkeeper.resources").joinpath("force-default.toml").read_text()
    return parse_force_profile(tomllib.loads(text))


def compute_indicators(
    backend: IndicatorBackend,
    period_start: datetime,
    period_end: datetime,
    keys: Iterable[str] | None = None,
    *,
    profile: ForceProfile | None = None,
    soc_policy: OrganisedCrimePolicy | None = None,
    safeguarding_policy: SafeguardingPolicy | None = None,
    as_of: datetime | None = None,
) -> dict[str, IndicatorValue]:
    """Every requested indicator for [period_start, period_end) on ``backend``.

    ``profile`` is the force profile (targets, areas, markers; default: the bundled one);
    ``soc_policy`` the organised-crime policy (lifecycle states, band weights, SCPO check
    grace; default: bundled); ``safeguarding_policy`` the safeguarding rules (missing-person
    review intervals, the s85 re-notification clock; default: bundled). ``as_of`` is the
    measurement time: when it falls inside the period, scheduled actions (reviews, visits,
    notifications, checks) not yet due by then are not counted as missed.
    Raises InputError for an unknown key or a period that does not move forward.
    """
    start, end = ensure_utc(period_start), ensure_utc(period_end)
    if end <= start:
        raise InputError(f"indicator period: end {end.isoformat()} is not after start")
    defs = _requested(keys)
    present = backend.present_tables()
    period = Period(int(start.timestamp()), int(end.timestamp()))
    settings = FactSettings.from_profile(profile or default_profile())
    rules = register_settings(soc_policy or load_policy(), safeguarding_policy or default_policy())
    if as_of is not None:
        rules = dataclasses.replace(rules, as_of_s=int(ensure_utc(as_of).timestamp()))
    registers = register_queries(rules)
    out: dict[str, IndicatorValue] = {}
    runnable: list[str] = []
    for key, definition in defs.items():
        missing = [t for t in definition.source_tables if t not in present]
        reason = _not_computable(definition, missing, settings, registers)
        if reason is None:
            runnable.append(key)
        else:
            out[key] = _no_data(key, (start, end), reason)
    on_registers = {k: (registers[k], backend.table) for k in runnable if k in registers}
    on_log = [k for k in runnable if k in QUERIES]
    if on_log:
        # The facts are computed once per run and cached by the engine (a temporary table
        # on SQLite/PostgreSQL/DuckDB, a persisted DataFrame on Spark), then every
        # indicator is a small aggregate over them, batched with the register ones.
        with incident_facts(*backend.relations(), settings).cache() as facts:
            jobs = {**{k: (QUERIES[k], facts) for k in on_log}, **on_registers}
            out.update(_run_all(backend, jobs, period, (start, end)))
    elif on_registers:
        out.update(_run_all(backend, on_registers, period, (start, end)))
    return {key: out[key] for key in defs}


def register_settings(
    soc: OrganisedCrimePolicy, safeguarding: SafeguardingPolicy
) -> RegisterSettings:
    """The register indicators' rules, read from the two registers' policies (which cite sources)."""
    reviews = safeguarding.missing.review_hours
    nfa = safeguarding.offenders.no_fixed_abode
    # "within N days beginning with" the last notification: that day is day 1 (SOA 2003)
    nfa_days = nfa.days - 1 if nfa.counting == "beginning-with" else nfa.days
    return RegisterSettings(
        owner_required_states=tuple(sorted(soc.lifecycle.owner_required)),
        caseload_states=tuple(sorted(soc.lifecycle.counts_for_caseload)),
        band_weights=tuple(sorted(soc.caseload.band_weights.items())),
        scpo_check_grace_days=soc.scpo.check_grace_days,
        soc_timezone=soc.timezone.key,
        missing_review_seconds=tuple(
            (risk.value, round(reviews[risk.config_key] * 3600)) for risk in MissingRisk
        ),
        renotify_months=12 * safeguarding.offenders.annual_years,
        renotify_no_fixed_abode_days=nfa_days,
        safeguarding_timezone=safeguarding.timezone.key,
    )


def _requested(keys: Iterable[str] | None) -> dict[str, IndicatorDefinition]:
    defined = registry()
    if keys is None:
        return defined
    wanted = list(keys)
    unknown = [k for k in wanted if k not in defined]
    if unknown:
        raise InputError(f"unknown indicator(s): {', '.join(unknown)}")
    return {k: defined[k] for k in wanted}


def _not_computable(
    definition: IndicatorDefinition,
    missing: list[str],
    settings: FactSettings,
    registers: dict[str, Ratio | Quantile],
) -> str | None:
    if missing:
        return (
            f"capability '{definition.capability}' has no data here: "
            f"table(s) {', '.join(missing)} not present"
        )
    if definition.key == "evidence_at_risk_late_attendance" and settings.evidence_marker is None:
        return "the force profile defines no 'evidence-at-risk' marker, so evidence at risk is not recorded"
    if definition.key not in QUERIES and definition.key not in registers:
        # A definition registered without a query: reported honestly rather than guessed.
        return f"no query is defined for it over {', '.join(definition.source_tables)}"
    return None


def _no_data(key: str, window: _Window, note: str) -> IndicatorValue:
    return IndicatorValue(key, window[0], window[1], None, None, None, "no-data", note)


def _run_all(
    backend: IndicatorBackend,
    jobs: dict[str, tuple[Ratio | Quantile, Any]],
    period: Period,
    window: _Window,
) -> dict[str, IndicatorValue]:
    """Indicators in two queries: one union of ratios, one of quantile rows.

    Each job pairs a query with what its builder reads (the cached incident facts, or the
    backend's table lookup). Batching matters on Spark, where each query is a job with a
    fixed start-up cost.
    """
    ratios = {k: (r, src) for k, (r, src) in jobs.items() if isinstance(r, Ratio)}
    quantiles = {k: (q, src) for k, (q, src) in jobs.items() if isinstance(q, Quantile)}
    out: dict[str, IndicatorValue] = {}
    if ratios:
        parts = [_ratio_part(k, r, src, period) for k, (r, src) in ratios.items()]
        rows = _execute_union(backend, parts)
        found = {str(r.key): r for r in rows.itertuples(index=False)}
        for key, (ratio, _) in ratios.items():
            out[key] = _ratio_value(key, ratio, found.get(key), window)
    if quantiles:
        parts = [_quantile_part(k, q, src, period) for k, (q, src) in quantiles.items()]
        rows = _execute_union(backend, parts)
        for key, (quantile, _) in quantiles.items():
            out[key] = _quantile_value(key, quantile, rows[rows["key"] == key], window)
    return out


def _execute_union(backend: IndicatorBackend, parts: list[ir.Table]) -> Any:
    """The parts' rows, in as few statements as the backend takes (``union_limit`` parts each)."""
    size = backend.union_limit or len(parts)
    frames = [backend.execute(_union_all(parts[i : i + size])) for i in range(0, len(parts), size)]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _union_all(parts: list[ir.Table]) -> ir.Table:
    """UNION ALL of ``parts`` as a balanced tree (it nests log2(n) deep, not n)."""
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return ibis.union(_union_all(parts[:middle]), _union_all(parts[middle:]), distinct=False)


def _ratio_part(key: str, query: Ratio, source: Any, period: Period) -> ir.Table:
    agg = query.build(source, period)
    return agg.select(
        key=ibis.literal(key),
        numerator=agg.numerator.cast("float64"),
        denominator=agg.denominator.cast("float64"),
        excluded=agg.excluded.cast("float64"),
    )


def _quantile_part(key: str, query: Quantile, source: Any, period: Period) -> ir.Table:
    r = ranked(query.build(source, period))
    lower = ((r.n - 1) * query.q).floor()
    near = r.filter((r.rank == lower) | (r.rank == lower + 1))
    return near.select(
        key=ibis.literal(key),
        rank=near["rank"].cast("int64"),
        n=near.n.cast("int64"),
        x=near.x.cast("float64"),
    )


def _number(value: Any) -> float:
    """A database scalar as float; SQL NULL (an empty SUM) and NaN become 0."""
    if value is None:
        return 0.0
    number = float(value)
    return 0.0 if math.isnan(number) else number


def _ratio_value(key: str, query: Ratio, row: Any, window: _Window) -> IndicatorValue:
    if row is None:
        return _no_data(key, window, query.empty_note)
    num, den, excluded = (_number(v) for v in (row.numerator, row.denominator, row.excluded))
    extra = f"; {int(excluded)} without a recorded arrival not counted" if excluded else ""
    if den == 0:
        return _no_data(key, window, query.empty_note + extra)
    start, end = window
    if query.is_count:
        note = f"{int(num)} of {int(den)} logged by the period end"
        return IndicatorValue(key, start, end, num, num, den, "ok", note)
    if query.per is not None:
        note = f"{num:g} {query.per[0]} over {int(den)} {query.per[1]}"
        return IndicatorValue(key, start, end, num / den, num, den, "ok", note)
    value = query.scale * num / den
    return IndicatorValue(
        key, start, end, value, num, den, "ok", f"{int(num)} of {int(den)}{extra}"
    )


def _quantile_value(key: str, query: Quantile, rows: Any, window: _Window) -> IndicatorValue:
    if len(rows) == 0:
        return _no_data(key, window, query.empty_note)
    n = int(rows["n"].iloc[0])
    by_rank = {int(rk): float(x) for rk, x in zip(rows["rank"], rows["x"], strict=True)}
    lo, hi, weight = quantile_positions(n, query.q)
    value = by_rank[lo] + weight * (by_rank[hi] - by_rank[lo])
    start, end = window
    return IndicatorValue(key, start, end, value, None, float(n), "ok", f"over {n} incidents")


__all__ = ["compute_indicators", "default_profile", "register_settings"]
