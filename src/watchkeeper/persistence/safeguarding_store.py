"""Domestic-abuse cases (with versioned DASH answers and MARAC referrals) and missing episodes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from watchkeeper.kernel.errors import InputError, NotFound
from watchkeeper.persistence.tables_safeguarding import (
    da_cases,
    dash_submissions,
    marac_referrals,
    missing_episodes,
    missing_reviews,
)
from watchkeeper.safeguarding.forms import Answer, DashAnswers
from watchkeeper.safeguarding.missing import (
    MissingEpisode,
    MissingReport,
    MissingRisk,
    SupervisoryReview,
)
from watchkeeper.safeguarding.ports import DaCase, DashSubmission, EpisodeRecord

_CASE_FIELDS = tuple(f.name for f in dataclasses.fields(DaCase))


def _next_seq(connection: sa.Connection, table: sa.Table, key: str, value: str) -> int:
    top = connection.execute(
        sa.select(sa.func.max(table.c.seq)).where(table.c[key] == value)
    ).scalar_one_or_none()
    return (top or 0) + 1


class SqlDomesticAbuseStore:
    """The DomesticAbuseStore port over the unit of work's connection."""

    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add_case(self, case: DaCase) -> None:
        if self._c.execute(sa.select(da_cases.c.case_ref).where(
                da_cases.c.case_ref == case.case_ref)).first():  # fmt: skip
            raise InputError(f"domestic-abuse case {case.case_ref} already exists")
        self._c.execute(sa.insert(da_cases), [dataclasses.asdict(case)])

    def get_case(self, case_ref: str) -> DaCase:
        row = self._c.execute(sa.select(da_cases).where(da_cases.c.case_ref == case_ref)).first()
        if row is None:
            raise NotFound(f"no domestic-abuse case {case_ref}")
        return _case(row)

    def save_case(self, case: DaCase) -> None:
        values = dataclasses.asdict(case)
        del values["case_ref"]
        self._c.execute(
            sa.update(da_cases).where(da_cases.c.case_ref == case.case_ref).values(**values)
        )

    def cases_of_victim(self, victim_ref: str) -> Sequence[DaCase]:
        rows = self._c.execute(
            sa.select(da_cases)
            .where(da_cases.c.victim_ref == victim_ref)
            .order_by(da_cases.c.opened_at)
        )
        return [_case(r) for r in rows]

    def cases_with_status(self, status: str, limit: int) -> tuple[Sequence[DaCase], int]:
        """Up to ``limit`` cases in ``status``, longest open first, and how many there are."""
        where = da_cases.c.status == status
        total = self._c.execute(sa.select(sa.func.count()).select_from(da_cases).where(where))
        rows = self._c.execute(
            sa.select(da_cases).where(where)
            .order_by(da_cases.c.opened_at, da_cases.c.case_ref).limit(limit)
        )  # fmt: skip
        return [_case(r) for r in rows], int(total.scalar_one())

    def cases_for_incident(self, incident_id: str) -> Sequence[DaCase]:
        rows = self._c.execute(
            sa.select(da_cases)
            .where(da_cases.c.incident_id == incident_id)
            .order_by(da_cases.c.case_ref)
        )
        return [_case(r) for r in rows]

    def add_submission(self, submission: DashSubmission) -> None:
        self._c.execute(sa.insert(dash_submissions), [dataclasses.asdict(submission)])

    def submissions(self, case_ref: str) -> Sequence[DashSubmission]:
        rows = self._c.execute(
            sa.select(dash_submissions)
            .where(dash_submissions.c.case_ref == case_ref)
            .order_by(dash_submissions.c.seq)
        )
        return [DashSubmission(**dict(r._mapping)) for r in rows]

    def add_referral(
        self,
        case_ref: str,
        *,
        victim_ref: str,
        referred_on: date,
        criteria: Sequence[str],
        prefill: dict[str, object],
        by: str,
        at: datetime,
    ) -> None:
        seq = _next_seq(self._c, marac_referrals, "case_ref", case_ref)
        self._c.execute(
            sa.insert(marac_referrals),
            [{"case_ref": case_ref, "seq": seq, "victim_ref": victim_ref,
              "referred_on": referred_on, "criteria": list(criteria), "prefill": prefill,
              "referred_by": by, "referred_at": at}],
        )  # fmt: skip


def _case(row: sa.Row[Any]) -> DaCase:
    mapping = row._mapping
    return DaCase(**{name: mapping[name] for name in _CASE_FIELDS})


def _answers_doc(answers: DashAnswers) -> dict[str, Any]:
    return {
        "form_id": answers.form_id,
        "version": answers.version,
        "answers": {k: v.value for k, v in answers.answers.items()},
    }


