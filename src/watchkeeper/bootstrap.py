"""The composition root: builds engines, units of work, clocks and services from settings.

Nothing here runs at import time; entry points call :func:`build` once per process.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property, partial
from pathlib import Path

from sqlalchemy.engine import Engine

from watchkeeper.access.accounts import Accounts
from watchkeeper.access.audit import AuditSigner
from watchkeeper.access.audit_files import load_or_create_key
from watchkeeper.access.audit_service import AuditService, AuditTrail
from watchkeeper.access.lockout import LockoutPolicy
from watchkeeper.access.passwords import Argon2PasswordHasher, PasswordHasher
from watchkeeper.access.sessions import SessionPolicy
from watchkeeper.armed_policing.config import load_policy as load_armed_policy
from watchkeeper.armed_policing.services import ArmedResponseAnalysis
from watchkeeper.assessment.findings_service import FindingsRegister
from watchkeeper.assessment.indicators import IndicatorValue
from watchkeeper.dispatch.config import bundled_dispatch_document, parse_dispatch_config
from watchkeeper.dispatch.log_follower import RegisterFollowsLog
from watchkeeper.dispatch.service import DispatchService
from watchkeeper.incidents.backlog_service import BacklogService
from watchkeeper.incidents.policy import ForceProfile
from watchkeeper.incidents.ports import SafeguardingLookup
from watchkeeper.incidents.services import IncidentLog
from watchkeeper.kernel.clock import Clock, SystemClock
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.organised_crime.config import load_policy as load_soc_policy
from watchkeeper.organised_crime.scpo_service import ScpoService
from watchkeeper.organised_crime.services import SocRegister
from watchkeeper.persistence import schema
from watchkeeper.persistence.cad_import.service import CadImports
from watchkeeper.persistence.engine import create_engine_for
from watchkeeper.persistence.entry_sealing import attach_field_keys
from watchkeeper.persistence.field_crypto import FieldKeyring
from watchkeeper.persistence.findings_store import SqlFindingsUnitOfWork
from watchkeeper.persistence.safeguarding_lookup import SqlDashClosureGuard, SqlSafeguardingLookup
from watchkeeper.persistence.simulation_demand import SqlLoggedIncidents
from watchkeeper.persistence.soc_store import SqlArmedUnitOfWork, SqlSocUnitOfWork
from watchkeeper.persistence.uow import SqlImportUnitOfWork, SqlUnitOfWork
from watchkeeper.safeguarding.duty_plan import default_duty_plan
from watchkeeper.safeguarding.forms import bundled_form
from watchkeeper.safeguarding.policy import SafeguardingPolicy
from watchkeeper.safeguarding.policy import default_policy as default_safeguarding_policy
from watchkeeper.safeguarding.services import RegisterContext, Safeguarding
from watchkeeper.settings import Settings, load_force_profile, settings_from_env
from watchkeeper.simulation.demand import StoreDemand


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
    imports: CadImports
    # issue 4: the unit register, recommendations and breach forecasts (wired after the
    # incident and backlog services it calls, so not a constructor argument)
    dispatch: DispatchService = field(init=False)
    # issue 5: the nominal index, safeguarding registers and duties (wired after the rest)
    safeguarding: Safeguarding = field(init=False)

    def uow(self) -> SqlUnitOfWork:
        """A unit of work whose ``audit`` appends to the keyed chain."""
        return SqlUnitOfWork(self.engine, self.signer)

    def import_uow(self) -> SqlImportUnitOfWork:
        """A CAD import unit of work whose ``audit`` appends to the keyed chain."""
        return SqlImportUnitOfWork(self.engine, self.signer)

    def findings_register(self) -> FindingsRegister:
        """The findings register's use cases (issue 7), on this store and audit chain."""
        return FindingsRegister(
            partial(SqlFindingsUnitOfWork, self.engine, self.signer),
            self.clock,
            partial(SqlUnitOfWork, self.engine, self.signer, immediate=True),
        )

    def simulation_demand(self) -> StoreDemand:
        """Issue 4: the store's incidents of a window as simulator demand (role-checked,
        audited; the trace it returns holds no personal data)."""
        return StoreDemand(
            SqlLoggedIncidents(self.engine),
            self.clock,
            (self.profile, parse_dispatch_config(bundled_dispatch_document())),
            partial(SqlUnitOfWork, self.engine, self.signer, immediate=True),
        )

    def indicator_values(
        self, start: datetime, end: datetime, keys: Iterable[str] | None = None
    ) -> dict[str, IndicatorValue]:
        """The indicator suite on the live store for [start, end) (issue 7)."""
        # Imported here: the dataframe layer is heavy and most commands never need it.
        from watchkeeper.analytics.indicator_backends import StoreBackend
        from watchkeeper.analytics.indicator_engine import compute_indicators

        backend = StoreBackend.from_engine(self.engine)
        try:
            return compute_indicators(
                backend, start, end, keys, profile=self.profile, as_of=self.clock.now()
            )
        finally:
            backend.close()

    @cached_property
    def soc(self) -> SocServices:
        """The SOC registers, SCPOs and armed-response analysis (issue 6), built on first use."""
        return _soc_services(self.engine, self.signer, self.clock)

    def close(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True)
