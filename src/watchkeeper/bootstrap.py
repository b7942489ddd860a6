"""The composition root: builds engines, units of work, clocks and services from settings.

Nothing here runs at import time; entry points call :func:`build` once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlalchemy.engine import Engine

from watchkeeper.incidents.backlog_service import BacklogService
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.incidents.ports import NothingKnown, SafeguardingLookup
from watchkeeper.incidents.services import IncidentLog
from watchkeeper.kernel.clock import Clock, SystemClock
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

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def import_uow(self) -> SqlImportUnitOfWork:
        return SqlImportUnitOfWork(self.engine)

    def close(self) -> None:
        self.engine.dispose()


def build(
    settings: Settings | None = None,
    clock: Clock | None = None,
    lookup: SafeguardingLookup | None = None,
) -> Application:
    """Wire the application from settings (the environment when None)."""
    settings = settings or settings_from_env()
    clock = clock or SystemClock()
    profile = load_force_profile(settings.force_profile_path)
    engine = create_engine_for(settings.database_url)
    uow_factory = partial(SqlUnitOfWork, engine)
    lookup = lookup or NothingKnown()
    return Application(
        settings=settings,
        engine=engine,
        profile=profile,
        clock=clock,
        incidents=IncidentLog(uow_factory, clock, profile, lookup),
        backlog=BacklogService(uow_factory, clock, profile, lookup),
    )
