from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from watchkeeper.armed_policing.analysis import analyse, grouped, local_calendar, table_of
from watchkeeper.armed_policing.config import load_policy
from watchkeeper.armed_policing.indicators import attendance_within_expectation
from watchkeeper.armed_policing.model import ArmedDeployment, validate_deployment
from watchkeeper.armed_policing.report import render
from watchkeeper.kernel.errors import InputError

# Monday 12 January 2026, 10:00 GMT (UTC = local in winter)
MON = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def policy():
    return load_policy()


def _dep(i: int, area: str, call: datetime, minutes: float | None) -> ArmedDeployment:
    arrived = None if minutes is None else call + timedelta(minutes=minutes)
    return ArmedDeployment(
        f"D{i}",
        f"INC-{i}",
        "ARV-1",
        area,
        call,
        authorised_at=call + timedelta(minutes=1),
        dispatched_at=call + timedelta(minutes=2),
        arrived_at=arrived,
    )


def test_arrival_before_the_call_is_refused_naming_the_field() -> None:
    bad = ArmedDeployment(
        "D1", "INC-1", "ARV-1", "North", MON, arrived_at=MON - timedelta(minutes=1)
    )
    with pytest.raises(InputError, match=r"D1: arrival .* is before the call .*field: arrived_at"):
        validate_deployment(bad)
    backwards = ArmedDeployment(
        "D2",
        "INC-2",
        "ARV-1",
        "North",
        MON,
        dispatched_at=MON + timedelta(minutes=5),
        en_route_at=MON + timedelta(minutes=3),
    )
    with pytest.raises(InputError, match=r"en_route_at .* is before dispatched_at"):
        validate_deployment(backwards)
    naive = ArmedDeployment(
        "D3", "INC-3", "ARV-1", "North", MON, arrived_at=datetime(2026, 1, 12, 11)
    )
    with pytest.raises(InputError, match=r"arrived_at has no time zone"):
        validate_deployment(naive)


def test_group_statistics_match_hand_computed_values() -> None:
    keys = np.array([0, 0, 0, 0, 1, 1], dtype=np.int64)
    minutes = np.array([10.0, 30.0, 20.0, 40.0, 5.0, 7.0])
    within = minutes <= 20
    a, b = grouped(keys, minutes, within, ["A", "B"])
    # A sorted: 10 20 30 40 -> median (20+30)/2 = 25; p90 pos 2.7 -> 30 + 0.7*10 = 37
    assert (a.key, a.count, a.mean, a.median, a.within) == ("A", 4, 25.0, 25.0, 2)
    assert a.p90 == pytest.approx(37.0)
    # B: 5 7 -> median 6; p90 pos 0.9 -> 5 + 0.9*2 = 6.8
    assert (b.median, b.mean, b.within) == (6.0, 6.0, 2)
    assert b.p90 == pytest.approx(6.8)
    assert a.p90 == pytest.approx(np.percentile([10, 20, 30, 40], 90))


def test_local_hour_and_weekday_follow_uk_summer_time() -> None:
    # 23:30 UTC on Sunday 14 June 2026 is 00:30 BST on Monday 15 June
    call = np.array([datetime(2026, 6, 14, 23, 30, tzinfo=UTC).timestamp(), MON.timestamp()])
    hour, day, month = local_calendar(call, load_policy().timezone)
    assert hour.tolist() == [0, 10]
    assert day.tolist() == [0, 0]  # both Mondays
    assert month.tolist() == [(2026 - 1970) * 12 + 5, (2026 - 1970) * 12]


def test_full_analysis_of_a_small_case(policy) -> None:
    deps = [
        _dep(1, "North", MON, 10),
        _dep(2, "North", MON + timedelta(hours=1), 30),
        _dep(3, "South", MON + timedelta(days=1), 12),
        _dep(4, "South", MON + timedelta(days=1), 14),
        _dep(5, "South", MON + timedelta(days=2), 16),
        _dep(6, "South", MON + timedelta(days=2), 18),
        _dep(7, "South", MON + timedelta(days=3), 20),
        _dep(8, "South", MON + timedelta(days=3), 90),
        _dep(9, "North", MON, None),
    ]
    result = analyse(table_of([validate_deployment(d) for d in deps]), policy)
    assert (result.deployments, result.attended) == (9, 8)
    south = next(s for s in result.by_area if s.key == "South")
    assert (south.count, south.median, south.within) == (6, 17.0, 5)  # 12 14 16 18 20 90
    north = next(s for s in result.by_area if s.key == "North")
    assert (north.count, north.median, north.within) == (2, 20.0, 1)
    # only South has at least min_group_size (5) attended deployments
    assert [s.key for s in result.slowest_areas] == ["South"]
    # all 8: 10 12 14 16 18 20 30 90 -> Q1 13.5, Q3 22.5, fence 22.5 + 1.5*9 = 36
    assert result.outlier_threshold == pytest.approx(36.0)
    assert [(o.deployment_id, o.minutes) for o in result.outliers] == [("D8", 90.0)]
    assert [s.key for s in result.by_day] == ["Mon", "Tue", "Wed", "Thu"]
    assert [s.key for s in result.by_month] == ["2026-01"]
    assert result.stage_medians == {
        "call_to_authorisation": 1.0,
        "call_to_dispatch": 2.0,
        "dispatch_to_arrival": 15.0,
    }
    ratio = attendance_within_expectation(result)
    assert (ratio.numerator, ratio.denominator) == (6, 8)


def test_no_data_gives_no_indicator_and_a_report_that_says_so(policy) -> None:
    result = analyse(table_of([]), policy)
    assert result.overall is None and attendance_within_expectation(result) is None
    report = render(result, policy, MON)
    assert "No attended deployments" in report.html
    assert all(svg.startswith("<svg") for svg in report.charts.values())


def test_the_report_names_the_slowest_areas_and_links_its_charts(policy) -> None:
    deps = [_dep(i, "South", MON + timedelta(hours=i), 10 + i) for i in range(6)]
    report = render(analyse(table_of(deps), policy), policy, MON)
    assert "Slowest areas" in report.html and "<td>South</td>" in report.html
    assert set(report.charts) == {
        "attendance-by-area.svg",
        "attendance-by-hour.svg",
        "attendance-by-day.svg",
        "attendance-by-month.svg",
    }
    assert all(f'src="{name}"' in report.html for name in report.charts)
    assert "UNCONFIRMED" in report.html


def test_utc_offsets_match_the_zone_row_by_row_across_clock_changes() -> None:
    from zoneinfo import ZoneInfo

    from watchkeeper.armed_policing.analysis import utc_offsets

    zone = ZoneInfo("Europe/London")
    rng = np.random.default_rng(7)
    start = datetime(2021, 1, 1, tzinfo=UTC).timestamp()
    instants = np.sort(rng.uniform(start, start + 5 * 365 * 86400, 3000))
    # and the seconds either side of the spring 2024 change (01:00 UTC, 31 March)
    change = datetime(2024, 3, 31, 1, 0, tzinfo=UTC).timestamp()
    instants = np.sort(np.concatenate([instants, [change - 1, change, change + 1]]))
    expected = [
        datetime.fromtimestamp(float(x), UTC).astimezone(zone).utcoffset().total_seconds()
        for x in instants
    ]
    assert utc_offsets(instants, zone).tolist() == expected
