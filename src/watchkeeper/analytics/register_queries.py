"""Indicators over the safeguarding, organised-crime and armed-policing registers.

Same two shapes as ``indicator_queries.py`` (``Ratio`` and ``Quantile``), but built from the
register tables rather than the incident facts: ``build(table, period)`` where ``table``
returns a register's relation by name. Only columns every engine holds are read (the
Parquet extract writes the same columns; ``persistence/analytics_export.py``). Rules that
live in a register's configuration (the organised-crime lifecycle states) are passed in.

Indicators whose rule needs a register's schedule logic (missing-person review intervals,
RSO visit and notification clocks, SCPO check schedules) are not defined here yet and
report no data with that reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from watchkeeper.analytics.incident_facts import epoch
from watchkeeper.analytics.indicator_queries import Period, Quantile, Ratio, count_where

TableOf = Callable[[str], ir.Table]

# DfE statutory guidance (Jan 2014): a returned child is offered an independent return home
# interview within 72 hours (STANDARDS.md 4).
RHI_HOURS = 72


@dataclass(frozen=True)
class RegisterSettings:
    """Configuration the register indicators need (organised-crime lifecycle states)."""

    owner_required_states: tuple[str, ...]
    caseload_states: tuple[str, ...]


def _in(ts: ir.TimestampValue, p: Period) -> ir.BooleanValue:
    s = epoch(ts)
    return (s >= p.start_s) & (s < p.end_s)


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
        "arv_attendance_median_minutes": Quantile(arv_minutes, 0.5, "no ARV arrival in the period"),
        "arv_attendance_p90_minutes": Quantile(arv_minutes, 0.9, "no ARV arrival in the period"),
    }
