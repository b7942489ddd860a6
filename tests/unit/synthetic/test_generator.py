"""Synthetic incidents: deterministic, calibrated, and every one a valid incident log."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from watchkeeper.incidents.entries import Grade, to_document
from watchkeeper.incidents.model import Incident, derive_state
from watchkeeper.kernel.errors import ConfigurationError, InputError
from watchkeeper.settings import load_force_profile
from watchkeeper.synthetic.calibration import load_calibration
from watchkeeper.synthetic.config import Weights, load_synthetic_config
from watchkeeper.synthetic.generator import generate_incidents
from watchkeeper.synthetic.places import AREA_OFFSETS

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
HOURS = 72.0


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
def incidents(config, calibration, profile) -> list[Incident]:
    return generate_incidents(config, calibration, profile, NOW, HOURS, seed=7)


@pytest.fixture(scope="module")
def states(incidents):
    return [derive_state(tuple(i.entries)) for i in incidents]


def _serialised(incidents: list[Incident]) -> list[tuple]:
    return [
        (e.incident_id, e.seq, e.at.isoformat(), e.author, e.payload.kind, to_document(e.payload))
        for i in incidents
        for e in i.entries
    ]


def _minutes_waited(state) -> float:
    return (NOW - state.logged_at).total_seconds() / 60


def test_the_same_config_seed_and_now_give_identical_incidents(config, calibration, profile):
    first = generate_incidents(config, calibration, profile, NOW, 6, seed=11)
    second = generate_incidents(config, calibration, profile, NOW, 6, seed=11)
    assert first
    assert _serialised(first) == _serialised(second)


def test_a_different_seed_gives_different_incidents(config, calibration, profile):
    first = generate_incidents(config, calibration, profile, NOW, 6, seed=11)
    other = generate_incidents(config, calibration, profile, NOW, 6, seed=12)
    assert _serialised(first) != _serialised(other)


def test_every_incident_is_logged_in_the_window_and_passes_derive_state(incidents):
    assert len(incidents) > 5000
    for incident in incidents:
        state = derive_state(tuple(incident.entries))
        assert NOW - timedelta(hours=HOURS) <= state.logged_at < NOW
        times = [e.at for e in incident.entries]
        assert times == sorted(times)
        assert times[-1] <= NOW
        assert [e.seq for e in incident.entries] == list(range(1, len(times) + 1))


def test_incidents_come_in_logging_order_with_unique_ids(incidents):
    logged = [i.entries[0].at for i in incidents]
    assert logged == sorted(logged)
    assert len({i.incident_id for i in incidents}) == len(incidents)


def test_the_open_set_at_now_holds_breached_and_no_contact_incidents(states, profile):
    open_states = [s for s in states if s.is_open]
    assert open_states
    breached = [
        s
        for s in open_states
        if s.grade is not None
        and s.arrived_at is None
        and (target := profile.target_minutes(s.grade.grade, s.location.area)) is not None
        and _minutes_waited(s) > target
    ]
    no_contact = [
        s
        for s in open_states
        if s.last_contact_at is None
        and s.arrived_at is None
        and _minutes_waited(s) > profile.backlog.no_contact_minutes
    ]
    assert len(breached) >= 10
    assert len(no_contact) >= 10


def test_the_open_set_has_recent_and_long_waiting_incidents_some_called_back_or_reviewed(
    states,
):
    open_states = [s for s in states if s.is_open]
    assert any(_minutes_waited(s) < 15 for s in open_states)
    long_waiting = [
        s
        for s in open_states
        if s.grade
        and s.grade.grade in (Grade.PRIORITY, Grade.SCHEDULED)
        and s.arrived_at is None
        and _minutes_waited(s) > 6 * 60
    ]
    assert long_waiting
    assert any(s.last_contact_at is not None for s in open_states)
    assert any(s.last_review_at is not None for s in open_states)


def test_most_older_incidents_are_closed_after_attendance_or_by_telephone(states):
    older = [s for s in states if _minutes_waited(s) > 24 * 60]
    closed = [s for s in older if not s.is_open]
    assert len(closed) / len(older) > 0.8
    attended = [s for s in closed if s.arrived_at is not None]
    assert all(s.first_assigned_at <= s.arrived_at <= s.closed_at for s in attended)


def test_hourly_logging_times_follow_the_calibrated_profile(incidents, calibration, profile):
    hours = Counter(i.entries[0].at.astimezone(profile.timezone).hour for i in incidents)
    observed = np.array([hours[h] for h in range(24)], dtype=float)
    r = np.corrcoef(observed, np.array(calibration.hourly))[0, 1]
    assert r > 0.8


def test_the_domestic_abuse_share_is_within_tolerance_of_the_configured_share(states, config):
    share = sum(s.opened.category == "domestic-abuse" for s in states) / len(states)
    # Poisson sampling: allow four standard errors.
    tolerance = 4 * math.sqrt(config.da_share * (1 - config.da_share) / len(states))
    assert abs(share - config.da_share) < tolerance


def test_domestic_abuse_incidents_carry_the_domestic_abuse_marker(states):
    # The marker is set at intake, minutes after logging: a call logged in the last few
    # minutes before NOW has not reached that step yet (steps after NOW have not happened).
    settled = NOW - timedelta(minutes=10)
    da = [
        s
        for s in states
        if s.opened.category == "domestic-abuse" and not s.duplicate_of and s.logged_at < settled
    ]
    assert da
    assert all("domestic-abuse" in s.markers for s in da)


def test_the_grade_mix_follows_the_calibration_and_threat_to_life_is_an_emergency(
    states, calibration
):
    graded = [s for s in states if s.grade is not None and not s.duplicate_of]
    counts = Counter(s.grade.grade.value for s in graded)
    for grade, share in calibration.grade_mix.items():
        assert abs(counts[grade] / len(graded) - share) < 0.03
    ttl = [s for s in graded if s.opened.category == "threat-to-life"]
    assert ttl
    assert all(s.grade.grade is Grade.EMERGENCY for s in ttl)


def test_grade_labels_are_the_force_profiles_labels(states, profile):
    for s in states:
        if s.grade is not None:
            assert s.grade.force_label in profile.grades[s.grade.grade].labels


def test_regrades_carry_a_reason(incidents):
    regraded = 0
    for incident in incidents:
        grades = [e.payload for e in incident.entries if e.payload.kind == "graded"]
        for later in grades[1:]:
            regraded += 1
            assert later.reason.strip()
    assert regraded > 0


def test_most_incidents_carry_a_structured_thrive_with_rationales(states, config):
    assessed = [s for s in states if s.thrive is not None]
    assert len(assessed) / len(states) > config.thrive.assessed_share.value - 0.06
    for s in assessed[:200]:
        assert len(s.thrive.ratings) == 6
        assert all(r.rationale for r in s.thrive.ratings.values())


def test_some_callers_and_addresses_repeat(states):
    people = Counter(s.opened.caller.person_ref for s in states)
    places = Counter(s.location.address_key for s in states)
    assert any(n > 1 for n in people.values())
    assert any(n > 1 for n in places.values())
    repeat_marked = [s for s in states if "repeat-victim" in s.markers]
    assert all(people[s.opened.caller.person_ref] > 1 for s in repeat_marked)


def test_callers_have_invented_names_and_drama_range_numbers(states):
    for s in states[:500]:
        assert s.opened.caller.name
        assert s.opened.caller.phone.startswith("07700 900")


def test_locations_lie_in_the_five_made_up_areas_around_the_centre(states, config):
    centre = (config.geography.centre_lat.value, config.geography.centre_lon.value)
    assert {s.location.area for s in states} == set(AREA_OFFSETS)
    for s in states:
        assert abs(s.location.lat - centre[0]) < 0.1
        assert abs(s.location.lon - centre[1]) < 0.15


def test_authors_are_staff_ids_or_unit_call_signs(incidents):
    opened_by = {i.entries[0].author for i in incidents}
    assert all(a.startswith("ch-") for a in opened_by)


def test_scale_multiplies_the_volume(config, calibration, profile):
    full = generate_incidents(config, calibration, profile, NOW, 24, seed=3)
    tenth = generate_incidents(config, calibration, profile, NOW, 24, seed=3, scale=0.1)
    assert 0.07 < len(tenth) / len(full) < 0.13


def test_now_in_another_time_zone_gives_the_same_incidents(config, calibration, profile):
    london = NOW.astimezone(ZoneInfo("Europe/London"))
    first = generate_incidents(config, calibration, profile, NOW, 3, seed=5)
    second = generate_incidents(config, calibration, profile, london, 3, seed=5)
    assert _serialised(first) == _serialised(second)


def test_non_positive_hours_or_scale_are_refused(config, calibration, profile):
    with pytest.raises(InputError):
        generate_incidents(config, calibration, profile, NOW, 0, seed=1)
    with pytest.raises(InputError):
        generate_incidents(config, calibration, profile, NOW, 1, seed=1, scale=0)


def test_a_category_the_force_profile_lacks_is_refused_naming_the_key(config, calibration, profile):
    other = Weights({"fly-tipping": 1.0}, "assumed: test")
    bad = dataclasses.replace(config, other_categories=other)
    with pytest.raises(ConfigurationError, match=r"categories\.other\.weights\.fly-tipping"):
        generate_incidents(bad, calibration, profile, NOW, 1, seed=1)


def test_a_marker_the_force_profile_lacks_is_refused_naming_the_key(config, calibration, profile):
    rates = {**config.marker_rates, "pregnant": config.marker_rates["child"]}
    bad = dataclasses.replace(config, marker_rates=rates)
    with pytest.raises(ConfigurationError, match=r"markers\.pregnant"):
        generate_incidents(bad, calibration, profile, NOW, 1, seed=1)
