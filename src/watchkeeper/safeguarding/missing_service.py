"""Missing-person episodes: report, supervisory reviews, found, safe-and-well check, RHI.

Rules come from ``missing`` (the APP continuum, the child categorisation rule, review and
RHI clocks); intervals from the safeguarding policy. While an episode is open a duty is
always owed: a supervisory review until the person is found, then the safe-and-well check
and, for a child, the return home interview (DfE 2014: offered within 72 hours).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from watchkeeper.access.model import Actor, Permission
from watchkeeper.duties.model import Duty
from watchkeeper.kernel.clock import ensure_utc
from watchkeeper.kernel.errors import InputError
from watchkeeper.safeguarding.duty_plan import DutyKind
from watchkeeper.safeguarding.forms import Question, record_answers
from watchkeeper.safeguarding.missing import (
    MissingEpisode,
    MissingReport,
    MissingRisk,
    SupervisoryReview,
    next_due,
    record_found,
    record_review,
    record_rhi_offered,
    record_safe_and_well,
    report_missing,
    review_due_at,
    timeline,
)
from watchkeeper.safeguarding.ports import EpisodeRecord, SafeguardingUnitOfWork
from watchkeeper.safeguarding.service_core import (
    LIST_LIMIT,
    Assignment,
    DutyLedger,
    Listing,
    RegisterContext,
    current_assignment,
    read_listing,
    record_write,
)

CALL_FORM_ID = "missing-call-handler-wmp"


@dataclass(frozen=True, slots=True)
class NewMissingReport:
    """What the call handler records; ``date_of_birth`` defaults to the nominal's."""

    episode_ref: str
    person_ref: str
    reported_at: datetime
    risk: str  # a MissingRisk value
    call_answers: Mapping[str, str]
    assignment: Assignment
    looked_after: bool = False
    markers: frozenset[str] = field(default_factory=frozenset)
    supervisor_rationale: str | None = None
    date_of_birth: date | None = None
    address_ref: str | None = None
    incident_id: str | None = None


@dataclass(frozen=True, slots=True)
class EpisodeView:
    record: EpisodeRecord
    timeline: tuple[tuple[datetime, str], ...]
    next_due: tuple[str, datetime, bool] | None  # (kind, due at, overdue)
    duties: tuple[Duty, ...]


def _risk(value: str) -> MissingRisk:
    try:
        return MissingRisk(value)
    except ValueError:
        allowed = ", ".join(r.value for r in MissingRisk)
        raise InputError(f"missing-person risk {value!r} is not one of {allowed}") from None


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """One line of the missing-persons list: the episode and its next due action, if any
    (kind, due at, overdue)."""

    record: EpisodeRecord
    due: tuple[str, datetime, bool] | None


