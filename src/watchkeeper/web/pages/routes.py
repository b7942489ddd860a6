"""Every page route, gathered into the one router ``web.app.create_app`` includes."""

from __future__ import annotations

from fastapi import APIRouter

from watchkeeper.web.pages import board, incident, overview, sign_in

router = APIRouter(include_in_schema=False)  # pages are HTML, not part of the JSON API
for module in (sign_in, board, overview, incident):
    router.include_router(module.router)
