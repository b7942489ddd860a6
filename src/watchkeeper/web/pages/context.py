"""Who is looking at a page, and how a refusal reaches them as a page (never a traceback).

Every page route starts with :func:`open_page`: signed out, it answers with a redirect to
the sign-in page (or, for an htmx poll, an ``HX-Redirect``); with a forged or missing CSRF
token on a POST, a 403 page. Errors from the services become pages by :func:`refusal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.access.model import Actor
from watchkeeper.bootstrap import Application
from watchkeeper.kernel.errors import Unauthenticated, WatchkeeperError
from watchkeeper.web.pages.rendering import render
from watchkeeper.web.security import CsrfRefused, check_csrf, current_grant

STATUS_OF = {
    "forbidden": 403,
    "csrf_refused": 403,
    "not_found": 404,
    "conflict": 409,
    "rate_limited": 429,
}
HEADINGS = {403: "Refused", 404: "Not found", 409: "Changed meanwhile", 429: "Slow down"}
NOTHING_DONE = "Nothing was recorded."


@dataclass(frozen=True, slots=True)
class Page:
    """The signed-in person behind a page request, and the token their forms must carry."""

    application: Application
    actor: Actor
    csrf_token: str

    def context(self, nav: str = "", **values: Any) -> dict[str, Any]:
        """Template context shared by every page."""
        return {"page": self, "nav": nav, "profile": self.application.profile, **values}


def application_of(request: Request) -> Application:
    application: Application = request.app.state.application
    return application


def sign_in_redirect(request: Request) -> Response:
    """Back to the sign-in page, remembering where the user was going."""
    if request.headers.get("HX-Request"):
        return Response(status_code=401, headers={"HX-Redirect": "/sign-in"})
    target = request.url.path if request.method == "GET" else "/"
    return RedirectResponse(f"/sign-in?next={quote(target)}", status_code=303)


def open_get_page(request: Request) -> Page | Response:
    """The signed-in context of a safe (GET) page; no CSRF check is needed to read.

    GET pages are plain ``def`` routes so the session and service calls, which block on the
    database, run in the threadpool instead of stalling the event loop for every client.
    """
    try:
        grant = current_grant(request)
    except Unauthenticated:
        return sign_in_redirect(request)
    return Page(application_of(request), grant.actor, grant.csrf_token)


async def open_page(request: Request) -> Page | Response:
    """The signed-in page context, or the response that must be sent instead."""
    try:
        grant = await run_in_threadpool(current_grant, request)  # a database read
    except Unauthenticated:
        return sign_in_redirect(request)
    page = Page(application_of(request), grant.actor, grant.csrf_token)
    try:
        await check_csrf(request, grant)
    except CsrfRefused as exc:
        return refusal(request, page, exc)
    return page


def status_for(exc: WatchkeeperError) -> int:
    """The HTTP status a refusal is sent with: 4xx, never 500."""
    return STATUS_OF.get(exc.code, 400)


def refusal(
    request: Request, page: Page | None, exc: WatchkeeperError, back_url: str = ""
) -> Response:
    """A plain page saying what was refused and why."""
    if isinstance(exc, Unauthenticated):
        return sign_in_redirect(request)
    status = status_for(exc)
    context = page.context() if page else {"page": None}
    context |= {
        "heading": HEADINGS.get(status, "Not done"),
        "message": exc.message,
        "nothing_done": NOTHING_DONE if request.method == "POST" else "",
        "back_url": back_url,
    }
    return render(request, "problem.html", context, status_code=status)


async def form_of(request: Request) -> dict[str, str]:
    """The posted form's text fields (files are not accepted by any page)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def local_redirect(target: str) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"  # the role's own starting page (sign_in.home)
    return target