class SocServices:
    """Issue 6's use cases: the OCG register and LROs, SCPOs, armed-response analysis."""

    register: SocRegister
    scpo: ScpoService
    armed: ArmedResponseAnalysis


def _soc_services(engine: Engine, signer: AuditSigner, clock: Clock) -> SocServices:
    # A force's own copies: WATCHKEEPER_ORGANISED_CRIME / WATCHKEEPER_ARMED_POLICING (TOML).
    soc_path, armed_path = (os.environ.get(k) for k in ("WATCHKEEPER_ORGANISED_CRIME",
                                                        "WATCHKEEPER_ARMED_POLICING"))  # fmt: skip
    policy = load_soc_policy(Path(soc_path) if soc_path else None)
    soc_uow = partial(SqlSocUnitOfWork, engine, signer)
    writer = partial(SqlUnitOfWork, engine, signer, immediate=True)
    return SocServices(
        SocRegister(soc_uow, clock, policy, writer),
        ScpoService(soc_uow, clock, policy, writer),
        ArmedResponseAnalysis(
            partial(SqlArmedUnitOfWork, engine, signer),
            clock,
            load_armed_policy(Path(armed_path) if armed_path else None),
            writer,
            partial(SqlArmedUnitOfWork, engine, signer, immediate=True),
        ),
    )


# The risk forms the registers accept (resources/safeguarding), by file.
SAFEGUARDING_FORMS = (
    "dash-police-2009.toml",
    "safelives-2015.toml",
    "missing-call-handler-wmp.toml",
)


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

    Reads (or creates, 0600) the audit key file named by the settings; the field key file
    is read (or created) on first use, to seal personal fields of incident log entries.
    """
    settings = settings or settings_from_env()
    clock = clock or SystemClock()
    profile = load_force_profile(settings.force_profile_path)
    signer = AuditSigner(load_or_create_key(settings.audit_key_file))
    engine = create_engine_for(settings.database_url)
    attach_field_keys(engine, FieldKeyring(settings.field_key_file))  # issue 8 part 6
    uow_factory = partial(SqlUnitOfWork, engine, signer)
    # Read-then-write units take SQLite's write lock up front (see SqlUnitOfWork).
    writer_factory = partial(SqlUnitOfWork, engine, signer, immediate=True)
    safeguarding_policy = default_safeguarding_policy()
    lookup = lookup or SqlSafeguardingLookup(engine, safeguarding_policy, clock)  # issue 5
    trail = AuditTrail(writer_factory, clock)
    backlog = BacklogService(uow_factory, clock, profile, lookup, writer_factory)
    application = Application(
        settings=settings,
        engine=engine,
        profile=profile,
        clock=clock,
        incidents=IncidentLog(
            uow_factory,
            clock,
            profile,
            lookup,
            writer_factory,
            closure_guard=SqlDashClosureGuard(engine, safeguarding_policy),
            followers=(RegisterFollowsLog(),),  # issue 4: the unit register follows the log
            committed=backlog.committed,  # the live board catches up before a write replies
        ),
        backlog=backlog,
        accounts=_accounts(
            settings, writer_factory, clock, hasher or Argon2PasswordHasher(), uow_factory
        ),
        audit=AuditService(uow_factory, trail, signer, settings.audit_head_file),
        signer=signer,
        imports=CadImports(
            partial(SqlImportUnitOfWork, engine, signer), clock, profile, writer_factory
        ),
    )
    application.dispatch = DispatchService(
        uow_factory,
        clock,
        profile,
        parse_dispatch_config(bundled_dispatch_document()),
        incidents=application.incidents,
        backlog=application.backlog,
        writer_factory=writer_factory,
    )
    application.safeguarding = _safeguarding(
        writer_factory, clock, safeguarding_policy, trail, lookup
    )
    return application


def _safeguarding(
    uow_factory: partial[SqlUnitOfWork],
    clock: Clock,
    policy: SafeguardingPolicy,
    trail: AuditTrail,
    lookup: SafeguardingLookup,
) -> Safeguarding:
    """The registers of issue 5; their units of work take the write lock up front."""
    forms = {f.form_id: f for f in (bundled_form(name) for name in SAFEGUARDING_FORMS)}
    context = RegisterContext(
        uow_factory, clock, policy, default_duty_plan(), trail, forms, lookup=lookup
    )
    return Safeguarding(context)


def _accounts(
    settings: Settings,
    uow_factory: partial[SqlUnitOfWork],
    clock: Clock,
    hasher: PasswordHasher,
    read_uow_factory: partial[SqlUnitOfWork],
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
    return Accounts(
        uow_factory, clock, hasher, lockout, sessions, read_uow_factory=read_uow_factory
    )
