"""Ports the organised-crime services need; ``persistence.soc_store`` implements them.

Every store works inside a unit of work's transaction; only the use case commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from watchkeeper.access.ports import AuditLog
from watchkeeper.organised_crime.groups import OrganisedCrimeGroup
from watchkeeper.organised_crime.plans import FourPPlan
from watchkeeper.organised_crime.scpo import Consideration, ScpoOrder
from watchkeeper.people.model import Person


class GroupStore(Protocol):
    """The OCG register, one aggregate per group, versioned for optimistic updates."""

    def add(self, group: OrganisedCrimeGroup) -> None:
        """Store a new group; InputError if its id is taken."""

    def get(self, group_id: str) -> tuple[OrganisedCrimeGroup, int]:
        """The group and its stored version; NotFound if absent."""

    def update(self, group: OrganisedCrimeGroup, expected_version: int) -> None:
        """Replace the group; ConcurrencyConflict if someone changed it since that version."""

    def all(self) -> list[OrganisedCrimeGroup]:
        """Every group, by id."""


class PlanStore(Protocol):
    """4P plans: the latest plan of each group."""

    def put(self, plan: FourPPlan) -> None:
        """Insert or replace the plan (by plan id)."""

    def for_group(self, group_id: str) -> FourPPlan | None:
        """The group's latest plan, if any."""

    def latest_by_group(self) -> dict[str, FourPPlan]:
        """Each group's latest plan, by group id."""


class ScpoStore(Protocol):
    """SCPO considerations and orders."""

    def add_consideration(self, case: Consideration) -> None: ...

    def get_consideration(self, case_id: str) -> Consideration: ...

    def update_consideration(self, case: Consideration) -> None: ...

    def considerations(self) -> list[Consideration]: ...

    def add_order(self, order: ScpoOrder) -> None: ...

    def get_order(self, order_id: str) -> tuple[ScpoOrder, int]: ...

    def update_order(self, order: ScpoOrder, expected_version: int) -> None: ...

    def orders(self) -> list[ScpoOrder]: ...


class NominalFiling(Protocol):
    """The shared nominal index (``people``), as the register files a new member on it."""

    def add_person(self, person: Person, at: datetime) -> None:
        """File a person; InputError if the reference is already on the index."""

    def people_sharing(self, keys: Collection[str]) -> Sequence[Person]:
        """Everyone filed under at least one of the blocking ``keys`` (people.index.key_strings)."""

    def add_suggestion(
        self, left_ref: str, right_ref: str, score: float, reasons: Sequence[str], at: datetime
    ) -> bool:
        """Store a likely-duplicate suggestion between two people."""


class SocUnitOfWork(Protocol):
    """One transaction over the SOC registers, recording audit events as it goes."""

    groups: GroupStore
    plans: PlanStore
    scpo: ScpoStore
    people: NominalFiling  # a new member filed in the same transaction as the membership
    audit: AuditLog

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...
