"""State machine over the register services (SQLite): no open case without a next due date,
and no duty ever lost — an overdue duty leaves the lists only done, or cancelled or
reassigned with a reason."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from tests.integration.safeguarding.conftest import (
    PPO,
    SUPERVISOR,
    T0,
    FastHasher,
    call_answers,
    dash_answers,
    person,
)

from watchkeeper.bootstrap import build
from watchkeeper.duties.model import DutyEventKind
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import WatchkeeperError
from watchkeeper.persistence import schema
from watchkeeper.safeguarding.da_records import NewDaCase
from watchkeeper.safeguarding.missing_service import NewMissingReport
from watchkeeper.safeguarding.service_core import Assignment
from watchkeeper.settings import Settings

WHO = Assignment("ppo", "sgt")
_TEMPLATE: dict[str, Path] = {}


def _migrated_copy(folder: Path) -> str:
    """A migrated SQLite file, copied from one migrated once per session (migrating is slow)."""
    if "db" not in _TEMPLATE:
        template = Path(tempfile.mkdtemp()) / "template.db"
        schema.upgrade(f"sqlite:///{template}")
        _TEMPLATE["db"] = template
    target = folder / "watchkeeper.db"
    shutil.copy(_TEMPLATE["db"], target)
    return f"sqlite:///{target}"


class Registers(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.clock = FixedClock(T0)
        url = _migrated_copy(self.folder)
        self.app = build(Settings(url, None, audit_key_file=self.folder / "k",
                                  audit_head_file=self.folder / "h"), self.clock,
                         hasher=FastHasher())  # fmt: skip
        self.sg = self.app.safeguarding
        self.cases: list[str] = []
        self.episodes: list[str] = []
        self.seen: set[str] = set()
        self.sg.people.record_person(PPO, person("V", dob=date(1990, 1, 1)))
        self.sg.people.record_person(PPO, person("C", "Cara", "Child", date(2013, 1, 1)))

    def teardown(self) -> None:
        self.app.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _try(self, call, *args, **kwargs) -> None:
        # A refusal must write nothing; the invariants check the state still holds after it.
        with contextlib.suppress(WatchkeeperError):
            call(*args, **kwargs)

    @rule()
    def open_case(self) -> None:
        ref = f"DA-{len(self.cases) + 1}"
        self.sg.domestic_abuse.open_case(PPO, NewDaCase(ref, "V", WHO))
        self.cases.append(ref)

    @precondition(lambda self: self.cases)
    @rule(i=st.integers(0, 50), yes=st.integers(0, 27))
    def submit(self, i: int, yes: int) -> None:
        case = self.cases[i % len(self.cases)]
        self._try(
            self.sg.domestic_abuse.submit_dash, PPO, case, "dash-police-2009", dash_answers(yes)
        )

    @precondition(lambda self: self.cases)
    @rule(i=st.integers(0, 50))
    def sign_off(self, i: int) -> None:
        self._try(self.sg.domestic_abuse.sign_off, SUPERVISOR, self.cases[i % len(self.cases)])

    @precondition(lambda self: self.cases)
    @rule(i=st.integers(0, 50))
    def refer_or_review_or_close(self, i: int) -> None:
        case = self.cases[i % len(self.cases)]
        self._try(self.sg.domestic_abuse.refer_to_marac, PPO, case)
        self._try(self.sg.domestic_abuse.review_case, PPO, case, "reviewed")
        if i % 3 == 0:
            self._try(self.sg.domestic_abuse.close_case, PPO, case, "no further action")

    @rule(risk=st.sampled_from(["low", "medium", "high"]))
    def report_missing(self, risk: str) -> None:
        ref = f"MP-{len(self.episodes) + 1}"
        request = NewMissingReport(ref, "C", self.clock.now(), risk, call_answers(), WHO)
        self.sg.missing.report(PPO, request)
        self.episodes.append(ref)

    @precondition(lambda self: self.episodes)
    @rule(i=st.integers(0, 50), step=st.sampled_from(["review", "found", "sw", "rhi"]))
    def missing_step(self, i: int, step: str) -> None:
        ref, m = self.episodes[i % len(self.episodes)], self.sg.missing
        calls = {
            "review": lambda: m.record_review(SUPERVISOR, ref, "medium", "reviewed"),
            "found": lambda: m.record_found(PPO, ref),
            "sw": lambda: m.record_safe_and_well(PPO, ref),
            "rhi": lambda: m.record_rhi_offered(PPO, ref),
        }
        self._try(calls[step])

    @rule(hours=st.integers(1, 60))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))
        self.sg.duties.escalate_due(SUPERVISOR)

    @rule(i=st.integers(0, 50), reason=st.sampled_from(["", "ppo on leave"]))
    def reassign_something(self, i: int, reason: str) -> None:
        work = self.sg.duties.my_work(PPO)
        if work:
            self._try(
                self.sg.duties.reassign, SUPERVISOR, work[i % len(work)].duty.duty_id, "ppo", reason
            )

    @invariant()
    def every_open_case_has_a_next_due_date(self) -> None:
        with self.sg.context.uow() as uow:
            for ref in self.cases:
                if uow.domestic_abuse.get_case(ref).status == "open":
                    assert uow.duties.open_for_subject(ref), f"open case {ref} has nothing due"
            for ref in self.episodes:
                if uow.missing.get_episode(ref).episode.is_open:
                    assert uow.duties.open_for_subject(ref), f"open episode {ref} has nothing due"

    @invariant()
    def no_duty_is_ever_lost(self) -> None:
        now = self.clock.now()
        with self.sg.context.uow() as uow:
            for subject in [*self.cases, *self.episodes]:
                for duty in uow.duties.history_of(subject):
                    self.seen.add(duty.duty_id)
            for duty_id in self.seen:
                duty = uow.duties.get(duty_id)  # raises NotFound if a duty vanished
                if duty.is_open:
                    if now - duty.due_at > duty.escalate_after:
                        listed = uow.duties.open_for_supervisor(duty.supervisor)
                        assert duty_id in {d.duty_id for d in listed}
                    continue
                last = duty.history[-1]
                assert last.kind in (DutyEventKind.COMPLETED, DutyEventKind.CANCELLED)
                if last.kind is DutyEventKind.CANCELLED:
                    assert last.reason.strip()


TestRegisters = Registers.TestCase
TestRegisters.settings = settings(
    max_examples=12, stateful_step_count=12, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
