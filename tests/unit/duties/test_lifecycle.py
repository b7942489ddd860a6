from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.duties.lifecycle import acknowledge, cancel, complete, create_duty, reassign
from watchkeeper.duties.model import Duty, DutyEventKind, DutyState
from watchkeeper.kernel.errors import DomainRuleViolation, InputError

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _duty() -> Duty:
    return create_duty(
        "D1", "dash-sign-off", "INC-1", owner="pc.ames", supervisor="sgt.bell",
        due_at=T0 + timedelta(hours=24), escalate_after=timedelta(hours=2), at=T0, by="system",
    )  # fmt: skip


def test_a_new_duty_is_open_with_a_created_event() -> None:
    duty = _duty()
    assert duty.state is DutyState.OPEN
    assert [e.kind for e in duty.history] == [DutyEventKind.CREATED]


def test_completing_a_duty_closes_it_and_it_cannot_be_completed_again() -> None:
    done = complete(_duty(), by="pc.ames", at=T0 + timedelta(hours=1))
    assert done.state is DutyState.DONE
    with pytest.raises(DomainRuleViolation, match="done"):
        complete(done, by="pc.ames", at=T0 + timedelta(hours=2))


def test_cancelling_or_reassigning_without_a_reason_is_refused() -> None:
    with pytest.raises(DomainRuleViolation, match="reason"):
        cancel(_duty(), by="sgt.bell", at=T0, reason=" ")
    with pytest.raises(DomainRuleViolation, match="reason"):
        reassign(_duty(), to="pc.cole", by="sgt.bell", at=T0, reason="")


def test_a_reassigned_duty_stays_open_with_its_history_and_a_new_owner() -> None:
    moved = reassign(_duty(), to="pc.cole", by="sgt.bell", at=T0 + timedelta(hours=1),
                     reason="pc.ames on leave", due_at=T0 + timedelta(hours=30))  # fmt: skip
    assert moved.is_open and moved.state is DutyState.REASSIGNED
    assert (moved.owner, moved.due_at) == ("pc.cole", T0 + timedelta(hours=30))
    assert moved.history[0] == _duty().history[0]
    assert moved.history[-1].reason == "pc.ames on leave"


def test_only_the_owner_can_acknowledge() -> None:
    with pytest.raises(DomainRuleViolation, match="owner"):
        acknowledge(_duty(), by="pc.cole", at=T0)
    assert acknowledge(_duty(), by="pc.ames", at=T0).acknowledged_at(since=T0) == T0


def test_an_event_dated_before_the_last_one_is_refused() -> None:
    with pytest.raises(DomainRuleViolation, match="before its last event"):
        complete(_duty(), by="pc.ames", at=T0 - timedelta(minutes=1))


def test_a_duty_needs_an_owner_and_a_supervisor_and_an_aware_due_time() -> None:
    with pytest.raises(InputError, match="owner"):
        create_duty("D1", "rhi", "EP-1", owner=" ", supervisor="sgt.bell", due_at=T0,
                    escalate_after=timedelta(0), at=T0, by="system")  # fmt: skip
    with pytest.raises(ValueError, match="naive"):
        create_duty("D1", "rhi", "EP-1", owner="pc.ames", supervisor="sgt.bell",
                    due_at=datetime(2026, 11, 22), escalate_after=timedelta(0), at=T0, by="system")  # fmt: skip
