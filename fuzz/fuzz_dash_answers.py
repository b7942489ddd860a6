"""Fuzz the risk-form answer check (``safeguarding.forms.record_answers``) and DASH scoring.

Input: JSON ``{"form": <bundled form file>, "answers": {question key: answer}}``, the shape
the API and the web forms hand over. Contract: validated answers (every key a question of the
form, every answer yes / no / not-known) that score without error, or an ``InputError``
naming the form; nothing else may escape. Seeds: a complete answer set for every bundled form.
"""

from __future__ import annotations

import json
from typing import Any

import atheris  # type: ignore[import-untyped,unused-ignore]
from common import main, refusal, require

with atheris.instrument_imports(include=["watchkeeper"]):
    from watchkeeper.kernel.errors import InputError
    from watchkeeper.safeguarding.domestic_abuse import assess
    from watchkeeper.safeguarding.forms import Answer, bundled_form, record_answers
    from watchkeeper.safeguarding.policy import default_policy

FORMS = ("dash-police-2009.toml", "safelives-2015.toml", "missing-call-handler-wmp.toml")
BY_FILE = {name: bundled_form(name) for name in FORMS}
POLICY = default_policy().domestic_abuse


def decoded(data: bytes) -> tuple[str, dict[str, str]] | None:
    try:
        doc: Any = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if (
        not isinstance(doc, dict)
        or not isinstance(doc.get("form"), str)
        or doc["form"] not in BY_FILE
    ):
        return None
    answers = doc.get("answers")
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        return None  # the API's schema hands over text answers only
    return doc["form"], answers


def test_one_input(data: bytes) -> None:
    given = decoded(data)
    if given is None:
        return
    name, raw = given
    form = BY_FILE[name]
    try:
        answers = record_answers(form, raw)
    except InputError as exc:
        refusal(exc, form.form_id)
        return
    require(set(answers.answers) == set(raw), "answers were dropped or invented")
    require(all(isinstance(a, Answer) for a in answers.answers.values()), "unchecked answer")
    if form.form_id.startswith(("dash", "safelives")):
        result = assess(form, answers, POLICY)
        require(result.level == result.actuarial_level, "no judgement, yet the level moved")
        scored = {q.key for s in form.sections if s.scored for q in s.questions}
        yes = {k for k, a in answers.answers.items() if a is Answer.YES and k in scored}
        require(set(result.yes_keys) == yes, "the yes answers were miscounted")


def seeds() -> list[bytes]:
    out = []
    for name, form in BY_FILE.items():
        for answer in Answer:
            answers = {q.key: answer.value for q in form.questions}
            out.append(json.dumps({"form": name, "answers": answers}).encode())
        scored = {q.key: "yes" for s in form.sections if s.scored for q in s.questions}
        out.append(json.dumps({"form": name, "answers": scored}).encode())
    return out


if __name__ == "__main__":
    main("dash_answers", test_one_input, seeds())
