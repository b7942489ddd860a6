"""The safeguarding pages' forms: shape-only parsing, and a refusal placed at its field.

No rule lives here. A refused post re-renders its page with the domain's message next to
the field the message names ("(field: reason)", a DASH question's "(children-hurt)", a
label such as "Reason is required"), or at the top of the form when it names none, and
the posted values kept, so nothing typed is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from watchkeeper.kernel.errors import InputError
from watchkeeper.safeguarding.forms import Answer, RiskForm
from watchkeeper.web.pages import forms

_FIELD_NOTE = re.compile(r"\(fields?: ([^)]*)\)")
_QUESTION_KEY = re.compile(r"\(([a-z0-9][a-z0-9-]*)\)")
ANSWERS = tuple(Answer)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One input of a page form: its name, the label messages use, and phrases naming it."""

    name: str
    label: str
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormRefusal:
    """Which form was refused, the message, the fields it names and what was posted."""

    form: str = ""
    message: str = ""
    status: int = 200
    fields: frozenset[str] = frozenset()
    posted: Mapping[str, str] = field(default_factory=dict)

    def at(self, form: str, name: str) -> str:
        """The message, when this form's refusal names this field."""
        return self.message if form == self.form and name in self.fields else ""

    def general(self, form: str) -> str:
        """The message, when this form was refused without naming one of its fields."""
        return self.message if form == self.form and not self.fields else ""

    def about_questions(self, form: str) -> str:
        """The message, when this form's refusal names only questions (shown atop them)."""
        named = self.form == form and self.fields
        return self.message if named and all(f.startswith("q-") for f in self.fields) else ""

    def value(self, form: str, name: str, default: str = "") -> str:
        """What was posted in this form's field (kept after a refusal), else the default."""
        if form == self.form and name in self.posted:
            return self.posted[name]
        return default

    def answers(self, form: str) -> dict[str, str] | None:
        """The DASH-style answers posted (``q-<key>``), when this form was refused."""
        if form != self.form:
            return None
        return {k[2:]: v for k, v in self.posted.items() if k.startswith("q-")}


NO_REFUSAL = FormRefusal()


def fields_named(
    message: str, specs: Iterable[FieldSpec], question_keys: Iterable[str] = ()
) -> frozenset[str]:
    """The inputs a refusal's message names; empty when it names none of them."""
    specs = tuple(specs)
    found: set[str] = set()
    lowered = message.lower()
    notes = [
        p.strip().lower() for m in _FIELD_NOTE.finditer(message) for p in m.group(1).split(",")
    ]
    for spec in specs:
        names = {spec.name.lower(), spec.label.lower()}
        if (
            names & set(notes)
            or lowered.startswith(spec.label.lower() + " ")
            or any(p in lowered for p in spec.phrases)
        ):
            found.add(spec.name)
    keys = set(question_keys)
    found |= {f"q-{k}" for k in _QUESTION_KEY.findall(message) if k in keys}
    return frozenset(found)


def risk_answers(form: RiskForm, posted: Mapping[str, str]) -> dict[str, str]:
    """The answers given (``q-<key>`` = yes / no / not-known); an unanswered question is absent.

    Whether every question needed was answered, and whether the answers agree, is the
    domain's decision (``forms.record_answers``), which names the questions it refuses.
    """
    answers: dict[str, str] = {}
    for question in form.questions:
        value = str(posted.get(f"q-{question.key}", "")).strip()
        if value:
            answers[question.key] = value
    return answers


def day(form: Mapping[str, str], name: str, label: str, required: bool = True) -> date | None:
    """A calendar date field (yyyy-mm-dd) within the register's years."""
    raw = forms.text(form, name, label, required=required)
    if not raw:
        return None
    try:
        parsed = date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{label} {raw!r} is not a date (field: {label})") from None
    if not 1900 <= parsed.year <= 2100:
        raise InputError(f"{label} must be between the years 1900 and 2100 (field: {label})")
    return parsed


def moment(form: Mapping[str, str], name: str, label: str, zone: ZoneInfo) -> datetime | None:
    """An optional local date-time field, read in the force's time zone."""
    raw = forms.text(form, name, label, required=False)
    if not raw:
        return None
    try:
        local = datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{label} {raw!r} is not a date and time (field: {label})") from None
    if not 1900 <= local.year <= 2100:
        raise InputError(f"{label} must be between the years 1900 and 2100 (field: {label})")
    return local.replace(tzinfo=zone) if local.tzinfo is None else local


def reference(form: Mapping[str, str], name: str, label: str, required: bool = True) -> str:
    """A record reference: letters, digits and . _ ( ) - only, at most 64 characters."""
    value = forms.text(form, name, label, required=required)
    if value and not re.fullmatch(r"[A-Za-z0-9_.()-]{1,64}", value):
        raise InputError(
            f"{label} {value!r} may hold only letters, digits and . _ - ( ), at most 64 "
            f"(field: {label})"
        )
    return value
