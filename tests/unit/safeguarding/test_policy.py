"""Safeguarding configuration: parsed, validated, every value cited."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

import pytest

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.safeguarding.policy import (
    bundled_document,
    default_policy,
    months_after,
    parse_safeguarding_policy,
)


@pytest.fixture(scope="module")
def doc():
    return bundled_document("safeguarding-default.toml")


def test_the_default_policy_carries_the_documented_thresholds():
    policy = default_policy()
    assert (policy.domestic_abuse.high_min_yes, policy.domestic_abuse.medium_min_yes) == (14, 10)
    assert policy.domestic_abuse.escalation_min_incidents == 3
    assert policy.missing.rhi_hours == 72
    assert policy.offenders.caseload_warning_at == 50


def test_every_table_cites_a_source():
    policy = default_policy()
    assert len(policy.sources) >= 19
    assert all(p.source for p in policy.sources.values())


def test_unconfirmed_values_are_labelled_assumed():
    policy = default_policy()
    for key in ("missing.reviews", "missing.safe_and_well", "offenders.caseload"):
        assert policy.provenance(key).assumed, key
    assert not policy.provenance("offenders.notification.initial").assumed


def test_the_medium_band_is_labelled_local_practice_and_the_visit_template_pre_2017():
    policy = default_policy()
    assert "local practice" in policy.provenance("domestic_abuse.levels.medium").source
    assert "pre-29-Jun-2017" in policy.provenance("offenders.visit_template").source


def test_a_missing_source_is_refused_naming_the_table(doc):
    broken = copy.deepcopy(doc)
    del broken["missing"]["reviews"]["source"]
    with pytest.raises(ConfigurationError, match=r"'missing\.reviews\.source'"):
        parse_safeguarding_policy(broken)


def test_a_non_numeric_threshold_is_refused_naming_the_key(doc):
    broken = copy.deepcopy(doc)
    broken["domestic_abuse"]["levels"]["high"]["min_yes"] = "fourteen"
    with pytest.raises(ConfigurationError, match=r"domestic_abuse\.levels\.high\.min_yes"):
        parse_safeguarding_policy(broken)


def test_a_medium_band_above_the_high_band_is_refused(doc):
    broken = copy.deepcopy(doc)
    broken["domestic_abuse"]["levels"]["medium"]["min_yes"] = 15
    with pytest.raises(ConfigurationError, match=r"medium\.min_yes <= high\.min_yes"):
        parse_safeguarding_policy(broken)


def test_review_intervals_that_shorten_as_risk_falls_are_refused(doc):
    broken = copy.deepcopy(doc)
    broken["missing"]["reviews"]["low_hours"] = 2
    with pytest.raises(ConfigurationError, match=r"missing\.reviews"):
        parse_safeguarding_policy(broken)


def test_an_unknown_counting_convention_is_refused(doc):
    broken = copy.deepcopy(doc)
    broken["offenders"]["notification"]["initial"]["counting"] = "roughly"
    with pytest.raises(ConfigurationError, match=r"offenders\.notification\.initial\.counting"):
        parse_safeguarding_policy(broken)


def test_a_leap_day_plus_twelve_months_is_the_28th_of_february():
    assert months_after(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert months_after(date(2024, 2, 29), 48) == date(2028, 2, 29)
    assert months_after(date(2024, 3, 31), -1) == date(2024, 2, 29)


def test_a_late_evening_utc_instant_in_summer_is_the_next_london_day():
    policy = default_policy()
    assert policy.calendar_date(datetime(2024, 6, 30, 23, 30, tzinfo=UTC)) == date(2024, 7, 1)
    assert policy.calendar_date(datetime(2024, 1, 31, 23, 30, tzinfo=UTC)) == date(2024, 1, 31)
