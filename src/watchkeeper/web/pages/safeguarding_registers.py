"""The registers' lists (issue 5, part 6): open domestic-abuse cases, open missing-person
episodes with what is due next, and registered offenders, each row linked to its record.

The lists read through the register services, which authorise by role and audit the read;
a role that may not see a register gets the refusal page and nothing is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from watchkeeper.access.model import Actor
from watchkeeper.kernel.errors import WatchkeeperError
from watchkeeper.safeguarding.service_core import Listing
from watchkeeper.safeguarding.services import Safeguarding
from watchkeeper.web.pages.context import open_get_page, refusal
from watchkeeper.web.pages.rendering import render
from watchkeeper.web.pages.safeguarding_common import _context

router = APIRouter()

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
