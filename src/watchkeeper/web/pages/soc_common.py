"""What the SOC unit's pages share: the notice each change names on its redirect, the posted
form sent back to its author (``FormState``), reading the posted fields, and running a post.

Every view and change is authorised and audited by the services. Bad input or a broken rule
re-renders the page with the message next to the field (4xx); a refusal (role, missing
record) is a page naming what was refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from watchkeeper.kernel.errors import (
    ConcurrencyConflict,
    DomainRuleViolation,
    InputError,
    WatchkeeperError,
)
from watchkeeper.web.pages.context import Page, form_of, open_page, refusal, status_for

MAX_TEXT = 2000  # longer free text is refused, not truncated


NOTICES = {
    "lro": "Lead responsible officer recorded.",
    "disruption": "Disruption recorded.",
    "registered": "Group entered on the register.",
    "member": "Member added.",
    "plan": "4P plan recorded.",
    "action": "4P action added.",
    "decision": "SCPO consideration decision recorded.",
    "check": "Compliance check recorded.",
    "breach": "Breach recorded; refer it for enforcement.",
}


_FIELD = re.compile(r"\(fields?: ([A-Za-z_.]+)")


Form = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class FormState:
    """A form sent back to its author: what they posted and the messages by field."""

    form_id: str
    values: Form
    errors: dict[str, str] = field(default_factory=dict)  # "" holds a form-level message
    suggestions: tuple[Any, ...] | None = None  # member form: (MatchSuggestion, Person) pairs

    def value(self, form_id: str, name: str, default: str = "") -> str:
        return str(self.values.get(name, default)) if form_id == self.form_id else default

    def error(self, form_id: str, name: str) -> str:
        return self.errors.get(name, "") if form_id == self.form_id else ""


def _text(form: Form, name: str, label: str, required: bool = True) -> str:
    value = str(form.get(name, "")).strip()
    if required and not value:
        raise InputError(f"{label} is required (field: {name})")
    if len(value) > MAX_TEXT:
        raise InputError(f"{label} is longer than {MAX_TEXT} characters (field: {name})")
    return value


def _choice(form: Form, name: str, label: str, allowed: Any) -> str:
    value = _text(form, name, label)
    if value not in allowed:
        raise InputError(f"{label} {value!r} is not one of {', '.join(sorted(allowed))} "
                         f"(field: {name})")  # fmt: skip
    return value


def _day(form: Form, name: str, label: str, required: bool = True) -> date | None:
    raw = _text(form, name, label, required)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(
            f"{label} must be a date (YYYY-MM-DD), got {raw!r} (field: {name})"
        ) from None


def _required_day(form: Form, name: str, label: str) -> date:
    day = _day(form, name, label)
    if day is None:  # _day refuses a blank required field; this keeps the type exact
        raise InputError(f"{label} is required (field: {name})")
    return day


def _words(form: Form, name: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in _text(form, name, name, required=False).split(",") if w.strip())


def _field_of(message: str, form: Form, aliases: Mapping[str, str]) -> str:
    """The posted field a message names (``field: x``), or "" for the form as a whole."""
    found = _FIELD.search(message)
    if not found:
        return ""
    name = aliases.get(found.group(1), found.group(1))
    return name if name in form else ""


async def _submit(
    request: Request,
    form_id: str,
    act: Callable[[Page, Form], str],
    show: Callable[[Request, Page, FormState | None, int], Response],
    back: str,
    *,
    aliases: Mapping[str, str] | None = None,
) -> Response:
    """Open the page (CSRF), run ``act`` in the threadpool and follow the URL it returns.

    Bad input, a broken rule or a concurrent change re-renders the page with the message by
    its field and the posted values kept (4xx); any other refusal is a refusal page.
    """
    page = await open_page(request)
    if isinstance(page, Response):
        return page
    form: Form = {}
    try:
        form = await form_of(request)
        target = await run_in_threadpool(act, page, form)
    except (InputError, DomainRuleViolation, ConcurrencyConflict) as exc:
        state = FormState(form_id, form, {_field_of(exc.message, form, aliases or {}): exc.message})
        return await run_in_threadpool(show, request, page, state, status_for(exc))
    except WatchkeeperError as exc:
        return refusal(request, page, exc, back_url=back)
    return RedirectResponse(target, status_code=303)
