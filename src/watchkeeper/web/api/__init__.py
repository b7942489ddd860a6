"""The JSON API under ``/api``: parse, call one service, present."""

from __future__ import annotations

from fastapi import FastAPI

from watchkeeper.web.api import (
    armed,
    backlog,
    dispatch,
    incidents,
    safeguarding,
    session,
    soc,
    units,
    users,
)
from watchkeeper.web.api.schemas import ErrorRead

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorRead, "description": why}
    for status, why in {
        401: "not signed in, or the session expired",
        403: "the role may not do this, or the CSRF token is missing or wrong",
        404: "no such record",
        409: "refused by a rule, or the record changed meanwhile",
        413: "the request body is too large",
        422: "the input is malformed or names an unknown code",
        429: "too many sign-in attempts",
    }.items()
}


def include_api(app: FastAPI) -> None:
    """Every API route, with its documented error responses.

    Routers carry their full ``/api/...`` prefix so each route's template is its real path
    (the request log records the template, never the path with its values).
    """
    for module in (session, incidents, backlog, units, dispatch, users, soc, armed, safeguarding):
        app.include_router(module.router, responses=ERROR_RESPONSES)
