"""The duty plan: every kind timed and cited; bad values refused naming the key."""

from __future__ import annotations

from datetime import timedelta

import pytest

from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.safeguarding.duty_plan import DutyKind, default_duty_plan, parse_duty_plan
from watchkeeper.safeguarding.policy import bundled_document


def test_the_bundled_plan_times_every_kind_and_cites_a_source():
    plan = default_duty_plan()

    assert plan.due_after(DutyKind.DASH_SIGN_OFF) == timedelta(hours=24)
    assert plan.escalate_after(DutyKind.MISSING_REVIEW) == timedelta(hours=1)
    assert all(t.source.source for t in plan.timings.values())


def test_kinds_timed_by_rules_have_no_due_interval_of_their_own():
    with pytest.raises(ConfigurationError, match=r"supervisory-review\.due_hours"):
        default_duty_plan().due_after(DutyKind.MISSING_REVIEW)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dash-sign-off": {"due_hours": 24, "escalate_after_hours": 4}}, "dash-sign-off.source"),
        ({"rso-visit": {"escalate_after_hours": 0, "source": "x"}}, "rso-visit.escalate_after_hours"),
        ({"marac-referral": {"due_hours": "soon", "escalate_after_hours": 1, "source": "x"}},
         "marac-referral.due_hours"),
    ],
)  # fmt: skip
def test_bad_plans_are_refused_naming_the_key(change, message):
    doc = bundled_document("duties-default.toml") | change

    with pytest.raises(ConfigurationError, match=message):
        parse_duty_plan(doc)


def test_a_missing_kind_is_refused():
    doc = bundled_document("duties-default.toml")
    del doc["rso-notification"]

    with pytest.raises(ConfigurationError, match="missing table 'rso-notification'"):
        parse_duty_plan(doc)
