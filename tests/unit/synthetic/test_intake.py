"""Intake: rule-set markers and a THRIVE around the grade's level."""

from __future__ import annotations

import numpy as np

from watchkeeper.incidents.entries import Grade, Level, ThriveElement
from watchkeeper.synthetic.config import load_synthetic_config
from watchkeeper.synthetic.intake import markers_for, thrive_ratings


def test_da_and_repeat_callers_get_their_markers_by_rule():
    config = load_synthetic_config()
    markers = markers_for("domestic-abuse", True, config, np.random.default_rng(1))
    assert markers[:2] == ["domestic-abuse", "repeat-victim"]
    assert len(markers) == len(set(markers))


def test_threat_to_life_is_a_high_threat_and_vulnerable_markers_raise_vulnerability():
    config = load_synthetic_config()
    rng = np.random.default_rng(3)
    for _ in range(50):
        ratings = thrive_ratings(
            Grade.RESOLUTION_WITHOUT_DEPLOYMENT, "threat-to-life", ["child"], config, rng
        )
        assert ratings[ThriveElement.THREAT].level is Level.HIGH
        assert ratings[ThriveElement.VULNERABILITY].level in (Level.MEDIUM, Level.HIGH)
        assert all(r.rationale for r in ratings.values())
