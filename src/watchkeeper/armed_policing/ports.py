"""Ports the armed-response services need; ``persistence.soc_store`` implements them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from watchkeeper.access.ports import AuditLog
from watchkeeper.armed_policing.analysis import DeploymentTable
from watchkeeper.armed_policing.model import ArmedDeployment
from watchkeeper.incidents.model import Incident


class DeploymentStore(Protocol):
    """Armed deployments (from the incident log and ARV unit data)."""

    def add_many(self, deployments: Sequence[ArmedDeployment]) -> None:
        """Store validated deployments; InputError naming the first id already stored."""

    def table(self, start: datetime | None, end: datetime | None) -> DeploymentTable:
        """Deployments whose call falls in [start, end), as columns (None: unbounded)."""

    def count(self) -> int: ...

    def upsert_derived(self, deployments: Sequence[ArmedDeployment]) -> tuple[int, int, int]:
        """Store deployments derived from the log by their fixed ids: (added, updated, unchanged)."""

    def entered_by_hand(self, incident_refs: Sequence[str]) -> set[str]:
        """Which of these incidents already have a deployment that was not derived from the log."""


class ArmedLog(Protocol):
    """The incident log and unit register as the derivation reads them (times and units only)."""

    def arv_call_signs(self, skill: str) -> frozenset[str]:
        """Call signs of registered units holding the ARV skill."""

    def armed_incidents(
        self, arvs: frozenset[str], start: datetime | None, end: datetime | None
    ) -> list[Incident]:
        """Incidents logged in [start, end) whose log has a firearms authorisation or an entry
        assigning or moving one of ``arvs``, with their whole logs."""


class ArmedUnitOfWork(Protocol):
    """One transaction over armed deployments, recording audit events as it goes."""

    deployments: DeploymentStore
    log: ArmedLog
    audit: AuditLog

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...
