from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.kernel.geo import Point, haversine_km
from watchkeeper.kernel.ids import new_incident_id


@given(st.integers(0, 10**6), st.integers(0, 2**40 - 1), st.integers(0, 2**40 - 1))
def test_incident_ids_sort_by_the_time_they_were_logged(seconds: int, a: int, b: int) -> None:
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    earlier = new_incident_id(t0, a)
    later = new_incident_id(t0 + timedelta(seconds=seconds + 1), b)
    assert earlier < later


def test_distance_between_birmingham_and_coventry_is_about_30_km() -> None:
    assert 25 < haversine_km(Point(52.4862, -1.8904), Point(52.4068, -1.5197)) < 30
