from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.kernel.errors import ConfigurationError, InputError
from watchkeeper.organised_crime.config import parse_policy
from watchkeeper.organised_crime.scoring import assess, band_for

from .conftest import levels

LEVELS = ["none", "low", "medium", "high"]


def test_a_low_group_scores_the_sum_of_its_configured_points(policy) -> None:
    result = assess(levels("low", "medium"), policy.scoring)
    # ocgm low: 2+3+1+1+2 = 9; harm low: 2+1+1+1 = 5 x likelihood medium 1.0; position 1+1
    assert result.score == 9 + 5 + 2
    assert result.band == "D"


def test_a_high_threat_group_is_band_a_and_every_point_has_a_reason(policy) -> None:
    result = assess(levels("high", "high"), policy.scoring)
    # ocgm high: 8+10+7+5+6 = 36; harm high 8+5+5+4 = 22 x 1.5 = 33; position 5+5
    assert result.score == 36 + 33 + 10
    assert result.band == "A"
    assert sum(r.points for r in result.reasons) == pytest.approx(result.score)
    assert any("harm 22 " in r.note and "likelihood 1.5" in r.note for r in result.reasons)
    assert result.explain()[-1] == "total 79 -> band A"


def test_bands_take_the_first_minimum_reached_at_their_boundaries(policy) -> None:
    assert band_for(55, policy.scoring) == "A"
    assert band_for(54.99, policy.scoring) == "B"
    assert band_for(35, policy.scoring) == "B"
    assert band_for(18, policy.scoring) == "C"
    assert band_for(17.9, policy.scoring) == "D"
    assert band_for(0, policy.scoring) == "D"


def test_an_unknown_level_or_dimension_is_refused_naming_the_field(policy) -> None:
    bad = levels()
    with pytest.raises(InputError, match=r"ocgm.network level 'extreme'"):
        assess(dataclasses.replace(bad, ocgm={**bad.ocgm, "network": "extreme"}), policy.scoring)
    with pytest.raises(InputError, match=r"missing \['network'\]"):
        ocgm = {k: v for k, v in bad.ocgm.items() if k != "network"}
        assess(dataclasses.replace(bad, ocgm=ocgm), policy.scoring)
    with pytest.raises(InputError, match=r"likelihood"):
        assess(dataclasses.replace(bad, likelihood="certain"), policy.scoring)


@given(st.data())
def test_raising_any_level_never_lowers_the_score(policy, data) -> None:
    base = levels("none", "none")
    dims = {"ocgm": dict(base.ocgm), "harm": dict(base.harm), "position": dict(base.position)}
    for group in dims.values():
        for name in group:
            group[name] = data.draw(st.sampled_from(LEVELS))
    likelihood = data.draw(st.sampled_from(LEVELS))
    before = assess(dataclasses.replace(base, likelihood=likelihood, **dims), policy.scoring)
    group = data.draw(st.sampled_from(sorted(dims)))
    name = data.draw(st.sampled_from(sorted(dims[group])))
    current = LEVELS.index(dims[group][name])
    dims[group][name] = LEVELS[data.draw(st.integers(current, 3))]
    likelihood = LEVELS[data.draw(st.integers(LEVELS.index(likelihood), 3))]
    after = assess(dataclasses.replace(base, likelihood=likelihood, **dims), policy.scoring)
    assert after.score >= before.score


def test_configuration_whose_points_fall_as_level_rises_is_refused() -> None:
    import tomllib
    from importlib import resources

    doc = tomllib.loads(
        resources.files("watchkeeper.resources").joinpath("organised-crime.toml").read_text()
    )
    doc["scoring"]["ocgm"]["network"] = {"none": 0, "low": 5, "medium": 3, "high": 6}
    with pytest.raises(ConfigurationError, match=r"scoring.ocgm.network"):
        parse_policy(doc)


def test_configuration_may_not_raise_the_statutory_order_maximum() -> None:
    import tomllib
    from importlib import resources

    doc = tomllib.loads(
        resources.files("watchkeeper.resources").joinpath("organised-crime.toml").read_text()
    )
    doc["scpo"]["max_years"] = 6
    with pytest.raises(ConfigurationError, match=r"statutory 5"):
        parse_policy(doc)


def test_every_configuration_table_cites_a_source(policy) -> None:
    assert set(policy.sources) >= {
        "scoring",
        "lifecycle",
        "caseload",
        "plans",
        "disruptions",
        "scpo",
    }
    assert "UNCONFIRMED" in policy.sources["caseload"].source
    assert "s16" in policy.sources["scpo"].source
