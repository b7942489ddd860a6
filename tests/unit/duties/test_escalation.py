from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watchkeeper.duties.escalation import escalations
from watchkeeper.duties.lifecycle import acknowledge, create_duty, reassign, record_escalation
from watchkeeper.duties.model import Duty

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
DUE = T0 + timedelta(hours=8)
PAST = DUE + timedelta(hours=2, minutes=1)  # beyond the 2-hour escalation point


def _duty() -> Duty:
    return create_duty("D1", "missing-person-review", "EP-3", owner="pc.ames", supervisor="sgt.bell",
                       due_at=DUE, escalate_after=timedelta(hours=2), at=T0, by="system")  # fmt: skip


def test_an_ignored_overdue_duty_is_pushed_to_the_supervisor() -> None:
    [push] = escalations([_duty()], PAST)
    assert (push.duty_id, push.to, push.owner) == ("D1", "sgt.bell", "pc.ames")
    assert push.overdue_by == timedelta(hours=2, minutes=1)


def test_nothing_is_pushed_until_the_escalation_point_has_passed() -> None:
    assert escalations([_duty()], DUE + timedelta(hours=2)) == ()


def test_an_acknowledged_overdue_duty_is_not_pushed() -> None:
    seen = acknowledge(_duty(), by="pc.ames", at=DUE + timedelta(minutes=30))
    assert escalations([seen], PAST) == ()


def test_an_escalation_is_pushed_once_and_again_after_a_reassignment_is_ignored() -> None:
    pushed = record_escalation(_duty(), at=PAST)
    assert escalations([pushed], PAST + timedelta(hours=1)) == ()
    moved = reassign(
        pushed, to="pc.cole", by="sgt.bell", at=PAST + timedelta(hours=1), reason="ames off sick"
    )
    [push] = escalations([moved], PAST + timedelta(hours=2))
    assert push.owner == "pc.cole"
