"""The composition root: builds engines, units of work, clocks and services from settings.

Nothing here runs at import time; entry points call :func:`build` once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from sqlalchemy.engine import Engine

from watchkeeper.access.accounts import Accounts
from watchkeeper.access.audit import AuditSigner
from watchkeeper.access.audit_files import load_or_create_key
from watchkeeper.access.audit_service import AuditService, AuditTrail
from watchkeeper.access.lockout import LockoutPolicy
from watchkeeper.access.passwords import Argon2PasswordHasher, PasswordHasher
from watchkeeper.access.sessions import SessionPolicy
from watchkeeper.incidents.backlog_service import BacklogService
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.incidents.ports import NothingKnown, SafeguardingLookup
from watchkeeper.incidents.services import IncidentLog
from watchkeeper.incidents.unit_board import UnitBoardService
from watchkeeper.kernel.clock import Clock, SystemClock
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.persistence import schema
from watchkeeper.persistence.cad_import.service import CadImports
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.uow import SqlImportUnitOfWork, SqlUnitOfWork
from watchkeeper.settings import Settings, load_force_profile, settings_from_env


@dataclass
class Application:
    """Everything an entry point needs, wired once."""

    settings: Settings
    engine: Engine
    profile: ForceProfile
    clock: Clock
    incidents: IncidentLog
    backlog: BacklogService
    accounts: Accounts
    audit: AuditService
    signer: AuditSigner
    units: UnitBoardService
    imports: CadImports

    def uow(self) -> SqlUnitOfWork:
        """A unit of work whose ``audit`` appends to the keyed chain."""
        return SqlUnitOfWork(self.engine, self.signer)

    def import_uow(self) -> SqlImportUnitOfWork:
        """A CAD import unit of work whose ``audit`` appends to the keyed chain."""
        return SqlImportUnitOfWork(self.engine, self.signer)

    def close(self) -> None:
        self.engine.dispose()


def check_schema_is_current(database_url: str) -> None:
    """Refuse to work on a database whose schema is not at the latest migration."""
    current, head = schema.current_revision(database_url), schema.head_revision()
    if current != head:
        raise ConfigurationError(
            f"the database is at revision {current or 'empty'}, not {head}: "
            "run 'watchkeeper db upgrade'"
        )


def build(
    settings: Settings | None = None,
    clock: Clock | None = None,
    lookup: SafeguardingLookup | None = None,
    hasher: PasswordHasher | None = None,
) -> Application:
    """Wire the application from settings (the environment when None).

    Reads (or creates, 0600) the audit key file named by the settings.
    """
    settings = settings or settings_from_env()
    clock = clock or SystemClock()
    profile = load_force_profile(settings.force_profile_path)
    signer = AuditSigner(load_or_create_key(settings.audit_key_file))
    engine = create_engine_for(settings.database_url)
    uow_factory = partial(SqlUnitOfWork, engine, signer)
    # Read-then-write units take SQLite's write lock up front (see SqlUnitOfWork).
    writer_factory = partial(SqlUnitOfWork, engine, signer, immediate=True)
    lookup = lookup or NothingKnown()
    trail = AuditTrail(writer_factory, clock)
    return Application(
        settings=settings,
        engine=engine,
        profile=profile,
        clock=clock,
        incidents=IncidentLog(uow_factory, clock, profile, lookup, writer_factory),
        backlog=BacklogService(uow_factory, clock, profile, lookup, writer_factory),
        accounts=_accounts(settings, writer_factory, clock, hasher or Argon2PasswordHasher()),
        audit=AuditService(uow_factory, trail, signer, settings.audit_head_file),
        signer=signer,
        units=UnitBoardService(uow_factory, clock),
        imports=CadImports(
            partial(SqlImportUnitOfWork, engine, signer), clock, profile, writer_factory
        ),
    )


def _accounts(
    settings: Settings,
    uow_factory: partial[SqlUnitOfWork],
    clock: Clock,
    hasher: PasswordHasher,
) -> Accounts:
    lockout = LockoutPolicy(
        max_failures=settings.lockout_failures,
        window=timedelta(minutes=settings.lockout_window_minutes),
        duration=timedelta(minutes=settings.lockout_minutes),
    )
    sessions = SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )
    return Accounts(uow_factory, clock, hasher, lockout, sessions)
