"""A registered offender's file page (issue 5): notifications and their clocks (the s86
foreign-travel notice checked), ARMS, MAPPA, visits, the manager and the caseload, with the
visit, notification and ARMS forms. Registering, custody, release and risk reviews are in
``safeguarding_offenders``.

Thin: parse, call the register service, show; a refused form re-renders the file page with
the domain's message at the field it names.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import Response

from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.safeguarding.offenders import (
    NotificationKind,
    RsoRisk,
    check_travel_notice,
    late_travel_notices,
    travel_plan,
)
from watchkeeper.safeguarding.rso_reviews import ReviewOutcome, review_due_at
from watchkeeper.web.pages import forms
from watchkeeper.web.pages import safeguarding_forms as sgf
from watchkeeper.web.pages.context import Page, open_get_page, refusal
from watchkeeper.web.pages.rendering import render
from watchkeeper.web.pages.safeguarding_common import NOTICES, _act, _context, _day, _Refusals
from watchkeeper.web.pages.safeguarding_forms import NO_REFUSAL, FieldSpec, FormRefusal

router = APIRouter()


OFFENDER_FIELDS = {
    "visit": (FieldSpec("visited_on", "Visited on", ("visited_on", "custody")),
              FieldSpec("note", "Note")),
    "notification": (FieldSpec("kind", "Kind", ("notification kind",)),
                     FieldSpec("on", "Notified on", ("notified_on",)),
                     FieldSpec("departs_on", "Departs on", ("departure date",)),
                     FieldSpec("returns_on", "Returns on"),
                     FieldSpec("destination", "Destination")),
    "arms": (FieldSpec("assessed_on", "Assessed on", ("assessed_on",)),
             FieldSpec("version", "ARMS version"),
             FieldSpec("level", "Risk level", ("offender risk",))),
    "custody": (FieldSpec("starts_on", "Custody from", ("starts_on", "before it starts")),
                FieldSpec("ends_on", "Custody until")),
    "release": (FieldSpec("released_on", "Released on", ("released_on", "release on", "not in custody")),),
    "trigger": (FieldSpec("trigger", "Trigger", ("review trigger",)),
                FieldSpec("summary", "Summary")),
    "risk-review": (FieldSpec("outcome", "Outcome", ("review outcome", "reactive-management")),
                    FieldSpec("rationale", "Rationale")),
}  # fmt: skip


@router.get("/offenders/{offender_ref}")
def offender(request: Request, offender_ref: str, done: str = "") -> Response:
    """A registered offender: notifications and clocks, ARMS, MAPPA, visits, manager, caseload."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        return _offender_page(request, page, offender_ref, NOTICES.get(done, ""), NO_REFUSAL)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)


def _offender_page(
    request: Request, page: Page, offender_ref: str, notice: str, refused: FormRefusal
) -> Response:
    sg = page.application.safeguarding
    view = sg.offenders.show(page.actor, offender_ref)
    policy = sg.context.policy
    today = policy.calendar_date(page.application.clock.now())
    travel = [(n, check_travel_notice(n.on, n.travel, policy)) for n in view.file.notifications
              if n.kind is NotificationKind.TRAVEL and n.travel is not None]  # fmt: skip
    abroad = [n.travel for n, _ in travel if n.travel and n.travel.departs_on <= today
              and (n.travel.returns_on is None or today <= n.travel.returns_on)]  # fmt: skip
    context = _context(page, "work", view=view, o=view.file.offender,
                       kinds=[k.value for k in NotificationKind],
                       levels=[r.value for r in RsoRisk], notice=notice, today=today,
                       travel=travel, late_travel=late_travel_notices(view.file.notifications, policy),
                       abroad=abroad, travel_days=policy.offenders.travel_days_before,
                       travel_source=policy.provenance("offenders.notification.travel").source,
                       triggers=policy.offenders.review_triggers,
                       review_due=review_due_at(view.file.risk_events, policy.offenders.review_triggers),
                       outcomes=[o.value for o in ReviewOutcome], refused=refused,
                       problem="" if refused is NO_REFUSAL else "Not recorded: see the form below.")  # fmt: skip
    return render(request, "sg_offender.html", context, status_code=refused.status)


def _offender_refusals(request: Request, offender_ref: str, form: str) -> _Refusals:
    def rerender(page: Page, refused: FormRefusal) -> Response:
        return _offender_page(request, page, offender_ref, "", refused)

    return _Refusals(form, OFFENDER_FIELDS[form], rerender)


@router.post("/offenders/{offender_ref}/visit")
async def record_visit(request: Request, offender_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        day = _day(form, "visited_on", "Visited on")
        note = forms.text(form, "note", "Note", required=False)
        return page.application.safeguarding.offenders.record_visit(
            page.actor, offender_ref, day, note
        )

    refusals = _offender_refusals(request, offender_ref, "visit")
    return await _act(request, f"/offenders/{offender_ref}", "visit", act, refusals)


@router.post("/offenders/{offender_ref}/notification")
async def record_notification(request: Request, offender_ref: str) -> Response:
    """A notification; for foreign travel, the plan the s86 notice rule is checked against."""

    def act(page: Page, form: Mapping[str, str]) -> object:
        kind = forms.text(form, "kind", "Kind")
        day = _day(form, "on", "Notified on")
        plan = None
        if kind == NotificationKind.TRAVEL.value:
            departs = sgf.day(form, "departs_on", "Departs on", required=False)
            if departs is None:
                raise InputError(
                    "a foreign-travel notice needs its departure date (field: Departs on)"
                )
            plan = travel_plan(departs, sgf.day(form, "returns_on", "Returns on", required=False),
                               forms.text(form, "destination", "Destination", required=False))  # fmt: skip
        return page.application.safeguarding.offenders.record_notification(
            page.actor, offender_ref, kind, day, plan
        )

    refusals = _offender_refusals(request, offender_ref, "notification")
    return await _act(request, f"/offenders/{offender_ref}", "notification", act, refusals)


@router.post("/offenders/{offender_ref}/arms")
async def record_arms(request: Request, offender_ref: str) -> Response:
    def act(page: Page, form: Mapping[str, str]) -> object:
        day = _day(form, "assessed_on", "Assessed on")
        version = forms.text(form, "version", "ARMS version")
        level = forms.text(form, "level", "Risk level")
        return page.application.safeguarding.offenders.record_assessment(
            page.actor, offender_ref, day, version, level
        )

    refusals = _offender_refusals(request, offender_ref, "arms")
    return await _act(request, f"/offenders/{offender_ref}", "arms", act, refusals)
