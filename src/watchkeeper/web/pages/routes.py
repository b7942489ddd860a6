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
    safeguarding_offenders,
    sign_in,
    soc,
    units,
)

router = APIRouter(include_in_schema=False)  # pages are HTML, not part of the JSON API
# safeguarding_offenders first: its /offenders/new must win over /offenders/{offender_ref}.
for module in (sign_in, board, overview, units, dispatch, incident, assessment, soc,
               safeguarding_offenders, safeguarding):  # fmt: skip
    router.include_router(module.router)
