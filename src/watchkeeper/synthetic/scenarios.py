"""Demo scenarios: the same generator under different underlying performance.

A scenario rewrites the operational rates of the synthetic configuration (how quickly units
arrive, how many incidents are held for want of a unit, whether callers are called back and
the backlog reviewed) and nothing else: demand, the category mix and the calibration stay
the same. Grading a force whose rates the team chose proves little on its own; grading two
forces that differ only in these rates, and seeing the grades move for those reasons, does.

- ``coping``: enough officers; a small held share; callers updated; the backlog reviewed.
- ``failing-2017``: like the force HMICFRS found in 2017 (STANDARDS.md 0): often not enough
  officers to attend promptly, a backlog whose risk nobody reviews, victims not called back.
- ``baseline``: the configuration as shipped.

Every figure here is assumed (scenario settings, not published rates) and says so.
"""

from __future__ import annotations

from dataclasses import replace

from watchkeeper.kernel.errors import InputError
from watchkeeper.synthetic.config import Rate, SyntheticConfig

# (section, field) -> value, per scenario.
_SETTINGS: dict[str, dict[tuple[str, str], float]] = {
    "baseline": {},
    "coping": {
        ("attendance", "emergency_median_minutes"): 6.0,
        ("attendance", "priority_median_minutes"): 20.0,
        ("backlog", "held_share_priority"): 0.02,
        ("backlog", "held_share_scheduled"): 0.04,
        ("backlog", "held_delay_median_factor"): 2.0,
        ("backlog", "callback_share"): 0.95,
        ("backlog", "reviewed_share"): 0.97,
    },
    "failing-2017": {
        ("attendance", "emergency_median_minutes"): 17.0,
        ("attendance", "priority_median_minutes"): 80.0,
        ("backlog", "held_share_priority"): 0.40,
        ("backlog", "held_share_scheduled"): 0.45,
        ("backlog", "held_delay_median_factor"): 8.0,
        ("backlog", "callback_share"): 0.15,
        ("backlog", "reviewed_share"): 0.15,
    },
}

SCENARIOS = tuple(_SETTINGS)


def apply_scenario(config: SyntheticConfig, name: str) -> SyntheticConfig:
    """The configuration with the scenario's operational rates in place of the shipped ones."""
    if name not in _SETTINGS:
        raise InputError(f"unknown demo scenario {name!r}: choose one of {list(SCENARIOS)}")
    sections: dict[str, object] = {}
    for (section, field_name), value in _SETTINGS[name].items():
        current = sections.get(section, getattr(config, section))
        source = f"assumed: demo scenario '{name}' setting, not a published rate"
        sections[section] = replace(current, **{field_name: Rate(value, source)})  # type: ignore[type-var]
    return replace(config, **sections)  # type: ignore[arg-type]
