"""The audited CAD import on each engine: one audit row per committed batch, in its transaction."""

from __future__ import annotations

from dataclasses import astuple
from datetime import UTC, datetime
from functools import partial
from importlib import resources
from pathlib import Path

import pytest
import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner, verify_chain
from watchkeeper.access.model import Actor, Role
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import ConfigurationError, PermissionDenied
from watchkeeper.persistence.cad_import.service import CadImports, ImportRequest
from watchkeeper.persistence.tables import incidents
from watchkeeper.persistence.uow import SqlImportUnitOfWork, SqlUnitOfWork
from watchkeeper.settings import load_force_profile

CLOCK = FixedClock(datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
SIGNER = AuditSigner(b"k" * 32)
ANALYST = Actor("analyst", Role.ANALYST, "cli")

SEATTLE_HEADER = (
    "CAD Event Number,Event Clearance Description,Call Type,Priority,Initial Call Type,"
    "Final Call Type,Original Time Queued,Arrived Time,Precinct,Sector,Beat,Blurred_Longitude,"
    "Blurred_Latitude"
)
SEATTLE_ROW = (  # a real Seattle record (db_call_data_2010-2023.csv), its CAD number varied
    "{ref},REPORT WRITTEN (NO ARREST),911,3,THEFT (DOES NOT INCLUDE SHOPLIFT OR SVCS),"
    "--THEFT - CAR PROWL,02/28/2014 09:14:05 AM,02/28/2014 09:36:59 AM,EAST,CHARLIE,C2,"
    "-122.28798073,47.62983275"
)
# A real San Luis Obispo record (SLOPD_report_2021-10.csv): it names an officer and an address.
SLO_HEADER = (
    "case_number,date,received,dispatched,arrived,cleared,type,grid_location,location,"
    "address,observed_crime,responsible_officer,units,description,call_comments,clearance_code"
)
SLO_ROW = (
    '211001006,10/01/21,00:55,01:40,01:47,,Welfare Check,PN8,"F-14, San Luis O",'
    '1588 MADONNA # 109;,Welfare Check,"Amaya, F","4257,4249",(MDC) Completed call '
    "incid#=211001006 call=8l,SPANISH SPEAKING RP,No Report"
)


def _export(path: Path, header: str, rows: list[str]) -> Path:
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("utf-8"))
    return path


def _seattle(tmp_path: Path, count: int, bad: int = 0) -> Path:
    rows = [SEATTLE_ROW.format(ref=f"2014000063{100 + i}") for i in range(count)]
    rows += ["2014000069999,too,few,fields"] * bad
    return _export(tmp_path / "seattle.csv", SEATTLE_HEADER, rows)


def _service(engine: sa.Engine, import_uow=None) -> CadImports:
    return CadImports(
        import_uow or partial(SqlImportUnitOfWork, engine, SIGNER),
        CLOCK,
        load_force_profile(),
        partial(SqlUnitOfWork, engine, SIGNER, immediate=True),
    )


def _audit_rows(engine: sa.Engine):
    with SqlUnitOfWork(engine) as uow:
        return list(uow.audit_chain.rows())


def _incident_count(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(incidents)).scalar_one()


def _request(path: Path, tmp_path: Path, batch_size: int = 2) -> ImportRequest:
    return ImportRequest("seattle", [path], tmp_path / "rejects", batch_size)


def test_each_committed_batch_appends_one_audit_row_naming_the_run_and_batch(engine, tmp_path):
    summary = _service(engine).run(ANALYST, _request(_seattle(tmp_path, 5), tmp_path))

    rows = _audit_rows(engine)
    assert summary.imported == _incident_count(engine) == 5
    assert [row.event.action for row in rows] == ["import.batch"] * 3
    assert [row.event.record_id for row in rows] == [
        "seattle:20240501T120000Z:batch-1:2014000063100..2014000063101",
        "seattle:20240501T120000Z:batch-2:2014000063102..2014000063103",
        "seattle:20240501T120000Z:batch-3:2014000063104..2014000063104",
    ]
    assert {(r.event.username, r.event.role, r.event.channel) for r in rows} == {
        ("analyst", "analyst", "cli")
    }
    assert {(r.event.record_type, r.event.outcome) for r in rows} == {("import", "ok")}
    with SqlUnitOfWork(engine) as uow:
        assert verify_chain(uow.audit_chain.rows(), SIGNER, uow.audit_chain.head(), None).ok


