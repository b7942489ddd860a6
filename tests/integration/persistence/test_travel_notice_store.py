"""A foreign-travel notice keeps its plan on each engine (migration 0009); other kinds keep none."""

from __future__ import annotations

from datetime import UTC, date, datetime

from watchkeeper.people.model import Person, PersonName
from watchkeeper.persistence.uow import SqlUnitOfWork
from watchkeeper.safeguarding.offenders import (
    Mappa,
    Notification,
    NotificationKind,
    RsoRisk,
    TravelPlan,
    VisitPlan,
)
from watchkeeper.safeguarding.ports import OffenderRecord

T0 = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)


def test_a_travel_notice_round_trips_with_its_plan(engine):
    trip = TravelPlan(date(2024, 3, 20), date(2024, 3, 27), "Lisbon, Portugal")
    with SqlUnitOfWork(engine) as uow:
        uow.people.add_person(Person("O-1", (PersonName("Rob", "Marsh"),), date(1970, 1, 1)), T0)
        uow.offenders.add_offender(OffenderRecord(
            "RSO-1", "O-1", "ppo", date(2024, 1, 2), RsoRisk.HIGH, Mappa(1, 2),
            VisitPlan(3, "individual risk management plan", "test")))  # fmt: skip
        uow.offenders.add_notification(
            "RSO-1", Notification(NotificationKind.INITIAL, date(2024, 1, 2)), "ppo"
        )
        uow.offenders.add_notification(
            "RSO-1", Notification(NotificationKind.TRAVEL, date(2024, 3, 1), trip), "ppo"
        )
        open_ended = TravelPlan(date(2024, 4, 2), None, "Oslo")
        uow.offenders.add_notification(
            "RSO-1", Notification(NotificationKind.TRAVEL, date(2024, 3, 30), open_ended), "ppo"
        )
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        notes = uow.offenders.get_offender("RSO-1").notifications
    assert notes == (
        Notification(NotificationKind.INITIAL, date(2024, 1, 2)),
        Notification(NotificationKind.TRAVEL, date(2024, 3, 1), trip),
        Notification(NotificationKind.TRAVEL, date(2024, 3, 30), open_ended),
    )