class MissingRegister:
    """Use cases of the missing-persons register; see the module docstring for the duties."""

    def __init__(self, ctx: RegisterContext) -> None:
        self._ctx = ctx

    def call_handler_questions(self) -> tuple[Question, ...]:
        """The questions the call handler must ask (form data, no personal data)."""
        return self._ctx.form(CALL_FORM_ID).questions

    def report(self, actor: Actor, request: NewMissingReport) -> EpisodeRecord:
        """Open an episode; refused (naming the rule) by the categorisation rule or a bad DOB."""
        ctx = self._ctx
        ctx.trail.authorise(
            actor, Permission.MISSING_MANAGE, ("missing-episode", request.episode_ref)
        )
        answers = record_answers(ctx.form(CALL_FORM_ID), request.call_answers)
        if ensure_utc(request.reported_at) > ctx.clock.now():
            raise InputError("reported_at is in the future (field: reported_at)")
        now = ctx.clock.now()
        with ctx.uow() as uow:
            person = uow.people.get_person(request.person_ref)
            dob = request.date_of_birth or person.date_of_birth
            if dob is None:
                raise InputError(
                    f"person {request.person_ref} has no date of birth (field: date_of_birth)"
                )
            report = MissingReport(
                request.episode_ref, request.person_ref, request.reported_at, dob,
                request.looked_after, request.markers | person.markers, _risk(request.risk),
                answers, request.supervisor_rationale,
            )  # fmt: skip
            record = EpisodeRecord(report_missing(report, ctx.policy), actor.username,
                                   request.address_ref, request.incident_id)  # fmt: skip
            uow.missing.add_episode(record)
            self._reconcile(uow, record, actor, request.assignment)
            record_write(uow, actor, now, "missing.report", ("missing-episode", record.episode_ref))
            uow.commit()
        return record

    def _reconcile(
        self, uow: SafeguardingUnitOfWork, record: EpisodeRecord, actor: Actor, who: Assignment
    ) -> None:
        episode, policy, ref = record.episode, self._ctx.policy.missing, record.episode_ref
        ledger = DutyLedger(uow, self._ctx, actor)
        if episode.found_at is None:
            ledger.ensure(ref, DutyKind.MISSING_REVIEW, review_due_at(episode, policy), who)
            return
        ledger.withdraw(ref, [DutyKind.MISSING_REVIEW], "person found or returned")
        if episode.safe_and_well_at is None:
            due = episode.found_at + timedelta(hours=policy.safe_and_well_hours)
            ledger.ensure(ref, DutyKind.SAFE_AND_WELL, due, who)
        if episode.is_child and episode.rhi_offered_at is None:
            due = episode.found_at + timedelta(hours=policy.rhi_hours)
            ledger.ensure(ref, DutyKind.RETURN_HOME_INTERVIEW, due, who)

    def _change(
        self,
        actor: Actor,
        episode_ref: str,
        permission: Permission,
        step: tuple[str, DutyKind | None, Callable[[MissingEpisode], MissingEpisode]],
    ) -> EpisodeRecord:
        """Apply one domain step to a stored episode, discharge its duty, reconcile the rest."""
        ctx = self._ctx
        ctx.trail.authorise(actor, permission, ("missing-episode", episode_ref))
        action, kind, apply = step
        now = ctx.clock.now()
        with ctx.uow() as uow:
            record = uow.missing.get_episode(episode_ref)
            record = dataclasses.replace(record, episode=apply(record.episode))
            who = current_assignment(uow, episode_ref, actor)
            uow.missing.save_episode(record)
            if kind is not None:
                DutyLedger(uow, ctx, actor).discharge(episode_ref, [kind], action)
            self._reconcile(uow, record, actor, who)
            record_write(uow, actor, now, f"missing.{action}", ("missing-episode", episode_ref))
            uow.commit()
        return record

    def _when(self, at: datetime | None) -> datetime:
        now = self._ctx.clock.now()
        when = ensure_utc(at) if at is not None else now
        if when > now:
            raise InputError(f"{when.isoformat()} is in the future (field: at)")
        return when

    def record_review(
        self, actor: Actor, episode_ref: str, level: str, rationale: str, at: datetime | None = None
    ) -> EpisodeRecord:
        """A supervisor's review (may re-grade); refused if dated before the episode began."""
        review = SupervisoryReview(self._when(at), actor.username, _risk(level), rationale)
        policy = self._ctx.policy.missing
        step = ("review", DutyKind.MISSING_REVIEW, lambda e: record_review(e, review, policy))
        return self._change(actor, episode_ref, Permission.MISSING_REVIEW, step)

    def record_found(
        self, actor: Actor, episode_ref: str, at: datetime | None = None
    ) -> EpisodeRecord:
        """Found or returned: reviews stop; the safe-and-well check (and RHI) fall due."""
        when = self._when(at)
        # Reviews are withdrawn with the reason (not marked done) by the reconcile step.
        step = ("found", None, lambda e: record_found(e, when))
        return self._change(actor, episode_ref, Permission.MISSING_MANAGE, step)

    def record_safe_and_well(
        self, actor: Actor, episode_ref: str, at: datetime | None = None
    ) -> EpisodeRecord:
        when = self._when(at)
        step = ("safe-and-well", DutyKind.SAFE_AND_WELL, lambda e: record_safe_and_well(e, when))
        return self._change(actor, episode_ref, Permission.MISSING_MANAGE, step)

    def record_rhi_offered(
        self, actor: Actor, episode_ref: str, at: datetime | None = None
    ) -> EpisodeRecord:
        when = self._when(at)
        step = (
            "rhi-offered",
            DutyKind.RETURN_HOME_INTERVIEW,
            lambda e: record_rhi_offered(e, when),
        )
        return self._change(actor, episode_ref, Permission.MISSING_MANAGE, step)

    def list_episodes(
        self, actor: Actor, status: str = "open", limit: int = LIST_LIMIT
    ) -> Listing[EpisodeRow]:
        """The register's episodes in ``status`` (open or closed), reported earliest first,
        each with what is due next and whether it is overdue (an audited read)."""
        ctx = self._ctx
        listing = read_listing(
            ctx,
            actor,
            Permission.SAFEGUARDING_READ,
            "missing",
            status,
            statuses=("open", "closed"),
            read=lambda uow: uow.missing.episodes_with_status(status, limit),
            person_of=lambda record: record.episode.report.person_ref,
        )
        now = ctx.clock.now()
        rows = []
        for record in listing.rows:
            due = next_due(record.episode, now, ctx.policy.missing)
            rows.append(
                EpisodeRow(record, (due.kind.value, due.due_at, due.overdue) if due else None)
            )
        return Listing(tuple(rows), listing.total, listing.names)

    def show(self, actor: Actor, episode_ref: str, reason: str | None = None) -> EpisodeView:
        """The episode, its timeline, what is due next and its duties (audited read)."""
        ctx = self._ctx
        ctx.trail.authorise(actor, Permission.SAFEGUARDING_READ, ("missing-episode", episode_ref))
        with ctx.uow() as uow:
            record = uow.missing.get_episode(episode_ref)
            duties = tuple(uow.duties.history_of(episode_ref))
        due = next_due(record.episode, ctx.clock.now(), ctx.policy.missing)
        view = EpisodeView(record, timeline(record.episode),
                           (due.kind.value, due.due_at, due.overdue) if due else None, duties)  # fmt: skip
        ctx.trail.read(actor, "missing.read", ("missing-episode", episode_ref), reason)
        return view
