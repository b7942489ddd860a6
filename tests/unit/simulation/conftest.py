"""Fixtures for the simulator's tests: the bundled configuration and tiny hand-made inputs.

``make_trace`` builds a trace from a few rows; by default every incident is urban, needs
``response``, and the travel model is 1 km = 1 minute with no turnout, so expected times
can be worked out by hand.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import numpy as np
import pytest

from watchkeeper.dispatch.config import bundled_dispatch_document, parse_dispatch_config
from watchkeeper.incidents.policy import ForceProfile, parse_force_profile
from watchkeeper.simulation.config import SimConfig, sim_config
from watchkeeper.simulation.roster import Roster, UnitGroup, build_roster
from watchkeeper.simulation.trace import Trace, build_trace

ORIGIN = datetime(2024, 3, 4, tzinfo=UTC)
SKILLS = ("response", "double-crewed", "arv")
TARGETS = {0: 15.0, 1: 60.0, 2: np.inf}


@pytest.fixture(scope="session")
def force_profile() -> ForceProfile:
    text = resources.files("watchkeeper.resources").joinpath("force-default.toml").read_text()
    return parse_force_profile(tomllib.loads(text))


@pytest.fixture(scope="session")
def bundled_sim_config(force_profile: ForceProfile) -> SimConfig:
    return sim_config(parse_dispatch_config(bundled_dispatch_document()), force_profile)


@pytest.fixture(scope="session")
def unit_speed_config(bundled_sim_config: SimConfig) -> SimConfig:
    """1 km takes 1 minute, no turnout, no noise: times can be checked by hand."""
    return bundled_sim_config.with_changes(
        circuity=1.0, speed_urban_kmh=60.0, speed_rural_kmh=60.0, turnout_minutes=0.0
    )


def trace_of(rows: Sequence[dict[str, Any]], skill_names: Sequence[str] = SKILLS) -> Trace:
    """Rows with keys t, x, y, service; optionally grade, risk, skills, vulnerable, travel,
    crew (officers needed, default 1)."""
    grade = [r.get("grade", 1) for r in rows]
    return build_trace(
        ORIGIN,
        [r["t"] for r in rows],
        x_km=[r.get("x", 0.0) for r in rows],
        y_km=[r.get("y", 0.0) for r in rows],
        area=[0] * len(rows),
        urban=[True] * len(rows),
        grade=grade,
        target=[r.get("target", TARGETS.get(g, 1.0)) for r, g in zip(rows, grade, strict=True)],
        category=[0] * len(rows),
        vulnerable=[r.get("vulnerable", False) for r in rows],
        risk=[r.get("risk", 10.0) for r in rows],
        skills=[r.get("skills", 1) for r in rows],
        service=[r["service"] for r in rows],
        travel=[r.get("travel", float("nan")) for r in rows],
        crew=[r.get("crew", 1) for r in rows],
        areas=["a"],
        categories=["general"],
        skill_names=skill_names,
    )


def roster_of(units: Sequence[dict[str, Any]], skill_names: Sequence[str] = SKILLS) -> Roster:
    """Units with keys x, y and optionally skills (names), start (minutes), hours, crew
    (officers on board; default 2 when double-crewed, else 1)."""
    groups = [
        UnitGroup(
            "a",
            1,
            tuple(u.get("skills", ("response",))),
            u.get("start", 0.0),
            u.get("hours", 24.0),
            position=(u.get("x", 0.0), u.get("y", 0.0)),
            name=f"u{k}",
            crew=u.get("crew"),
        )
        for k, u in enumerate(units)
    ]
    return build_roster(groups, skill_names, {})


@pytest.fixture
def make_trace() -> Callable[..., Trace]:
    return trace_of


@pytest.fixture
def make_roster() -> Callable[..., Roster]:
    return roster_of
