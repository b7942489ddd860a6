"""The simulator replays the store's own demand through the audited, role-checked service.

A small export in the San Luis Obispo format is imported with the real importer; the
service reads the window's incidents as an analyst (audited), builds a trace that carries
no personal data, and refuses a dispatcher (audited, nothing read).
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from functools import partial

import numpy as np
import pytest
import sqlalchemy as sa

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.dispatch.config import bundled_dispatch_document, parse_dispatch_config
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import InputError, PermissionDenied
from watchkeeper.persistence import schema
from watchkeeper.persistence.cad_import.service import ImportRequest
from watchkeeper.persistence.simulation_demand import SqlLoggedIncidents
from watchkeeper.persistence.tables import audit_log
from watchkeeper.persistence.uow import SqlUnitOfWork
from watchkeeper.settings import Settings
from watchkeeper.simulation.demand import StoreDemand
from watchkeeper.simulation.engine import simulate
from watchkeeper.simulation.roster import UnitGroup
from watchkeeper.simulation.scenario import Scenario, TraceSource
from watchkeeper.simulation.trace import Trace

ANALYST = Actor("ana", Role.ANALYST, "cli")
SUPERVISOR = Actor("sup", Role.SUPERVISOR, "cli")
DISPATCHER = Actor("disp", Role.DISPATCHER, "cli")
START = datetime(2022, 1, 1, 8, 0, tzinfo=UTC)  # midnight in San Luis Obispo

HEADER = (
    "case_number,date,received,dispatched,arrived,cleared,type,grid_location,location,"
    "address,observed_crime,responsible_officer,units,description,call_comments,clearance_code"
)
# Made-up rows in the export's format; the names and comments are what must not leak.
ROWS = (
    '220101001,01/01/22,00:10,00:14,00:19,,Assault,PN5,"J-09, San Luis Obi",1 ZEBRA WAY;,'
    '"Assault, Simple","Quasimodo, Q","4261,4258",(MDC) Completed call,CALLER PERSEPHONE,Report',
    '220101002,01/01/22,01:00,01:02,01:10,,Domestic Viol,PN2,"A-01, San Luis Obi",2 ZEBRA WAY;,'
    '"Domestic",Xanthippe X,"4249",(MDC) Completed call,VICTIM MELPOMENE,Report',
    '220101003,01/01/22,02:30,02:31,02:40,,Welfare Check,PN8,"F-14, San Luis O",3 ZEBRA WAY;,'
    'Welfare Check,"Amaryllis, A","4257",(MDC) Completed call,NEIGHBOUR CALLIOPE,No Report',
    '220101004,01/01/22,03:00,,,,Parking Problem,PN8,"F-14, San Luis O",4 ZEBRA WAY;,'
    ',"Amaryllis, A","4257",Completed call,,No Report',
    '220102001,01/02/22,09:00,09:05,09:20,,Weapon Offense,PN10,"G-02, San Luis O",5 ZEBRA WAY;,'
    'Weapon,"Quasimodo, Q","4261",(MDC) Completed call,CALLER THALIA,Report',
    '220110001,01/10/22,09:00,09:05,09:20,,Assault,PN5,"J-09, San Luis Obi",6 ZEBRA WAY;,'
    '"Assault",Quasimodo Q,"4261",(MDC) Completed call,LATER URANIA,Report',
)
SECRETS = ("ZEBRA", "QUASIMODO", "XANTHIPPE", "AMARYLLIS", "PERSEPHONE", "MELPOMENE", "CALLIOPE")


class FastHasher:
    def hash(self, password):
        return f"fake${password}"

    def verify(self, password_hash, password):
        return password_hash == f"fake${password}"


@pytest.fixture
def application(database_url, tmp_path):
    schema.upgrade(database_url)
    settings = Settings(
        database_url=database_url,
        force_profile_path=None,
        audit_key_file=tmp_path / "audit.key",
        audit_head_file=tmp_path / "audit.head",
    )
    app = build(settings, FixedClock(datetime(2026, 3, 1, tzinfo=UTC)), hasher=FastHasher())
    export = tmp_path / "SLOPD_report_2022-01.csv"
    export.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("utf-8"))
    summary = app.imports.run(
        SUPERVISOR, ImportRequest("san-luis-obispo", [export], tmp_path / "rejects")
    )
    assert summary.imported == len(ROWS)
    yield app
    app.close()


def scenario(hours: float = 7 * 24.0, units: tuple[UnitGroup, ...] | None = None) -> Scenario:
    return Scenario(
        name="store week",
        policies=("status-quo", "watchkeeper"),
        replications=1,
        seed=3,
        trace=TraceSource("store", START, hours, 1.0),
        units=units
        or (
            UnitGroup("central", 2, ("response",)),
            UnitGroup("north", 1, ("response", "double-crewed")),
            UnitGroup("east", 1, ("response", "arv"), crew=2),
        ),
        targets={},
        sim={},
    )


def _audit(app, action):
    with app.engine.connect() as connection:
        rows = connection.execute(
            sa.select(audit_log).where(audit_log.c.action == action).order_by(audit_log.c.seq)
        ).all()
    return rows


def test_an_analyst_replays_the_window_and_the_read_is_audited(application):
    inputs = application.simulation_demand().scenario_inputs(ANALYST, scenario())
    trace = inputs.trace
    # Window: the first week. Five rows in it; parking is resolution without deployment; the
    # row of 10 January is outside.
    assert len(trace) == 3 + 1 and inputs.skipped == {"resolution without deployment": 1}
    assert (np.diff(trace.received) >= 0).all()
    assert trace.received[0] == pytest.approx(10.0)  # 00:10 local = 08:10 UTC
    da = trace.categories.index("domestic-abuse")
    weapons = trace.categories.index("weapons")
    by_category = dict(zip(trace.category.tolist(), trace.crew.tolist(), strict=True))
    assert by_category[da] == 2 and by_category[weapons] == 2  # crewing rules
    assert trace.vulnerable[trace.category == da].all()
    rows = _audit(application, "simulation.replay")
    assert [(r.username, r.outcome, r.record_type) for r in rows] == [
        ("ana", "ok", "incident-window")
    ]
    assert rows[0].record_id == f"{START.isoformat()}..{(START + timedelta(days=7)).isoformat()}"
    assert rows[0].reason.startswith("5 incidents read")
    result = simulate(trace, inputs.roster, "watchkeeper", seed=1, config=inputs.config)
    assert np.isfinite(result.dispatched).all()
    assert (result.officers_sent(inputs.roster.officers) >= trace.crew).all()


def test_the_trace_holds_no_personal_data(application):
    inputs = application.simulation_demand().scenario_inputs(ANALYST, scenario())
    trace: Trace = inputs.trace
    text = " ".join(
        str(getattr(trace, f.name)) for f in fields(Trace) if f.name != "origin"
    ) + " ".join(inputs.roster.call_signs + inputs.roster.areas)
    assert not [s for s in SECRETS if s in text.upper()]
    for f in fields(Trace):
        value = getattr(trace, f.name)
        if isinstance(value, np.ndarray):
            assert value.dtype.kind in "biuf", f.name  # numbers and flags only
    assert set(trace.areas) <= {"north", "south", "east", "west", "central"}


def test_a_dispatcher_is_refused_audited_and_nothing_is_read(application):
    reads = []
    store = SqlLoggedIncidents(application.engine)

    def counting(start, end):
        reads.append((start, end))
        return store(start, end)

    spied = StoreDemand(
        counting,
        application.clock,
        (application.profile, parse_dispatch_config(bundled_dispatch_document())),
        partial(SqlUnitOfWork, application.engine, application.signer, immediate=True),
    )
    with pytest.raises(PermissionDenied, match="may not simulation replay"):
        spied.scenario_inputs(DISPATCHER, scenario())
    assert reads == []
    rows = _audit(application, "simulation.replay")
    assert [(r.username, r.outcome) for r in rows] == [("disp", "refused")]
    spied.scenario_inputs(SUPERVISOR, scenario())  # a supervisor may
    assert len(reads) == 1


def test_an_empty_window_or_a_roster_that_does_not_fit_is_refused_by_field(application):
    demand = application.simulation_demand()
    empty = replace(scenario(), trace=TraceSource("store", START + timedelta(days=60), 24.0, 1.0))
    with pytest.raises(InputError, match=r"no incidents were logged in .*trace.start"):
        demand.scenario_inputs(ANALYST, empty)
    singles = scenario(units=(UnitGroup("central", 1, ("response", "arv")),))
    with pytest.raises(InputError, match=r"'roster.units' carries 1 officer"):
        demand.scenario_inputs(ANALYST, singles)
    nowhere = scenario(units=(UnitGroup("atlantis", 3, ("response", "arv")),))
    with pytest.raises(InputError, match=r"roster.units\[0\].area 'atlantis' has no known centre"):
        demand.scenario_inputs(ANALYST, nowhere)
