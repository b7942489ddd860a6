"""Ports the armed-response services need; ``persistence.soc_store`` implements them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from watchkeeper.access.ports import AuditLog
from watchkeeper.armed_policing.analysis import DeploymentTable
from watchkeeper.armed_policing.model import ArmedDeployment


class DeploymentStore(Protocol):
    """Armed deployments (from the incident log and ARV unit data)."""

    def add_many(self, deployments: Sequence[ArmedDeployment]) -> None:
        """Store validated deployments; InputError naming the first id already stored."""

    def table(self, start: datetime | None, end: datetime | None) -> DeploymentTable:
        """Deployments whose call falls in [start, end), as columns (None: unbounded)."""

    def count(self) -> int: ...


class ArmedUnitOfWork(Protocol):
    """One transaction over armed deployments, recording audit events as it goes."""

    deployments: DeploymentStore
    audit: AuditLog

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...
