"""Reactive management with its review triggers, on each engine (issue 5 part 4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.integration.safeguarding.conftest import HANDLER, PPO, audit_actions, person

from watchkeeper.kernel.errors import DomainRuleViolation, PermissionDenied
from watchkeeper.safeguarding.offender_records import NewOffender


def _open(sg, subject):
    with sg.context.uow() as uow:
        return {d.kind: d for d in uow.duties.open_for_subject(subject)}


@pytest.fixture
def reactive(sg):
    """An offender assessed low for four years and moved to reactive management."""
    sg.people.record_person(PPO, person("O-1", "Owen", "Marston", date(1970, 1, 4)))
    sg.offenders.register(
        PPO, NewOffender("RSO-1", "O-1", date(2022, 1, 5), "low", 1, 1, "sgt", "ppo")
    )
    sg.offenders.record_assessment(PPO, "RSO-1", date(2022, 1, 10), "ARMS 2.1", "low")
    sg.offenders.set_reactive(PPO, "RSO-1", True)
    assert "rso-visit" not in _open(sg, "RSO-1")  # no home visits while reactive
    return sg


def test_an_assessment_above_low_triggers_a_review_and_the_offender_returns_to_visits(
    reactive, clock, app
):
    sg = reactive
    sg.offenders.record_assessment(PPO, "RSO-1", date(2026, 3, 1), "ARMS 2.1", "medium")

    review = _open(sg, "RSO-1")["rso-risk-review"]
    assert review.owner == "ppo" and review.supervisor == "sgt"
    assert review.due_at == clock.now() + timedelta(hours=72)
    with pytest.raises(DomainRuleViolation, match="reactive-management"):
        sg.offenders.record_risk_review(PPO, "RSO-1", "remain-reactive", "still fine")
    assert "rso-risk-review" in _open(sg, "RSO-1")  # the refusal changed nothing

    sg.offenders.record_risk_review(PPO, "RSO-1", "return-to-active", "risk has risen")

    file = sg.offenders.show(PPO, "RSO-1").file
    assert not file.offender.reactive
    assert set(_open(sg, "RSO-1")) == {"rso-notification", "rso-visit"}
    assert [(e.kind.value, e.name) for e in file.risk_events] == [
        ("trigger", "risk-assessed-above-low"), ("review", "return-to-active")]  # fmt: skip
    assert ("ppo", "offender.risk-review", "ok") in audit_actions(app)


def test_a_reactive_offender_still_eligible_may_remain_reactive_after_a_review(reactive):
    sg = reactive
    sg.offenders.record_trigger(PPO, "RSO-1", "change-of-circumstances", "moved in with a partner")
    sg.offenders.record_risk_review(PPO, "RSO-1", "remain-reactive", "partner has no children")
    assert sg.offenders.show(PPO, "RSO-1").file.offender.reactive
    assert "rso-risk-review" not in _open(sg, "RSO-1")
    with pytest.raises(DomainRuleViolation, match="no risk review due"):
        sg.offenders.record_risk_review(PPO, "RSO-1", "remain-reactive", "again")


def test_the_control_room_may_neither_record_a_trigger_nor_a_review(reactive):
    with pytest.raises(PermissionDenied):
        reactive.offenders.record_trigger(HANDLER, "RSO-1", "arrest", "arrested")
    assert "rso-risk-review" not in _open(reactive, "RSO-1")
