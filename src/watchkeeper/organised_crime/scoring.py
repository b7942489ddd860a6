"""Threat scoring of an organised crime group: score, band and every reason behind them.

Shape (STANDARDS.md §6): OCGM-style attributes (individuals, activity, reach, network,
capability) add their points; MoRiLE-style harm dimensions add up to a harm subtotal that is
multiplied by likelihood; organisational position (the force's capacity and capability gaps)
adds points. Points and bands are configuration (UNCONFIRMED nationally). The score is
monotone: raising any level never lowers it (config refuses points that fall as level rises).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from watchkeeper.kernel.errors import InputError
from watchkeeper.organised_crime.config import ScoringMatrix


@dataclass(frozen=True, slots=True)
class ThreatInput:
    """The levels an analyst records for a group, each dimension named as in configuration."""

    ocgm: Mapping[str, str]
    harm: Mapping[str, str]
    likelihood: str
    position: Mapping[str, str]
    confidence: str = "medium"  # MoRiLE reports a confidence alongside the score
    rationale: str = ""


@dataclass(frozen=True, slots=True)
class ScoreReason:
    factor: str  # e.g. "ocgm.criminal_activity"
    level: str
    points: float
    note: str


@dataclass(frozen=True, slots=True)
class ThreatAssessment:
    score: float
    band: str
    reasons: tuple[ScoreReason, ...]
    confidence: str

    def explain(self) -> list[str]:
        """One line per factor, then the band."""
        lines = [f"{r.factor} {r.level}: {r.points:+g} ({r.note})" for r in self.reasons]
        return [*lines, f"total {self.score:g} -> band {self.band}"]


def _check(values: Mapping[str, str], table: Mapping[str, Mapping[str, float]], where: str,
           levels: tuple[str, ...]) -> None:  # fmt: skip
    missing = sorted(set(table) - set(values))
    extra = sorted(set(values) - set(table))
    if missing or extra:
        raise InputError(f"threat scoring: {where} needs exactly {sorted(table)} "
                         f"(missing {missing}, unknown {extra})")  # fmt: skip
    for name, level in values.items():
        if level not in levels:
            raise InputError(
                f"threat scoring: {where}.{name} level '{level}' is not one of {list(levels)}"
            )


def band_for(score: float, matrix: ScoringMatrix) -> str:
    """The first (highest) band whose minimum the score reaches."""
    return next(b.code for b in matrix.bands if score >= b.min_score)


def assess(threat: ThreatInput, matrix: ScoringMatrix) -> ThreatAssessment:
    """Score a group; refuses unknown dimensions or levels, naming the field."""
    levels = matrix.levels
    _check(threat.ocgm, matrix.ocgm, "ocgm", levels)
    _check(threat.harm, matrix.harm, "harm", levels)
    _check(threat.position, matrix.position, "organisational_position", levels)
    if threat.likelihood not in matrix.likelihood:
        raise InputError(
            f"threat scoring: likelihood '{threat.likelihood}' is not one of {list(levels)}"
        )
    if threat.confidence not in ("low", "medium", "high"):
        raise InputError(
            "threat scoring: confidence must be low, medium or high (field: confidence)"
        )
    reasons: list[ScoreReason] = [
        ScoreReason(f"ocgm.{name}", lv, matrix.ocgm[name][lv], "OCGM attribute")
        for name, lv in sorted(threat.ocgm.items())
    ]
    harm = sum(matrix.harm[name][lv] for name, lv in threat.harm.items())
    factor = matrix.likelihood[threat.likelihood]
    harm_detail = ", ".join(f"{n} {lv}" for n, lv in sorted(threat.harm.items()))
    reasons.append(ScoreReason("morile.harm_x_likelihood", threat.likelihood, harm * factor,
                               f"harm {harm:g} ({harm_detail}) x likelihood {factor:g}"))  # fmt: skip
    reasons += [
        ScoreReason(
            f"morile.position.{name}",
            lv,
            matrix.position[name][lv],
            "organisational position: a weaker position raises priority",
        )
        for name, lv in sorted(threat.position.items())
    ]
    score = round(sum(r.points for r in reasons), 2)
    return ThreatAssessment(score, band_for(score, matrix), tuple(reasons), threat.confidence)