def _answers(doc: dict[str, Any]) -> DashAnswers:
    return DashAnswers(
        doc["form_id"], doc["version"], {k: Answer(v) for k, v in doc["answers"].items()}
    )


def episode_row(record: EpisodeRecord) -> dict[str, Any]:
    """The ``missing_episodes`` row of an episode (also used by bulk loads)."""
    ep, report = record.episode, record.episode.report
    return {
        "episode_ref": report.episode_ref,
        "person_ref": report.person_ref,
        "address_ref": record.address_ref,
        "incident_id": record.incident_id,
        "reported_at": report.reported_at,
        "date_of_birth": report.date_of_birth,
        "is_child": ep.is_child,
        "looked_after": report.looked_after,
        "markers": sorted(report.markers),
        "initial_risk": report.risk.value,
        "risk": ep.risk.value,
        "call_answers": _answers_doc(report.call_answers),
        "supervisor_rationale": report.supervisor_rationale,
        "found_at": ep.found_at,
        "safe_and_well_at": ep.safe_and_well_at,
        "rhi_offered_at": ep.rhi_offered_at,
        "status": "open" if ep.is_open else "closed",
        "reported_by": record.reported_by,
    }


class SqlMissingStore:
    """The MissingStore port over the unit of work's connection."""

    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add_episode(self, record: EpisodeRecord) -> None:
        if self._c.execute(sa.select(missing_episodes.c.episode_ref).where(
                missing_episodes.c.episode_ref == record.episode_ref)).first():  # fmt: skip
            raise InputError(f"missing episode {record.episode_ref} already exists")
        self._c.execute(sa.insert(missing_episodes), [episode_row(record)])
        self._append_reviews(record, stored=0)

    def _append_reviews(self, record: EpisodeRecord, stored: int) -> None:
        rows = [
            {"episode_ref": record.episode_ref, "seq": i, "at": r.at, "by": r.by,
             "level": r.level.value, "rationale": r.rationale}
            for i, r in enumerate(record.episode.reviews, start=1)
            if i > stored
        ]  # fmt: skip
        if rows:
            self._c.execute(sa.insert(missing_reviews), rows)

    def get_episode(self, episode_ref: str) -> EpisodeRecord:
        row = self._c.execute(
            sa.select(missing_episodes).where(missing_episodes.c.episode_ref == episode_ref)
        ).first()
        if row is None:
            raise NotFound(f"no missing episode {episode_ref}")
        return self._record(row)

    def _record(self, row: sa.Row[Any]) -> EpisodeRecord:
        reviews = tuple(
            SupervisoryReview(r.at, r.by, MissingRisk(r.level), r.rationale)
            for r in self._c.execute(
                sa.select(missing_reviews)
                .where(missing_reviews.c.episode_ref == row.episode_ref)
                .order_by(missing_reviews.c.seq)
            )
        )
        report = MissingReport(
            row.episode_ref, row.person_ref, row.reported_at, row.date_of_birth,
            row.looked_after, frozenset(row.markers), MissingRisk(row.initial_risk),
            _answers(row.call_answers), row.supervisor_rationale,
        )  # fmt: skip
        episode = MissingEpisode(
            report, row.is_child, reviews, row.found_at, row.safe_and_well_at, row.rhi_offered_at
        )
        return EpisodeRecord(episode, row.reported_by, row.address_ref, row.incident_id)

    def save_episode(self, record: EpisodeRecord) -> None:
        values = episode_row(record)
        del values["episode_ref"]
        self._c.execute(
            sa.update(missing_episodes)
            .where(missing_episodes.c.episode_ref == record.episode_ref)
            .values(**values)
        )
        stored = self._c.execute(
            sa.select(sa.func.count()).where(missing_reviews.c.episode_ref == record.episode_ref)
        ).scalar_one()
        self._append_reviews(record, stored)

    def episodes_of(self, person_ref: str) -> Sequence[EpisodeRecord]:
        rows = self._c.execute(
            sa.select(missing_episodes)
            .where(missing_episodes.c.person_ref == person_ref)
            .order_by(missing_episodes.c.reported_at)
        )
        return [self._record(r) for r in rows]

    def episodes_with_status(self, status: str, limit: int) -> tuple[Sequence[EpisodeRecord], int]:
        """Up to ``limit`` episodes in ``status``, reported earliest first, and how many."""
        where = missing_episodes.c.status == status
        total = self._c.execute(
            sa.select(sa.func.count()).select_from(missing_episodes).where(where)
        )
        rows = self._c.execute(
            sa.select(missing_episodes).where(where)
            .order_by(missing_episodes.c.reported_at, missing_episodes.c.episode_ref).limit(limit)
        )  # fmt: skip
        return [self._record(r) for r in rows], int(total.scalar_one())
