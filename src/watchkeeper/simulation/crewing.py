"""Crewing rules: how many officers an incident needs before its attendance counts.

Read from a TOML document (the bundled ``resources/simulation-crewing.toml`` or a
scenario's own ``[crewing]`` table). Every table carries a ``source`` (a citation or
"assumed: ..."); a bad value is refused naming its key. The dispatch configuration's own
needs count too: its ``double-crewed`` required skill means two officers, and its
``crewing`` (units to send) at least one officer per unit. In the simulator the
``double-crewed`` requirement is a crew of two, met by one double-crewed unit or two
single-crewed units, so it is not also a required skill of the trace.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from watchkeeper.dispatch.config import SkillNeeds
from watchkeeper.incidents.entries import Grade
from watchkeeper.kernel.errors import InputError
from watchkeeper.simulation.roster import DOUBLE_CREWED, MAX_CREW

GRADE_NAMES = tuple(g.value for g in Grade)


@dataclass(frozen=True, slots=True)
class CrewRules:
    """Officers needed by default, by grade, by category and by marker."""

    default: int
    by_grade: Mapping[str, int]
    by_category: Mapping[str, int]
    by_marker: Mapping[str, int]

    def officers_for(
        self, grade: Grade, category: str, markers: Iterable[str], needs: SkillNeeds
    ) -> int:
        """The officers an incident needs: the largest of every rule that applies."""
        counts = [self.default, self.by_grade.get(grade.value, 1), needs.crewing]
        counts.append(self.by_category.get(category, 1))
        counts.extend(self.by_marker.get(m, 1) for m in markers)
        if DOUBLE_CREWED in needs.required:
            counts.append(2)
        return max(counts)


def trace_skills(needs: SkillNeeds) -> frozenset[str]:
    """The required skills the simulator gates on: ``double-crewed`` becomes a crew of two."""
    return needs.required - {DOUBLE_CREWED}


def _fail(key: str, why: str) -> InputError:
    return InputError(f"crewing: '{key}' {why}")


def _officers(body: Mapping[str, Any], key: str, where: str) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CREW:
        raise _fail(f"{where}.{key}", f"must be a whole number of officers, 1 to {MAX_CREW}, "
                    f"got {value!r}")  # fmt: skip
    return value


def _check_source(body: Mapping[str, Any], where: str) -> None:
    source = body.get("source")
    if not isinstance(source, str) or not source.strip():
        raise _fail(f"{where}.source", "must cite a source or say 'assumed: <why>'")


def _counts(doc: Mapping[str, Any], key: str, where: str) -> dict[str, int]:
    if key not in doc:
        return {}
    body = doc[key]
    if not isinstance(body, dict):
        raise _fail(f"{where}.{key}", "must be a table")
    _check_source(body, f"{where}.{key}")
    return {str(k): _officers(body, k, f"{where}.{key}") for k in body if k != "source"}


def parse_crew_rules(doc: Any, where: str = "crewing") -> CrewRules:
    """Validate a ``[crewing]`` table; raises ``InputError`` naming the key."""
    if not isinstance(doc, dict):
        raise _fail(where, "must be a table")
    _check_source(doc, where)
    grades = _counts(doc, "grades", where)
    unknown = sorted(set(grades) - set(GRADE_NAMES))
    if unknown:
        raise _fail(f"{where}.grades.{unknown[0]}", f"is not a grade ({', '.join(GRADE_NAMES)})")
    return CrewRules(
        default=_officers(doc, "default", where) if "default" in doc else 1,
        by_grade=grades,
        by_category=_counts(doc, "categories", where),
        by_marker=_counts(doc, "markers", where),
    )


def bundled_crew_rules() -> CrewRules:
    """The bundled local defaults (``resources/simulation-crewing.toml``)."""
    text = resources.files("watchkeeper.resources").joinpath("simulation-crewing.toml")
    return parse_crew_rules(tomllib.loads(text.read_text(encoding="utf-8"))["crewing"])
