"""Domain records of the safeguarding registers as API shapes (and the links the pages use)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import quote

from watchkeeper.duties.clocks import DutyAlert, WorkItem, alert_of, is_overdue
from watchkeeper.duties.escalation import Escalation
from watchkeeper.duties.model import Duty
from watchkeeper.people.matching import MatchSuggestion
from watchkeeper.safeguarding.da_records import CaseView, DashOutcome
from watchkeeper.safeguarding.duty_plan import DutyKind
from watchkeeper.safeguarding.missing_service import EpisodeRow, EpisodeView
from watchkeeper.safeguarding.offender_records import OffenderView
from watchkeeper.safeguarding.offenders import Notification, check_travel_notice
from watchkeeper.safeguarding.people_service import PersonView
from watchkeeper.safeguarding.policy import SafeguardingPolicy
from watchkeeper.safeguarding.ports import DaCase, KnownFact, MatchSuggestionRecord, OffenderRecord
from watchkeeper.safeguarding.service_core import Listing
from watchkeeper.web.api import safeguarding_schemas as s

# Which page shows the subject of a duty, by duty kind (the registers' own kinds).
_PAGE_OF_KIND = {
    DutyKind.DASH_COMPLETION: "/da-cases/",
    DutyKind.DASH_SIGN_OFF: "/da-cases/",
    DutyKind.MARAC_REFERRAL: "/da-cases/",
    DutyKind.DA_CASE_REVIEW: "/da-cases/",
    DutyKind.MISSING_REVIEW: "/missing/",
    DutyKind.SAFE_AND_WELL: "/missing/",
    DutyKind.RETURN_HOME_INTERVIEW: "/missing/",
    DutyKind.RSO_VISIT: "/offenders/",
    DutyKind.RSO_NOTIFICATION: "/offenders/",
    DutyKind.RSO_RISK_REVIEW: "/offenders/",
}
_PAGE_OF_REGISTER = {
    "domestic-abuse": "/da-cases/",
    "missing-person": "/missing/",
    "registered-offender": "/offenders/",
}


def _page(prefix: str | None, ref: str) -> str | None:
    return f"{prefix}{quote(ref, safe='')}" if prefix else None


def duty_link(duty: Duty) -> str | None:
    """The page of the record a duty is about; None for kinds this page set does not know."""
    kinds = {k.value: v for k, v in _PAGE_OF_KIND.items()}
    return _page(kinds.get(duty.kind), duty.subject_ref)


def known_link(register: str, reference: str) -> str | None:
    return _page(_PAGE_OF_REGISTER.get(register), reference)


def _minutes(delta: timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds() // 60)


def duty(d: Duty, now: datetime) -> s.DutyRead:
    alert = alert_of(d, now)
    late = now - d.due_at if is_overdue(d, now) else None
    return s.DutyRead(
        duty_id=d.duty_id, kind=d.kind, subject_ref=d.subject_ref, link=duty_link(d),
        owner=d.owner, supervisor=d.supervisor, due_at=d.due_at, state=d.state.value,
        overdue_minutes=_minutes(late), alert=alert.reason if alert else None,
        escalated_at=d.escalated_at(),
    )  # fmt: skip


def duties(items: Sequence[Duty], now: datetime) -> list[s.DutyRead]:
    return [duty(d, now) for d in items]


def work(items: Sequence[WorkItem], now: datetime) -> list[s.DutyRead]:
    return [duty(item.duty, now) for item in items]


def alert(a: DutyAlert) -> s.DutyAlertRead:
    return s.DutyAlertRead(duty_id=a.duty_id, kind=a.kind.value, reason=a.reason)


def escalation(e: Escalation) -> s.EscalationRead:
    minutes = _minutes(e.overdue_by) or 0
    return s.EscalationRead(duty_id=e.duty_id, to=e.to, owner=e.owner, overdue_minutes=minutes,
                            reason=e.reason)  # fmt: skip


def known(facts: Sequence[KnownFact], address: str, person_ref: str) -> s.IntakeRead:
    return s.IntakeRead(
        address=address,
        person_ref=person_ref,
        known=[
            s.KnownRead(
                register=f.register,
                summary=f.summary,
                reference=f.reference,
                link=known_link(f.register, f.reference),
            )
            for f in facts
        ],
    )


def suggestion(found: MatchSuggestion, left_ref: str) -> s.SuggestionRead:
    return s.SuggestionRead(suggestion_id=None, left_ref=left_ref, right_ref=found.person_ref,
                            score=found.score, reasons=list(found.reasons), decision="pending")  # fmt: skip


def stored_suggestion(r: MatchSuggestionRecord) -> s.SuggestionRead:
    return s.SuggestionRead(suggestion_id=r.suggestion_id, left_ref=r.left_ref,
                            right_ref=r.right_ref, score=r.score, reasons=list(r.reasons),
                            decision=r.decision)  # fmt: skip


def _case_summary(c: DaCase) -> s.DaCaseSummaryRead:
    return s.DaCaseSummaryRead(case_ref=c.case_ref, status=c.status, dash_status=c.dash_status,
                               risk_level=c.risk_level, signed_off=c.signed_off_by is not None,
                               marac_referred_on=c.marac_referred_on)  # fmt: skip


def person(view: PersonView, now: datetime) -> s.PersonRead:
    p = view.person
    return s.PersonRead(
        person_ref=p.person_ref,
        names=[str(n) for n in p.names],
        date_of_birth=p.date_of_birth,
        estimated_birth=None
        if p.estimated_birth is None
        else s.BirthYearsRead(earliest=p.estimated_birth.earliest, latest=p.estimated_birth.latest),
        markers=sorted(p.markers),
        addresses=[
            s.AddressRead(
                address_ref=a.address_ref,
                lines=list(a.lines),
                postcode=a.postcode,
                relation=relation,
            )
            for a, relation in view.addresses
        ],
        incidents=[
            s.IncidentLinkRead(
                incident_id=i.incident_id,
                role=i.role,
                person_ref=i.person_ref,
                address_ref=i.address_ref,
                linked_by=i.linked_by,
                linked_at=i.linked_at,
            )
            for i in view.incidents
        ],
        da_cases=None if view.da_cases is None else [_case_summary(c) for c in view.da_cases],
        missing=None
        if view.missing is None
        else [
            s.EpisodeSummaryRead(
                episode_ref=e.episode_ref,
                open=e.episode.is_open,
                risk=e.episode.risk.value,
                reported_at=e.episode.report.reported_at,
                found_at=e.episode.found_at,
            )
            for e in view.missing
        ],
        offender_records=None
        if view.offender_records is None
        else [
            s.OffenderSummaryRead(
                offender_ref=o.offender_ref,
                status=o.status,
                risk=o.risk.value,
                manager_ref=o.manager_ref,
            )
            for o in view.offender_records
        ],
        open_duties=None if view.open_duties is None else duties(view.open_duties, now),
    )


def case(view: CaseView, now: datetime) -> s.DaCaseRead:
    c = view.case
    return s.DaCaseRead(
        case_ref=c.case_ref, victim_ref=c.victim_ref, status=c.status, opened_at=c.opened_at,
        incident_id=c.incident_id, address_ref=c.address_ref, perpetrator_ref=c.perpetrator_ref,
        dash_status=c.dash_status, refusal_reason=c.refusal_reason,
        actuarial_level=c.actuarial_level, risk_level=c.risk_level,
        judgement_rationale=c.judgement_rationale, judgement_by=c.judgement_by,
        assessed_by=c.assessed_by, signed_off_by=c.signed_off_by,
        signed_off_at=c.signed_off_at, marac_referred_on=c.marac_referred_on,
        closed_at=c.closed_at,
        submissions=[
            s.SubmissionRead(seq=x.seq, form_id=x.form_id, form_version=x.form_version,
                             yes_count=x.yes_count, answers=dict(x.answers),
                             submitted_by=x.submitted_by, submitted_at=x.submitted_at)
            for x in view.submissions
        ],
        duties=duties(view.duties, now),
    )  # fmt: skip


def outcome(result: DashOutcome, view: CaseView, now: datetime) -> s.DashOutcomeRead:
    a = result.assessment
    return s.DashOutcomeRead(
        assessment=s.AssessmentRead(
            form_id=a.form.form_id,
            form_version=a.form.version,
            yes_count=a.yes_count,
            yes_keys=list(a.yes_keys),
            high_risk_factors_yes=list(a.high_risk_factors_yes),
            actuarial_level=a.actuarial_level.value,
            level=a.level.value,
            raised_by_judgement=a.level != a.actuarial_level,
        ),
        marac_criteria=[c.value for c in result.marac_criteria],
        case=case(view, now),
    )


def episode(view: EpisodeView, now: datetime) -> s.EpisodeRead:
    record, e = view.record, view.record.episode
    report = e.report
    nxt = view.next_due
    return s.EpisodeRead(
        episode_ref=record.episode_ref, person_ref=report.person_ref,
        reported_at=report.reported_at, reported_by=record.reported_by,
        date_of_birth=report.date_of_birth, is_child=e.is_child,
        looked_after=report.looked_after, markers=sorted(report.markers),
        reported_risk=report.risk.value, risk=e.risk.value,
        supervisor_rationale=report.supervisor_rationale,
        call_answers={k: v.value for k, v in report.call_answers.answers.items()},
        reviews=[s.ReviewRead(at=r.at, by=r.by, level=r.level.value, rationale=r.rationale)
                 for r in e.reviews],
        found_at=e.found_at, safe_and_well_at=e.safe_and_well_at,
        rhi_offered_at=e.rhi_offered_at, open=e.is_open, address_ref=record.address_ref,
        incident_id=record.incident_id,
        timeline=[s.EventRead(at=at, what=what) for at, what in view.timeline],
        next_due=None if nxt is None else s.NextDueRead(kind=nxt[0], due_at=nxt[1],
                                                        overdue=nxt[2]),
        duties=duties(view.duties, now),
    )  # fmt: skip


def notification(n: Notification, policy: SafeguardingPolicy | None) -> s.NotificationRead:
    """A notification; a travel notice with its plan and whether it was given in time (s86)."""
    plan = n.travel
    if plan is None:
        return s.NotificationRead(kind=n.kind.value, on=n.on)
    in_time = check_travel_notice(n.on, plan, policy).on_time if policy else None
    return s.NotificationRead(kind=n.kind.value, on=n.on, departs_on=plan.departs_on,
                              returns_on=plan.returns_on, destination=plan.destination,
                              in_time=in_time)  # fmt: skip


def offender(
    view: OffenderView, now: datetime, policy: SafeguardingPolicy | None = None
) -> s.OffenderRead:
    f, o = view.file, view.file.offender
    c = view.caseload
    return s.OffenderRead(
        offender_ref=o.offender_ref, person_ref=o.person_ref, manager_ref=o.manager_ref,
        registered_on=o.registered_on, status=o.status, risk=o.risk.value,
        mappa_category=o.mappa.category, mappa_level=o.mappa.level,
        visit_interval_months=o.plan.interval_months, visit_basis=o.plan.basis,
        visit_rationale=o.plan.rationale, address_ref=o.address_ref,
        notification_ends_on=o.notification_ends_on, no_fixed_abode=o.no_fixed_abode,
        reactive=o.reactive,
        notifications=[notification(n, policy) for n in f.notifications],
        assessments=[s.ArmsRead(assessed_on=a.assessed_on, version=a.version,
                                level=a.level.value, by=a.by) for a in f.assessments],
        visits=list(f.visits),
        custody=[s.CustodyRead(start=p.start, end=p.end) for p in f.custody],
        notification_due=view.notification_due,
        notification_breached=view.notification_breached, visit_due=view.visit_due,
        caseload=s.CaseloadRead(manager_ref=c.manager_ref, count=c.count,
                                warning_at=c.warning_at, warning=c.warning, source=c.source),
        duties=duties(view.duties, now),
        risk_events=[s.RiskEventRead(kind=e.kind.value, name=e.name, at=e.at, detail=e.detail,
                                     by=e.by) for e in f.risk_events],
    )  # fmt: skip


def case_list(listing: Listing[DaCase]) -> s.DaCaseListRead:
    rows = [
        s.DaCaseRowRead(**_case_summary(c).model_dump(), victim_ref=c.victim_ref,
                        victim_name=listing.names.get(c.victim_ref), opened_at=c.opened_at)
        for c in listing.rows
    ]  # fmt: skip
    return s.DaCaseListRead(total=listing.total, cases=rows)


def episode_list(listing: Listing[EpisodeRow]) -> s.EpisodeListRead:
    rows = []
    for row in listing.rows:
        e = row.record.episode
        due = None if row.due is None else s.DueRead(kind=row.due[0], due_at=row.due[1],
                                                      overdue=row.due[2])  # fmt: skip
        rows.append(s.EpisodeRowRead(
            episode_ref=row.record.episode_ref, open=e.is_open, risk=e.risk.value,
            reported_at=e.report.reported_at, found_at=e.found_at,
            person_ref=e.report.person_ref, name=listing.names.get(e.report.person_ref),
            is_child=e.is_child, looked_after=e.report.looked_after, next_due=due,
        ))  # fmt: skip
    return s.EpisodeListRead(total=listing.total, episodes=rows)


def offender_list(listing: Listing[OffenderRecord]) -> s.OffenderListRead:
    rows = [
        s.OffenderRowRead(
            offender_ref=o.offender_ref, status=o.status, risk=o.risk.value,
            manager_ref=o.manager_ref, person_ref=o.person_ref,
            name=listing.names.get(o.person_ref), registered_on=o.registered_on,
            mappa_category=o.mappa.category, mappa_level=o.mappa.level, reactive=o.reactive,
            no_fixed_abode=o.no_fixed_abode,
        )
        for o in listing.rows
    ]  # fmt: skip
    return s.OffenderListRead(total=listing.total, offenders=rows)
