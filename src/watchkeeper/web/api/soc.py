"""``/api/soc``: the OCG register, LROs, 4P plans, disruptions and SCPOs (SOC officers only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from watchkeeper.organised_crime.scoring import ThreatInput
from watchkeeper.organised_crime.scpo import ScpoOrder, Term
from watchkeeper.web.api import soc_present as present
from watchkeeper.web.api import soc_schemas as schemas
from watchkeeper.web.api.context import App, SignedIn

router = APIRouter(prefix="/api/soc", tags=["organised crime"])
RefPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9/_.()-]+$")]


def _group(application: App, actor: SignedIn, group_id: str) -> schemas.GroupRead:
    view = application.soc.register.show_group(actor, group_id)
    return present.group(view, application.clock.now())


@router.get("/groups")
def list_groups(application: App, actor: SignedIn,
                every: Annotated[bool, Query(alias="all")] = False) -> list[schemas.GroupSummaryRead]:  # fmt: skip
    """Groups (active ones unless ``all``) with band, LRO, plan review date and flags."""
    register = application.soc.register
    states = None if every else frozenset(register.policy.lifecycle.owner_required)
    return [present.summary(v) for v in register.list_groups(actor, states)]


@router.post("/groups", status_code=status.HTTP_201_CREATED)
def register_group(
    body: schemas.GroupCreate, application: App, actor: SignedIn
) -> schemas.GroupRead:
    """Enter a group on the register."""
    group = application.soc.register.register_group(
        actor, body.name, tuple(body.activities), tuple(body.reach)
    )
    return _group(application, actor, group.group_id)


@router.get("/groups/{group_id}")
def show_group(group_id: RefPath, application: App, actor: SignedIn) -> schemas.GroupRead:
    """One group in full: members, score and reasons, history, LROs, disruptions, plan."""
    return _group(application, actor, group_id)


@router.post("/groups/{group_id}/members")
def add_member(group_id: RefPath, body: schemas.MemberCreate, application: App,
               actor: SignedIn) -> schemas.GroupRead:  # fmt: skip
    """Link a nominal (by its nominal-index reference) to the group."""
    application.soc.register.add_member(actor, group_id, body.person_ref, body.role)
    return _group(application, actor, group_id)


@router.post("/groups/{group_id}/score")
def score_group(group_id: RefPath, body: schemas.ThreatCreate, application: App,
                actor: SignedIn) -> schemas.GroupRead:  # fmt: skip
    """Score the group on the configured matrix: the reasons come back with the band."""
    levels = ThreatInput(body.ocgm, body.harm, body.likelihood, body.position, body.confidence)
    application.soc.register.score(actor, group_id, levels)
    return _group(application, actor, group_id)


@router.post("/groups/{group_id}/state")
def change_state(group_id: RefPath, body: schemas.StateChangeCreate, application: App,
                 actor: SignedIn) -> schemas.GroupRead:  # fmt: skip
    """Move the group along its configured lifecycle."""
    application.soc.register.change_state(actor, group_id, body.state, body.reason)
    return _group(application, actor, group_id)


@router.post("/groups/{group_id}/lro")
def assign_lro(group_id: RefPath, body: schemas.LroAssign, application: App,
               actor: SignedIn) -> schemas.AssignmentRead:  # fmt: skip
    """Assign or hand over the LRO; beyond the cap needs ``override_reason``."""
    result = application.soc.register.assign_lro(actor, group_id, body.officer, body.reason,
                                                 body.override_reason)  # fmt: skip
    return schemas.AssignmentRead(group=_group(application, actor, group_id),
                                  caseload=present.caseload(result.load_after), warning=result.warning)  # fmt: skip


@router.post("/groups/{group_id}/disruptions", status_code=status.HTTP_201_CREATED)
def record_disruption(group_id: RefPath, body: schemas.DisruptionCreate, application: App,
                      actor: SignedIn) -> schemas.GroupRead:  # fmt: skip
    """Record a disruption with its type and assessed impact."""
    application.soc.register.record_disruption(actor, group_id, kind=body.type, impact=body.impact,
                                               strand=body.strand, summary=body.summary, at=body.at)  # fmt: skip
    return _group(application, actor, group_id)


@router.post("/groups/{group_id}/plan", status_code=status.HTTP_201_CREATED)
def create_plan(group_id: RefPath, body: schemas.PlanCreate, application: App,
                actor: SignedIn) -> schemas.PlanRead:  # fmt: skip
    """A new 4P plan for the group."""
    plan = application.soc.register.create_plan(actor, group_id, body.objectives)
    return present.plan(plan, application.clock.now())


@router.post("/groups/{group_id}/plan/actions", status_code=status.HTTP_201_CREATED)
def add_action(group_id: RefPath, body: schemas.ActionCreate, application: App,
               actor: SignedIn) -> schemas.PlanRead:  # fmt: skip
    """Add an owned, due action to the group's 4P plan."""
    plan = application.soc.register.add_action(actor, group_id, strand=body.strand,
                                               description=body.description, owner=body.owner,
                                               supervisor=body.supervisor, due_at=body.due_at)  # fmt: skip
    return present.plan(plan, application.clock.now())