def test_a_batch_of_only_rejected_rows_is_audited_without_a_reference_span(engine, tmp_path):
    summary = _service(engine).run(ANALYST, _request(_seattle(tmp_path, 2, bad=2), tmp_path))

    assert (summary.imported, summary.rejected) == (2, 2)
    assert [row.event.record_id.rsplit(":", 1)[1] for row in _audit_rows(engine)] == [
        "2014000063100..2014000063101",
        "-",
    ]


def test_a_second_run_that_writes_nothing_is_still_audited_batch_by_batch(engine, tmp_path):
    export = _seattle(tmp_path, 3)
    _service(engine).run(ANALYST, _request(export, tmp_path))

    again = _service(engine).run(ANALYST, _request(export, tmp_path))

    assert (again.imported, again.already_present) == (0, 3)
    assert len(_audit_rows(engine)) == 4  # two batches each run: the store was read


class _FailsOnSecondCommit(SqlImportUnitOfWork):
    """An import batch whose commit fails the second time round (e.g. the database went away)."""

    commits = 0

    def commit(self) -> None:
        type(self).commits += 1
        if type(self).commits == 2:
            raise RuntimeError("connection lost")
        super().commit()


def test_a_batch_that_fails_to_commit_leaves_neither_its_incidents_nor_its_audit_row(
    engine, tmp_path
):
    _FailsOnSecondCommit.commits = 0
    service = _service(engine, partial(_FailsOnSecondCommit, engine, SIGNER))

    with pytest.raises(RuntimeError, match="connection lost"):
        service.run(ANALYST, _request(_seattle(tmp_path, 5), tmp_path))

    assert _incident_count(engine) == 2
    assert [row.event.record_id.split(":")[2] for row in _audit_rows(engine)] == ["batch-1"]


def test_an_actor_without_the_import_permission_is_refused_and_the_refusal_audited(
    engine, tmp_path
):
    handler = Actor("handler", Role.CALL_HANDLER, "cli")

    with pytest.raises(PermissionDenied, match="may not import run"):
        _service(engine).run(handler, _request(_seattle(tmp_path, 2), tmp_path))

    [refused] = _audit_rows(engine)
    assert (refused.event.username, refused.event.action, refused.event.outcome) == (
        "handler",
        "import.run",
        "refused",
    )
    assert (refused.event.record_type, refused.event.record_id) == ("import", "seattle")
    assert _incident_count(engine) == 0
    assert not (tmp_path / "rejects").exists()


def test_a_refused_profile_file_is_audited_by_its_name_not_its_folders(engine, tmp_path):
    profile = tmp_path / "home" / "a.person" / "our-force.toml"
    request = ImportRequest(str(profile), [_seattle(tmp_path, 1)], tmp_path / "rejects")

    with pytest.raises(PermissionDenied):
        _service(engine).run(Actor("ppo", Role.PUBLIC_PROTECTION, "cli"), request)

    [refused] = _audit_rows(engine)
    assert refused.event.record_id == "our-force"


def test_an_unknown_profile_is_refused_after_authorising_and_writes_nothing(engine, tmp_path):
    request = ImportRequest("atlantis", [_seattle(tmp_path, 1)], tmp_path / "rejects")

    with pytest.raises(ConfigurationError, match="atlantis"):
        _service(engine).run(ANALYST, request)

    assert _audit_rows(engine) == [] and _incident_count(engine) == 0


def test_no_audit_field_carries_the_names_or_addresses_in_the_export(engine, tmp_path):
    export = _export(tmp_path / "slo.csv", SLO_HEADER, [SLO_ROW])
    request = ImportRequest("san-luis-obispo", [export], tmp_path / "rejects")

    _service(engine).run(ANALYST, request)

    [row] = _audit_rows(engine)
    text = " ".join(str(value) for value in astuple(row.event))
    assert row.event.record_id.endswith(":batch-1:211001006..211001006")
    for personal in ("Amaya", "MADONNA", "SPANISH", "Welfare"):
        assert personal not in text


def test_a_long_profile_name_and_references_still_fit_the_audit_record_id(engine, tmp_path):
    bundled = resources.files("watchkeeper.resources.profiles").joinpath("seattle.toml")
    profile = tmp_path / f"{'force-' * 12}profile.toml"
    profile.write_text(bundled.read_text(encoding="utf-8"), encoding="utf-8")
    export = _export(tmp_path / "s.csv", SEATTLE_HEADER, [SEATTLE_ROW.format(ref="9" * 90)])
    request = ImportRequest(str(profile), [export], tmp_path / "rejects")

    summary = _service(engine).run(ANALYST, request)

    [row] = _audit_rows(engine)
    assert summary.imported == 1
    assert len(row.event.record_id) <= 128
