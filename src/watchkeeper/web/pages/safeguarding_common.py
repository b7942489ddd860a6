"""What the safeguarding pages share (issue 5): the notice each change names on its redirect,
the page context (times in the force's zone, links to a duty's record), and how a form post
is run and a refused one shown again with the message at its field.

Every view and change goes through the register services, which authorise by role and
audit; a refusal is a page naming what was refused and saying nothing was recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.web.api import safeguarding_present as present
from watchkeeper.web.pages import safeguarding_forms as sgf
from watchkeeper.web.pages.context import Page, form_of, open_page, refusal, status_for
from watchkeeper.web.pages.rendering import local_time
from watchkeeper.web.pages.safeguarding_forms import FieldSpec, FormRefusal

NOTICES = {
    "opened": "Case opened: the DASH is now owed (see the duties below).",
    "reported": "Missing episode reported: a supervisory review is now due.",
    "judgement": "Professional judgement recorded: the level is raised; it needs a new sign-off.",
    "dash": "DASH recorded: the risk level is shown below; it now needs a supervisor's sign-off.",
    "refusal": "Refusal recorded with its reason; it now needs a supervisor's sign-off.",
    "sign-off": "Signed off.",
    "close": "Case closed.",
    "review": "Review recorded.",
    "found": "Found / returned recorded: the safe-and-well check is now due.",
    "safe-and-well": "Safe-and-well check recorded.",
    "rhi": "Return home interview offer recorded.",
    "visit": "Visit recorded.",
    "notification": "Notification recorded.",
    "arms": "ARMS assessment recorded.",
    "acknowledged": "Acknowledged.",
    "reassigned": "Duty reassigned.",
    "registered": "Offender registered: the notification and visit duties are now owed.",
    "custody": "Custody recorded: no home visit is owed while in custody.",
    "release": "Release recorded.",
    "trigger": "Review trigger recorded: the offender manager now owes a risk review.",
    "risk-review": "Risk review recorded.",
    "case-review": "Case review recorded: the next review is now due.",
}


def _when(page: Page) -> Callable[[datetime | None], str]:
    zone = page.application.safeguarding.context.policy.timezone
    return lambda at: local_time(at, zone, with_date=True)


def _context(page: Page, nav: str, **values: Any) -> dict[str, Any]:
    return page.context(nav, when=_when(page), now=page.application.clock.now(),
                        duty_link=present.duty_link, **values)  # fmt: skip


@dataclass(frozen=True)
class _Refusals:
    """How a refused post of one form is shown: which form, its fields, the page again."""

    form: str
    fields: tuple[FieldSpec, ...]
    rerender: Callable[[Page, FormRefusal], Response]
    question_keys: Sequence[str] = ()


async def _act(
    request: Request,
    back: str,
    done: str,
    act: Callable[[Page, Mapping[str, str]], object],
    refusals: _Refusals,
    *,
    show: Callable[[Page, object], Response] | None = None,
) -> Response:
    """Open the page, read the form, run ``act`` in the threadpool, redirect (or ``show``).

    A refusal re-renders the page (4xx) with the message next to the field it names and the
    posted values kept; one the page cannot show (forbidden, an unknown record) is a
    refusal page. Nothing is written either way: the services' writes are transactional.
    """
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    form: dict[str, str] = {}
    try:
        form = await form_of(request)
        result = await run_in_threadpool(act, page, form)
    except WatchkeeperError as exc:
        status = status_for(exc)
        if status == 403:
            return refusal(request, page, exc, back_url=back)
        named = sgf.fields_named(exc.message, refusals.fields, refusals.question_keys)
        refused = FormRefusal(refusals.form, exc.message, status, named, form)
        try:
            return await run_in_threadpool(refusals.rerender, page, refused)
        except WatchkeeperError:  # the page itself cannot be shown (e.g. no such record)
            return refusal(request, page, exc, back_url=back)
    if show is not None:
        return show(page, result)
    return RedirectResponse(f"{back}?done={done}", status_code=303)


def _moment(form: Mapping[str, str], page: Page) -> datetime | None:
    """An optional local date-time field ('at'), in the force's time zone."""
    zone = page.application.safeguarding.context.policy.timezone
    return sgf.moment(form, "at", "When", zone)


def _day(form: Mapping[str, str], name: str, label: str) -> date:
    day = sgf.day(form, name, label)
    if day is None:  # required=True: forms.text has refused a blank already
        raise InputError(f"{label} is required")
    return day
