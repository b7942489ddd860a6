"""What the call handler records at intake: vulnerability markers and a structured THRIVE."""

from __future__ import annotations

import numpy as np

from watchkeeper.incidents.entries import Grade, Level, ThriveElement, ThriveRating
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.synthetic.config import SyntheticConfig

LEVELS = tuple(Level)
# Markers set by rule rather than at random (category or caller history decides).
RULE_MARKERS = {
    "domestic-abuse": "domestic-abuse",
    "weapons": "weapons",
    "mental-health": "mental-health",
}
REPEAT_MARKER = "repeat-victim"
# Markers that make the vulnerability element at least medium.
VULNERABLE = frozenset({"child", "older-person", "mental-health", "disability", "alone"})

RATIONALE = {
    ThriveElement.THREAT: ("no threat described", "threat unlikely to be carried out",
                           "threat made; suspect may return", "threat ongoing or imminent"),
    ThriveElement.HARM: ("no harm reported", "minor or no injury, low impact",
                         "injury or distress reported", "serious injury or harm risk"),
    ThriveElement.RISK: ("no further risk identified", "low risk of escalation",
                         "risk of repeat or escalation", "high risk of escalation now"),
    ThriveElement.INVESTIGATION: ("no lines of enquiry", "limited enquiry, no witnesses",
                                  "witnesses or CCTV possible", "forensic or suspect present"),
    ThriveElement.VULNERABILITY: ("no vulnerability identified", "some vulnerability noted",
                                  "vulnerable person involved", "highly vulnerable, cannot protect self"),
    ThriveElement.ENGAGEMENT: ("caller content with advice", "caller happy to wait",
                               "caller anxious; keep updated", "caller may disengage; act now"),
}  # fmt: skip


def check_markers(config: SyntheticConfig, profile: ForceProfile) -> None:
    """Every configured or rule-set marker must exist in the force profile."""
    for code in [*config.marker_rates, *RULE_MARKERS.values(), REPEAT_MARKER]:
        if code not in profile.markers:
            raise ConfigurationError(
                f"synthetic config: 'markers.{code}' is not a marker of force profile "
                f"{profile.name}"
            )


def markers_for(
    category: str, repeat_caller: bool, config: SyntheticConfig, rng: np.random.Generator
) -> list[str]:
    """Markers for one incident: rule-set ones, then each configured rate in turn."""
    markers = [RULE_MARKERS[category]] if category in RULE_MARKERS else []
    if repeat_caller:
        markers.append(REPEAT_MARKER)
    for code, rate in config.marker_rates.items():
        drawn = rng.random() < rate.value
        if drawn and code not in markers:
            markers.append(code)
    return markers


def _level_index(weights: dict[str, float], rng: np.random.Generator) -> int:
    names = list(weights)
    name = str(rng.choice(names, p=[weights[n] for n in names]))
    return LEVELS.index(Level(name))


def thrive_ratings(
    grade: Grade,
    category: str,
    markers: list[str],
    config: SyntheticConfig,
    rng: np.random.Generator,
) -> dict[ThriveElement, ThriveRating]:
    """Six ratings around an overall level drawn for the grade, each with a short reason."""
    base = _level_index(config.thrive.levels[grade].shares, rng)
    jitter = config.thrive.jitter.shares
    moves = {"down": -1, "same": 0, "up": 1}
    ratings = {}
    for element in ThriveElement:
        shift = moves[str(rng.choice(list(jitter), p=list(jitter.values())))]
        index = min(len(LEVELS) - 1, max(0, base + shift))
        if element is ThriveElement.VULNERABILITY and VULNERABLE.intersection(markers):
            index = max(index, LEVELS.index(Level.MEDIUM))
        if element is ThriveElement.THREAT and category == "threat-to-life":
            index = LEVELS.index(Level.HIGH)
        ratings[element] = ThriveRating(LEVELS[index], RATIONALE[element][index])
    return ratings
