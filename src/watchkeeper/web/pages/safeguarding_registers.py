"""The registers' lists (issue 5, part 6): open domestic-abuse cases, open missing-person
episodes with what is due next, and registered offenders, each row linked to its record;
and the possible duplicates on the nominal index, each decided same person or different by
an officer with a rationale (never merged by the system).

The lists read through the register services, which authorise by role and audit the read;
a role that may not see a register gets the refusal page and nothing is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.access.model import Actor
from watchkeeper.kernel.errors import InputError, WatchkeeperError
from watchkeeper.safeguarding.service_core import Listing
from watchkeeper.safeguarding.services import Safeguarding
from watchkeeper.web.pages import forms
from watchkeeper.web.pages.context import form_of, open_get_page, open_page, refusal
from watchkeeper.web.pages.rendering import render
from watchkeeper.web.pages.safeguarding_common import _context

router = APIRouter()
MAX_SUGGESTION_ID = 2**31 - 1

# Each register: its heading, the statuses it lists (the first is the default) and its reader.
_REGISTERS: dict[str, tuple[str, tuple[str, ...], Callable[[Safeguarding, Actor, str], Listing[Any]]]] = {
    "da-cases": ("Domestic-abuse cases", ("open", "closed"),
                 lambda sg, actor, state: sg.domestic_abuse.list_cases(actor, state)),
    "missing": ("Missing-person episodes", ("open", "closed"),
                lambda sg, actor, state: sg.missing.list_episodes(actor, state)),
    "offenders": ("Registered offenders", ("active", "ended"),
                  lambda sg, actor, state: sg.offenders.list_offenders(actor, state)),
}  # fmt: skip


def _register_page(request: Request, register: str, status: str) -> Response:
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    title, statuses, read = _REGISTERS[register]
    state = status or statuses[0]
    try:
        listing = read(page.application.safeguarding, page.actor, state)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    context = _context(page, "registers", register=register, title=title, state=state,
                       statuses=statuses, listing=listing)  # fmt: skip
    return render(request, "sg_registers.html", context)


@router.get("/da-cases")
def da_cases(request: Request, status: str = "") -> Response:
    """Open (or closed) DA cases, longest open first: DASH state, risk, sign-off, MARAC."""
    return _register_page(request, "da-cases", status)


@router.get("/missing")
def missing(request: Request, status: str = "") -> Response:
    """Open (or closed) missing episodes, earliest reported first, with what is due next."""
    return _register_page(request, "missing", status)


@router.get("/offenders")
def offenders(request: Request, status: str = "") -> Response:
    """Active (or ended) registrations: risk, MAPPA, offender manager."""
    return _register_page(request, "offenders", status)


@router.get("/duplicates")
def duplicates(request: Request, done: str = "") -> Response:
    """Suggested duplicates on the nominal index, likeliest first, both people side by side."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    try:
        review = page.application.safeguarding.people.review_duplicates(page.actor)
    except WatchkeeperError as exc:
        return refusal(request, page, exc)
    notice = "Decision recorded; nothing was merged." if done == "decided" else ""
    context = _context(page, "registers", register="duplicates", review=review, notice=notice)
    return render(request, "sg_duplicates.html", context)


@router.post("/duplicates/decision")
async def decide_duplicate(request: Request) -> Response:
    """Same person or different, with the rationale (refused without one)."""
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    try:
        form = await form_of(request)
        raw = forms.text(form, "suggestion_id", "Suggestion")
        # ASCII digits, within the id column's range (a 32-bit integer on PostgreSQL).
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_SUGGESTION_ID:
            raise InputError(
                f"suggestion {raw!r} is not a suggestion number (field: suggestion_id)"
            )
        decision = forms.text(form, "decision", "Decision")
        rationale = forms.text(form, "rationale", "Rationale")
        people = page.application.safeguarding.people
        await run_in_threadpool(people.decide_suggestion, page.actor, int(raw), decision, rationale)
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url="/duplicates")
    return RedirectResponse("/duplicates?done=decided", status_code=303)
