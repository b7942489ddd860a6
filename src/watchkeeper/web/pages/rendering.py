"""Jinja2 templates for the pages: autoescaping everywhere, and presentation-only filters."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def minutes_text(minutes: float | None) -> str:
    """'1 h 05 min' / '12 min' / '3 days 4 h' (from two days on) / '—': how long, for people
    reading a board at a glance."""
    if minutes is None:
        return "—"
    whole = round(abs(minutes))
    hours, rest = divmod(whole, 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        return f"{days} days {hours} h"
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def breach_text(minutes: float | None) -> str:
    """'breaches in 12 min' or 'breached 5 min ago' or 'no target'."""
    if minutes is None:
        return "no timed target"
    if minutes < 0:
        return f"breached {minutes_text(minutes)} ago"
    return f"breaches in {minutes_text(minutes)}"


@cache
def templates() -> Jinja2Templates:
    """The template set, built on first use (nothing is built at import time)."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["minutes"] = minutes_text
    environment.filters["breach"] = breach_text
    return Jinja2Templates(env=environment)


def local_time(at: datetime | None, zone: ZoneInfo, with_date: bool = False) -> str:
    """An instant in the force's time zone, as the control room reads it."""
    if at is None:
        return "—"
    return at.astimezone(zone).strftime("%d %b %H:%M" if with_date else "%H:%M")


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render a page (or a partial) with the request in its context."""
    response = templates().TemplateResponse(request, name, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"  # personal data: never cached
    return response
