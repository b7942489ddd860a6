"""Every page route, gathered into the one router ``web.app.create_app`` includes."""

from __future__ import annotations

from fastapi import APIRouter

from watchkeeper.web.pages import (
    assessment,
    board,
    dispatch,
    incident,
    overview,
    safeguarding,
    sign_in,
    soc,
    units,
)

router = APIRouter(include_in_schema=False)  # pages are HTML, not part of the JSON API
for module in (sign_in, board, overview, units, dispatch, incident, assessment, soc, safeguarding):
    router.include_router(module.router)
