"""MoPI review dates: by group and category, reset by a retain decision, ended by delete."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.information.retention import (
    Decision,
    LastDecision,
    StoredRecord,
    as_instant,
    due_at,
    parse_policy,
    reviews_due,
)
from watchkeeper.kernel.errors import ConfigurationError, InputError

DOC = {
    "groups": {"2": {"review_years": 10}, "3": {"review_years": 6}},
    "record_types": {
        "incident": {
            "table": "incidents", "id_column": "id", "activity_columns": ["closed_at"],
            "group": 3, "category_column": "category", "category_groups": {"domestic-abuse": 2},
        }
    },
}  # fmt: skip
POLICY = parse_policy(DOC)
T0 = datetime(2020, 3, 1, tzinfo=UTC)
YEAR = timedelta(days=365.25)


def test_the_category_chooses_the_group_and_the_group_the_period():
    theft = StoredRecord("incident", "A", T0, "theft")
    abuse = StoredRecord("incident", "B", T0, "domestic-abuse")
    assert due_at(POLICY, theft, None) == T0 + 6 * YEAR
    assert due_at(POLICY, abuse, None) == T0 + 10 * YEAR


def test_a_retain_decision_starts_a_new_period_and_a_delete_ends_the_reviews():
    record = StoredRecord("incident", "A", T0, "theft")
    retained = LastDecision(Decision.RETAIN, T0 + 7 * YEAR)
    assert due_at(POLICY, record, retained) == T0 + 13 * YEAR
    assert due_at(POLICY, record, LastDecision(Decision.DELETE, T0 + 7 * YEAR)) is None


def test_reviews_due_lists_only_what_is_due_longest_overdue_first():
    records = [
        StoredRecord("incident", "late", T0, "theft"),
        StoredRecord("incident", "later", T0 + YEAR, "theft"),
        StoredRecord("incident", "not-yet", T0, "domestic-abuse"),
    ]
    due = reviews_due(POLICY, records, {}, T0 + 8 * YEAR)
    assert [d.record_id for d in due] == ["late", "later"]


@given(st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40))
def test_later_activity_never_brings_a_review_forward(a, b):
    early = StoredRecord("incident", "X", T0 + timedelta(days=min(a, b) * 30), "theft")
    late = StoredRecord("incident", "X", T0 + timedelta(days=max(a, b) * 30), "theft")
    assert due_at(POLICY, early, None) <= due_at(POLICY, late, None)


def test_bad_configuration_and_unknown_record_types_are_named():
    with pytest.raises(ConfigurationError, match=r"groups \[3\] are not defined"):
        parse_policy({"groups": {"2": {"review_years": 1}}, "record_types": DOC["record_types"]})
    with pytest.raises(ConfigurationError, match="missing or invalid"):
        parse_policy({"groups": {}})
    with pytest.raises(InputError, match="unknown record type 'car'"):
        POLICY.record_type("car")


def test_a_date_column_counts_from_the_start_of_its_day():
    assert as_instant(date(2021, 5, 4)) == datetime(2021, 5, 4, tzinfo=UTC)
