"""Firearms incidents in the synthetic log: calibrated rate, ARVs from the demo roster, and
logs from which the armed-response derivation gets every deployment (STANDARDS.md 8)."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
import tomllib
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import pytest

from watchkeeper.armed_policing.derivation import derive
from watchkeeper.dispatch.roster import demo_roster
from watchkeeper.incidents.entries import (
    Arrived,
    CallSource,
    Closed,
    FirearmsAuthorised,
    Grade,
    ResourceAssigned,
    to_document,
)
from watchkeeper.incidents.model import derive_state
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.kernel.geo import Point
from watchkeeper.settings import load_force_profile
from watchkeeper.synthetic.armed import ARV_SKILL, WEAPONS, roster_arvs
from watchkeeper.synthetic.calibration import load_calibration
from watchkeeper.synthetic.config import load_synthetic_config, parse_synthetic_config
from watchkeeper.synthetic.generator import generate_armed_history, generate_incidents

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
HOURS = 24.0


@pytest.fixture(scope="module")
def profile():
    return load_force_profile()


@pytest.fixture(scope="module")
def config():
    return load_synthetic_config()


@pytest.fixture(scope="module")
def calibration():
    return load_calibration()


@pytest.fixture(scope="module")
def history(config, calibration, profile):
    """A full-scale force's six months of firearms incidents before the last day."""
    return generate_armed_history(
        config, calibration, profile, NOW, NOW - timedelta(hours=HOURS), seed=5
    )


def _doc() -> dict[str, Any]:
    text = resources.files("watchkeeper.resources.synthetic").joinpath("demo.toml").read_text()
    return tomllib.loads(text)


def _is_armed(incident) -> bool:
    return any(isinstance(e.payload, FirearmsAuthorised) for e in incident.entries)


def test_the_rate_is_the_cited_wmp_operations_times_the_national_arv_share(config):
    armed = config.armed
    assert (
        armed.operations_per_year.value == 2421
        and "STANDARDS.md 8" in armed.operations_per_year.source
    )
    assert armed.arv_share.value == 0.91 and not armed.arv_share.assumed
    assert armed.arv_deployments_per_day == pytest.approx(2421 * 0.91 / 365)
    assert armed.travel_median_minutes.assumed  # no national ARV standard exists (§8)


def test_the_arvs_are_the_demo_rosters_units_with_the_arv_skill():
    centres = {"central": Point(52.48, -1.89), "north": Point(52.52, -1.89)}
    roster = demo_roster(centres, NOW, seed=3)
    with_skill = {u.call_sign for u in roster if ARV_SKILL in u.skills}
    assert set(roster_arvs()) == with_skill and with_skill


def test_the_history_count_matches_the_calibrated_rate(config, history):
    days = config.armed.history_days.value - HOURS / 24
    expected = config.armed.arv_deployments_per_day * days
    # Poisson: within four standard deviations of the mean.
    assert abs(len(history) - expected) < 4 * math.sqrt(expected)


def test_the_history_is_logged_before_the_window_and_only_firearms_calls(config, history):
    start = NOW - timedelta(days=config.armed.history_days.value)
    for incident in history:
        state = derive_state(tuple(incident.entries))
        assert start <= state.logged_at < NOW - timedelta(hours=HOURS)
        assert state.opened.category == WEAPONS and state.grade.grade is Grade.EMERGENCY
        assert state.opened.source is CallSource.EMERGENCY_999
        assert "weapons" in state.markers
        assert not state.is_open


def test_every_firearms_log_derives_a_deployment_with_times_in_order(history):
    arvs = frozenset(roster_arvs())
    found = derive(history, arvs)
    assert found.skipped == () and len(found.deployments) == len(history)
    for d in found.deployments:
        assert d.arv in arvs
        assert d.call_at < d.dispatched_at <= d.en_route_at < d.arrived_at
        assert d.call_at < d.authorised_at < d.arrived_at + timedelta(hours=1)
        assert 5 <= d.attendance_minutes < 180
    minutes = sorted(d.attendance_minutes for d in found.deployments)
    assert 10 <= minutes[len(minutes) // 2] <= 25  # assumed median of about a quarter hour


def test_an_arv_is_never_at_two_incidents_at_once(history):
    busy: dict[str, list[tuple[datetime, datetime]]] = {}
    for incident in history:
        sent = [e for e in incident.entries if isinstance(e.payload, ResourceAssigned)]
        closed = [e for e in incident.entries if isinstance(e.payload, Closed)]
        assert len(sent) == 1 and len(closed) == 1
        busy.setdefault(sent[0].payload.unit, []).append((sent[0].at, closed[0].at))
    for spans in busy.values():
        spans.sort()
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_firearms_calls_appear_in_the_ordinary_stream_at_the_same_rate(
    config, calibration, profile
):
    incidents = generate_incidents(config, calibration, profile, NOW, 72.0, seed=7)
    armed = [i for i in incidents if _is_armed(i)]
    expected = config.armed.arv_deployments_per_day * 3
    assert armed and abs(len(armed) - expected) < 4 * math.sqrt(expected)
    recent = [i for i in armed if any(isinstance(e.payload, Arrived) for e in i.entries)]
    assert recent  # most have arrived by now


def test_the_same_seed_gives_the_same_history_and_another_seed_does_not(
    config, calibration, profile
):
    def run(seed):
        out = generate_armed_history(
            config, calibration, profile, NOW, NOW - timedelta(days=150), seed
        )
        return [
            (e.incident_id, e.at, e.author, to_document(e.payload)) for i in out for e in i.entries
        ]

    assert run(9) == run(9)
    assert run(9) != run(10)


def test_history_and_window_do_not_share_source_references(config, calibration, profile, history):
    window = generate_incidents(config, calibration, profile, NOW, 2.0, seed=5)
    refs = [derive_state(tuple(i.entries)).opened.source_ref for i in window + history]
    assert len(refs) == len(set(refs))


def test_without_an_armed_table_no_firearms_incidents_are_made(calibration, profile):
    doc = _doc()
    del doc["armed"]
    config = parse_synthetic_config(doc)
    assert config.armed is None
    assert (
        generate_armed_history(config, calibration, profile, NOW, NOW - timedelta(hours=1), 1) == []
    )
    incidents = generate_incidents(config, calibration, profile, NOW, 24.0, seed=7)
    assert not any(_is_armed(i) for i in incidents)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("arv_share", {"value": 1.5, "source": "assumed: x"}, "armed.arv_share.value"),
        ("travel_median_minutes", {"value": 10}, "armed.travel_median_minutes.source"),
        ("history_days", {"value": -1, "source": "assumed: x"}, "armed.history_days.value"),
    ],
)
def test_bad_armed_configuration_is_refused_naming_the_key(key, value, message):
    doc = copy.deepcopy(_doc())
    doc["armed"][key] = value
    with pytest.raises(ConfigurationError, match=message):
        parse_synthetic_config(doc)


def test_a_profile_without_a_weapons_category_is_refused(config, calibration, profile):
    categories = {k: v for k, v in profile.categories.items() if k != WEAPONS}
    lacking = dataclasses.replace(profile, categories=categories)
    with pytest.raises(ConfigurationError, match="weapons"):
        generate_armed_history(config, calibration, lacking, NOW, NOW - timedelta(hours=1), 1)
