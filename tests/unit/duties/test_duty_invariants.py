"""State machine: random create / acknowledge / complete / reassign / cancel / escalate / advance.

Invariants (issue 5, part 5): no open duty lacks an owner or a due time; an overdue open duty
is always on its owner's list and, past its escalation point, on its supervisor's; every
closed duty ends in a completion or a reasoned cancellation; histories only ever grow.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from watchkeeper.duties.clocks import my_work, overdue_for_supervisor
from watchkeeper.duties.escalation import escalations
from watchkeeper.duties.lifecycle import (
    acknowledge,
    cancel,
    complete,
    create_duty,
    reassign,
    record_escalation,
)
from watchkeeper.duties.model import Duty, DutyEventKind, DutyState
from watchkeeper.kernel.errors import DomainRuleViolation

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
OFFICERS = st.sampled_from(["pc.ames", "pc.cole", "pc.dunn"])
SUPERVISORS = st.sampled_from(["sgt.bell", "sgt.frye"])
HOURS = st.integers(min_value=0, max_value=96)


class DutyBoard(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.now = T0
        self.duties: dict[str, Duty] = {}
        self.seen: dict[str, tuple[object, ...]] = {}

    def _open(self) -> list[str]:
        return sorted(k for k, d in self.duties.items() if d.is_open)

    def _put(self, duty: Duty) -> None:
        self.duties[duty.duty_id] = duty

    @rule(owner=OFFICERS, supervisor=SUPERVISORS, due_in=HOURS, grace=st.integers(0, 12))
    def create(self, owner: str, supervisor: str, due_in: int, grace: int) -> None:
        duty_id = f"D{len(self.duties)}"
        self._put(create_duty(duty_id, "rso-visit", "RSO-1", owner=owner, supervisor=supervisor,
                              due_at=self.now + timedelta(hours=due_in),
                              escalate_after=timedelta(hours=grace), at=self.now, by="system"))  # fmt: skip

    @precondition(lambda self: self._open())
    @rule(data=st.data())
    def acknowledge_one(self, data: st.DataObject) -> None:
        duty = self.duties[data.draw(st.sampled_from(self._open()))]
        self._put(acknowledge(duty, by=duty.owner, at=self.now))

    @precondition(lambda self: self._open())
    @rule(data=st.data())
    def complete_one(self, data: st.DataObject) -> None:
        duty = self.duties[data.draw(st.sampled_from(self._open()))]
        self._put(complete(duty, by=duty.owner, at=self.now))

    @precondition(lambda self: self._open())
    @rule(data=st.data(), to=OFFICERS, extend=st.none() | HOURS)
    def reassign_one(self, data: st.DataObject, to: str, extend: int | None) -> None:
        duty = self.duties[data.draw(st.sampled_from(self._open()))]
        due = None if extend is None else self.now + timedelta(hours=extend)
        self._put(reassign(duty, to=to, by="sgt.bell", at=self.now, reason="workload", due_at=due))

    @precondition(lambda self: self._open())
    @rule(data=st.data(), reason=st.sampled_from(["", "  ", "duplicate of D0"]))
    def cancel_one(self, data: st.DataObject, reason: str) -> None:
        duty = self.duties[data.draw(st.sampled_from(self._open()))]
        try:
            self._put(cancel(duty, by="sgt.bell", at=self.now, reason=reason))
        except DomainRuleViolation:
            assert not reason.strip()  # refused only for want of a reason; nothing lost

    @rule()
    def push_escalations(self) -> None:
        for push in escalations(self.duties.values(), self.now):
            self._put(record_escalation(self.duties[push.duty_id], at=self.now))

    @rule(hours=st.integers(min_value=1, max_value=48))
    def advance_clock(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @invariant()
    def open_duties_have_an_owner_and_a_due_time(self) -> None:
        for duty in self.duties.values():
            if duty.is_open:
                assert duty.owner and duty.due_at is not None

    @invariant()
    def overdue_duties_are_never_lost(self) -> None:
        for duty in self.duties.values():
            if duty.is_open and self.now > duty.due_at:
                assert duty.duty_id in {
                    i.duty.duty_id for i in my_work(self.duties.values(), duty.owner, self.now)
                }
            if duty.is_open and self.now - duty.due_at > duty.escalate_after:
                late = overdue_for_supervisor(self.duties.values(), duty.supervisor, self.now)
                assert duty.duty_id in {i.duty.duty_id for i in late}

    @invariant()
    def closed_duties_end_in_a_completion_or_a_reason(self) -> None:
        for duty in self.duties.values():
            if not duty.is_open:
                last = duty.history[-1]
                assert (last.kind, duty.state) in {
                    (DutyEventKind.COMPLETED, DutyState.DONE),
                    (DutyEventKind.CANCELLED, DutyState.CANCELLED),
                }
                assert last.kind is DutyEventKind.COMPLETED or last.reason.strip()

    @invariant()
    def histories_are_append_only(self) -> None:
        for duty_id, duty in self.duties.items():
            before = self.seen.get(duty_id, ())
            assert duty.history[: len(before)] == before
            assert [e.at for e in duty.history] == sorted(e.at for e in duty.history)
            self.seen[duty_id] = duty.history


DutyBoard.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_duties_are_never_lost_under_any_sequence_of_actions = DutyBoard.TestCase
