from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from watchkeeper.duties.clocks import (
    DutyAlertKind,
    is_overdue,
    my_work,
    overdue_for_supervisor,
    owner_alerts,
)
from watchkeeper.duties.lifecycle import acknowledge, complete, create_duty
from watchkeeper.duties.model import Duty

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
DUE = T0 + timedelta(hours=72)  # e.g. a return-home interview within 72 hours


def _duty(duty_id: str = "D1", owner: str = "pc.ames", due: datetime = DUE) -> Duty:
    return create_duty(duty_id, "return-home-interview", "EP-7", owner=owner, supervisor="sgt.bell",
                       due_at=due, escalate_after=timedelta(hours=4), at=T0, by="system")  # fmt: skip


def test_a_duty_is_overdue_only_after_its_due_time() -> None:
    assert not is_overdue(_duty(), DUE)
    assert is_overdue(_duty(), DUE + timedelta(seconds=1))


def test_due_times_in_another_zone_are_compared_as_instants() -> None:
    bst = timezone(timedelta(hours=1))
    duty = _duty(due=datetime(2026, 7, 1, 10, 0, tzinfo=bst))
    assert not is_overdue(duty, datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    assert is_overdue(duty, datetime(2026, 7, 1, 9, 1, tzinfo=UTC))


def test_my_work_lists_open_duties_soonest_first_and_drops_done_ones() -> None:
    later, sooner = _duty("D1"), _duty("D2", due=T0 + timedelta(hours=1))
    done = complete(_duty("D3"), by="pc.ames", at=T0)
    other = _duty("D4", owner="pc.cole")
    items = my_work([later, sooner, done, other], "pc.ames", T0 + timedelta(hours=2))
    assert [i.duty.duty_id for i in items] == ["D2", "D1"]
    assert items[0].overdue_by == timedelta(hours=1)
    assert items[1].overdue_by is None


def test_a_new_duty_alerts_its_owner_until_acknowledged() -> None:
    [alert] = owner_alerts([_duty()], "pc.ames", T0)
    assert alert.kind is DutyAlertKind.ASSIGNED
    assert owner_alerts([acknowledge(_duty(), by="pc.ames", at=T0)], "pc.ames", T0) == ()


def test_an_overdue_alert_is_answered_only_by_an_acknowledgement_after_the_due_time() -> None:
    seen_early = acknowledge(_duty(), by="pc.ames", at=T0)
    [alert] = owner_alerts([seen_early], "pc.ames", DUE + timedelta(minutes=5))
    assert alert.kind is DutyAlertKind.OVERDUE and alert.reason == "overdue by 5 min"
    seen_late = acknowledge(seen_early, by="pc.ames", at=DUE + timedelta(minutes=6))
    assert owner_alerts([seen_late], "pc.ames", DUE + timedelta(minutes=7)) == ()


def test_the_supervisor_sees_a_duty_once_it_is_overdue_past_its_escalation_point() -> None:
    duty = acknowledge(_duty(), by="pc.ames", at=DUE + timedelta(minutes=1))
    assert overdue_for_supervisor([duty], "sgt.bell", DUE + timedelta(hours=4)) == ()
    [item] = overdue_for_supervisor([duty], "sgt.bell", DUE + timedelta(hours=4, seconds=1))
    assert item.duty.duty_id == "D1"
    assert overdue_for_supervisor([duty], "insp.cray", DUE + timedelta(hours=5)) == ()


def test_an_alert_long_overdue_counts_days_not_thousands_of_hours() -> None:
    seen_early = acknowledge(_duty(), by="pc.ames", at=T0)
    for late, words in (
        (timedelta(hours=47, minutes=59), "overdue by 47 h 59 min"),
        (timedelta(hours=48), "overdue by 2 days 0 h"),
        (timedelta(days=400, hours=5, minutes=30), "overdue by 400 days 5 h"),
    ):
        [alert] = owner_alerts([seen_early], "pc.ames", DUE + late)
        assert alert.reason == words
