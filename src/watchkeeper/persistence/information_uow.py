"""One transaction for information-management use cases: its connection and its audit."""

from __future__ import annotations

import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner, ChainedAuditLog
from watchkeeper.access.ports import AuditLog
from watchkeeper.persistence.access_store import SqlAuditChainStore
from watchkeeper.persistence.uow import _SqlTransaction


class InformationUnitOfWork(_SqlTransaction):
    """A writer transaction (SQLite's lock taken up front) whose audit row commits with it."""

    _begin_immediate = True

    connection: sa.Connection
    audit: AuditLog

    def __init__(self, engine: sa.Engine, signer: AuditSigner) -> None:
        super().__init__(engine)
        self._signer = signer

    def _bind(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.audit = ChainedAuditLog(SqlAuditChainStore(connection), self._signer)