@router.get("/caseloads")
def caseloads(application: App, actor: SignedIn) -> list[schemas.CaseloadRead]:
    """Every LRO's band-weighted caseload against the cap."""
    return [present.caseload(c) for c in application.soc.register.caseloads(actor)]


@router.get("/flags")
def flags(application: App, actor: SignedIn) -> list[schemas.FlagRead]:
    """Groups without owner, current plan or recent disruption; orders needing action."""
    return present.flags(application.soc.register.flags(actor))


@router.get("/indicators")
def indicators(application: App, actor: SignedIn) -> schemas.SocIndicatorsRead:
    """The SOC indicators for the effectiveness report (value, numerator, denominator)."""
    return present.indicators(application.soc.register.indicators(actor))


@router.get("/cases")
def list_cases(application: App, actor: SignedIn,
               undecided: bool = False) -> list[schemas.CaseRead]:  # fmt: skip
    """Cases flagged for SCPO consideration."""
    return [present.case(c) for c in application.soc.scpo.considerations(actor, undecided)]


@router.post("/cases", status_code=status.HTTP_201_CREATED)
def flag_case(body: schemas.CaseCreate, application: App, actor: SignedIn) -> schemas.CaseFlagRead:
    """Record a charge or conviction; Schedule 1 offences are flagged for consideration."""
    case = application.soc.scpo.flag_case(
        actor, body.case_id, body.person_ref, body.offence, body.stage
    )
    return schemas.CaseFlagRead(flagged=case is not None, case=present.case(case) if case else None)


@router.post("/cases/{case_id}/decision")
def decide_case(case_id: RefPath, body: schemas.DecisionCreate, application: App,
                actor: SignedIn) -> schemas.CaseRead:  # fmt: skip
    """Record whether an SCPO is to be sought, with the reason."""
    return present.case(application.soc.scpo.decide(actor, case_id, body.decision, body.reason))


@router.get("/orders")
def list_orders(application: App, actor: SignedIn,
                due_within_days: Annotated[int | None, Query(ge=0, le=3650)] = None) -> list[schemas.OrderRead]:  # fmt: skip
    """Orders in force by next compliance check (optionally only those due soon or flagged)."""
    return [present.order(v) for v in application.soc.scpo.orders(actor, due_within_days)]


@router.post("/orders", status_code=status.HTTP_201_CREATED)
def make_order(body: schemas.OrderCreate, application: App, actor: SignedIn) -> schemas.OrderRead:
    """Record an order made by the court (five-year maximum, terms within the order)."""
    scpo = application.soc.scpo
    interval = body.check_interval_days or scpo.policy.scpo.default_check_interval_days
    terms = tuple(
        Term(t.term_id, t.text, t.starts_on, t.ends_on, t.notification_days) for t in body.terms
    )
    order = ScpoOrder(body.order_id, body.person_ref, body.court, body.made_on, body.starts_on,
                      body.ends_on, body.monitoring_officer, interval, terms, body.group_id)  # fmt: skip
    scpo.make_order(actor, order)
    return present.order(scpo.show_order(actor, body.order_id))


@router.get("/orders/{order_id}")
def show_order(order_id: RefPath, application: App, actor: SignedIn) -> schemas.OrderRead:
    """One order with its terms, checks, breaches, next check and flags."""
    return present.order(application.soc.scpo.show_order(actor, order_id))


@router.post("/orders/{order_id}/checks", status_code=status.HTTP_201_CREATED)
def record_check(order_id: RefPath, body: schemas.CheckCreate, application: App,
                 actor: SignedIn) -> schemas.OrderRead:  # fmt: skip
    """A compliance check done."""
    application.soc.scpo.record_check(actor, order_id, body.outcome, body.note, body.done_on)
    return present.order(application.soc.scpo.show_order(actor, order_id))


@router.post("/orders/{order_id}/breaches", status_code=status.HTTP_201_CREATED)
def record_breach(order_id: RefPath, body: schemas.BreachCreate, application: App,
                  actor: SignedIn) -> schemas.OrderRead:  # fmt: skip
    """A breach of a term in force on the day."""
    application.soc.scpo.record_breach(
        actor, order_id, body.term_id, body.occurred_on, body.summary
    )
    return present.order(application.soc.scpo.show_order(actor, order_id))


@router.post("/orders/{order_id}/breaches/{breach_id}/referral")
def refer_breach(order_id: RefPath, breach_id: RefPath, body: schemas.ReferralCreate,
                 application: App, actor: SignedIn) -> schemas.OrderRead:  # fmt: skip
    """Refer a breach for enforcement."""
    application.soc.scpo.refer_breach(actor, order_id, breach_id, body.to)
    return present.order(application.soc.scpo.show_order(actor, order_id))


@router.post("/orders/{order_id}/breaches/{breach_id}/outcome")
def breach_outcome(order_id: RefPath, breach_id: RefPath, body: schemas.OutcomeCreate,
                   application: App, actor: SignedIn) -> schemas.OrderRead:  # fmt: skip
    """The outcome of a referred breach."""
    application.soc.scpo.breach_outcome(actor, order_id, breach_id, body.outcome)
    return present.order(application.soc.scpo.show_order(actor, order_id))
