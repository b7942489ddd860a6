"""Every page route, gathered into the one router ``web.app.create_app`` includes."""

from __future__ import annotations

from fastapi import APIRouter

from watchkeeper.web.pages import (
    assessment,
    board,
    dispatch,
    incident,
    overview,
    safeguarding_da,
    safeguarding_missing,
    safeguarding_offender_file,
    safeguarding_offenders,
    safeguarding_registers,
    safeguarding_work,
    sign_in,
    soc_armed,
    soc_groups,
    soc_register,
    units,
)

router = APIRouter(include_in_schema=False)  # pages are HTML, not part of the JSON API
# safeguarding_offenders first: its /offenders/new must win over /offenders/{offender_ref}
# (in safeguarding_offender_file). The other safeguarding modules share no path shapes.
for module in (sign_in, board, overview, units, dispatch, incident, assessment,
               soc_register, soc_groups, soc_armed,
               safeguarding_offenders, safeguarding_work, safeguarding_da, safeguarding_missing,
               safeguarding_offender_file, safeguarding_registers):  # fmt: skip
    router.include_router(module.router)
