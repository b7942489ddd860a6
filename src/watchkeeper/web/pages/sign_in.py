"""Signing in and out of the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.access.model import Actor, Permission
from watchkeeper.kernel.errors import Unauthenticated
from watchkeeper.web import security
from watchkeeper.web.pages.context import (
    form_of,
    local_redirect,
    open_get_page,
    open_page,
    refusal,
)
from watchkeeper.web.pages.rendering import render

router = APIRouter()

# One message for every failure, so the page never says which of name or password was wrong.
SIGN_IN_FAILED = "Sign-in failed: check your username and password, or ask a supervisor."


def _form(request: Request, next_url: str, username: str = "", problem: str = "") -> Response:
    context = {"page": None, "next_url": next_url, "username": username, "problem": problem}
    return render(request, "sign_in.html", context, status_code=401 if problem else 200)


@router.get("/sign-in")
def sign_in_form(request: Request, next_url: Annotated[str, Query(alias="next")] = "/") -> Response:
    return _form(request, local_redirect(next_url))


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    form = await form_of(request)
    username, next_url = form.get("username", "")[:200], local_redirect(form.get("next", ""))
    try:
        # argon2 and the database: off the event loop
        grant = await run_in_threadpool(
            security.sign_in, request, username, form.get("password", "")
        )
    except security.TooManyAttempts as exc:
        return refusal(request, None, exc)
    except Unauthenticated:
        return _form(request, next_url, username, SIGN_IN_FAILED)
    response = RedirectResponse(next_url, status_code=303)
    security.start_session(request, response, grant)
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    response = RedirectResponse("/sign-in", status_code=303)
    await run_in_threadpool(security.end_session, request, response)
    return response


# Where each role starts: the first page here its permissions allow (the board for the
# control room, "my work" for public protection, the SOC register for SOC officers, ...).
HOMES = (
    (Permission.BACKLOG_READ, "/board"),
    (Permission.DUTIES_READ, "/work"),
    (Permission.SOC_READ, "/soc"),
    (Permission.ARMED_ANALYSIS, "/armed"),
    (Permission.ASSESSMENT_READ, "/assessment"),
    (Permission.INTAKE_LOOKUP, "/intake"),
)


def home_for(actor: Actor) -> str | None:
    """The first page ``actor``'s role may read, or None for a role without pages."""
    return next((path for needs, path in HOMES if actor.may(needs)), None)


@router.get("/")
def home(request: Request) -> Response:
    """The signed-in visitor's starting page; a role without pages is told where its work is."""
    page = open_get_page(request)
    if isinstance(page, Response):
        return page
    target = home_for(page.actor)
    if target is None:
        return render(request, "home.html", page.context())
    return RedirectResponse(target, status_code=303)
