"""Domain objects of issue 6 as API responses."""

from __future__ import annotations

from datetime import datetime

from watchkeeper.armed_policing.analysis import ArmedAnalysis, GroupStat
from watchkeeper.armed_policing.config import ArmedPolicy
from watchkeeper.organised_crime.flags import Flag
from watchkeeper.organised_crime.indicators import Ratio
from watchkeeper.organised_crime.lro import Caseload
from watchkeeper.organised_crime.plans import FourPPlan
from watchkeeper.organised_crime.scpo import Consideration
from watchkeeper.organised_crime.scpo_service import OrderView
from watchkeeper.organised_crime.services import GroupView, SocIndicators
from watchkeeper.web.api import soc_schemas as S  # noqa: N812 - the schemas, briefly


def flags(items: tuple[Flag, ...] | list[Flag]) -> list[S.FlagRead]:
    return [S.FlagRead(kind=f.kind.value, record_id=f.record_id, message=f.message) for f in items]


def plan(item: FourPPlan, now: datetime) -> S.PlanRead:
    actions = [S.ActionRead(action_id=a.action_id, strand=a.strand, description=a.description,
                            owner=a.duty.owner, due_at=a.duty.due_at, state=a.duty.state.value)
               for a in item.actions]  # fmt: skip
    return S.PlanRead(plan_id=item.plan_id, review_by=item.review_by, current=item.is_current(now),
                      objectives=item.objectives, actions=actions)  # fmt: skip


def summary(view: GroupView) -> S.GroupSummaryRead:
    g = view.group
    return S.GroupSummaryRead(
        group_id=g.group_id, name=g.name, state=g.state, band=g.band,
        score=g.threat.score if g.threat else None, lro=g.lro,
        plan_review_by=view.plan.review_by if view.plan else None, flags=flags(view.flags),
    )  # fmt: skip


def group(view: GroupView, now: datetime) -> S.GroupRead:
    g = view.group
    return S.GroupRead(
        **summary(view).model_dump(exclude={"flags"}), flags=flags(view.flags),
        activities=list(g.activities), reach=list(g.reach),
        members=[S.MemberRead(person_ref=m.person_ref, role=m.role, added_at=m.added_at) for m in g.members],
        score_reasons=g.threat.explain() if g.threat else [],
        states=[S.HistoryRead(at=s.at, what=s.state, by=s.by, reason=s.reason) for s in g.states],
        owners=[S.HistoryRead(at=o.since, what=o.officer, by=o.by,
                              reason=o.reason + (f" (override: {o.override_reason})" if o.override_reason else ""))
                for o in g.owners],
        disruptions=[S.DisruptionRead(disruption_id=d.disruption_id, at=d.at, type=d.kind, impact=d.impact,
                                      strand=d.strand, summary=d.summary) for d in g.disruptions],
        plan=plan(view.plan, now) if view.plan else None,
    )  # fmt: skip


def caseload(load: Caseload) -> S.CaseloadRead:
    return S.CaseloadRead(officer=load.officer, groups=list(load.groups), weighted=load.weighted,
                          cap=load.cap, status=load.status.value)  # fmt: skip


def ratio(value: Ratio | None) -> S.RatioRead | None:
    if value is None:
        return None
    return S.RatioRead(value=value.value, numerator=value.numerator, denominator=value.denominator)


def indicators(value: SocIndicators) -> S.SocIndicatorsRead:
    spread = value.caseloads
    loads = None
    if spread is not None:
        within = ratio(spread.within_cap)
        assert within is not None
        loads = S.CaseloadSpreadRead(within_cap=within, minimum=spread.minimum, median=spread.median,
                                     maximum=spread.maximum, near_cap=spread.near_cap,
                                     over_cap=spread.over_cap)  # fmt: skip
    return S.SocIndicatorsRead(
        active_groups_owned_and_planned=ratio(value.owned_and_planned), lro_caseloads=loads,
        scpo_consideration_rate=ratio(value.consideration_rate),
        orders_checked_on_schedule=ratio(value.checks_on_schedule),
        breaches_enforced=ratio(value.breaches_enforced),
    )  # fmt: skip


def case(item: Consideration) -> S.CaseRead:
    return S.CaseRead(case_id=item.case_id, person_ref=item.person_ref, offence=item.offence,
                      heading=item.heading, stage=item.stage, flagged_at=item.flagged_at,
                      decision=item.decision, reason=item.reason, decided_by=item.decided_by,
                      decided_at=item.decided_at)  # fmt: skip


def order(view: OrderView) -> S.OrderRead:
    o = view.order
    return S.OrderRead(
        order_id=o.order_id, person_ref=o.person_ref, group_id=o.group_id, court=o.court,
        made_on=o.made_on, starts_on=o.starts_on, ends_on=o.ends_on,
        monitoring_officer=o.monitoring_officer, check_interval_days=o.check_interval_days,
        next_check=view.next_check,
        terms=[S.TermRead(term_id=t.term_id, text=t.text, starts_on=t.starts_on, ends_on=t.ends_on,
                          notification_days=t.notification_days) for t in o.terms],
        checks=[S.CheckRead(check_id=c.check_id, done_on=c.done_on, by=c.by, outcome=c.outcome)
                for c in o.checks],
        breaches=[S.BreachRead(breach_id=b.breach_id, term_id=b.term_id, occurred_on=b.occurred_on,
                               summary=b.summary, referred_at=b.referred_at, referred_to=b.referred_to,
                               outcome=b.outcome) for b in o.breaches],
        flags=flags(view.flags),
    )  # fmt: skip


def stat(s: GroupStat) -> S.GroupStatRead:
    return S.GroupStatRead(key=s.key, count=s.count, mean=s.mean, median=s.median, p90=s.p90,
                           within=s.within, share_within=s.share_within)  # fmt: skip


def analysis(a: ArmedAnalysis, policy: ArmedPolicy) -> S.AnalysisRead:
    return S.AnalysisRead(
        deployments=a.deployments, attended=a.attended, expected_minutes=policy.default_minutes,
        expectation_source=policy.sources["expectation"].source,
        overall=stat(a.overall) if a.overall else None,
        by_area=[stat(x) for x in a.by_area], by_hour=[stat(x) for x in a.by_hour],
        by_day=[stat(x) for x in a.by_day], by_month=[stat(x) for x in a.by_month],
        slowest_areas=[stat(x) for x in a.slowest_areas],
        slowest_hours=[stat(x) for x in a.slowest_hours],
        slowest_days=[stat(x) for x in a.slowest_days],
        outlier_threshold=a.outlier_threshold,
        outliers=[S.OutlierRead(deployment_id=o.deployment_id, incident_ref=o.incident_ref,
                                area=o.area, minutes=o.minutes) for o in a.outliers],
        stage_medians=a.stage_medians,
    )  # fmt: skip
