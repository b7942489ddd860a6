"""Backup and restore (issue 8 part 4): every engine pair, verified, and what is refused."""

from __future__ import annotations

import io
import json
import os
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.cli.demo_commands import seed_demo_accounts
from watchkeeper.incidents.entries import CallSource, ContactMade, Location, ResourceAssigned
from watchkeeper.incidents.services import NewIncident
from watchkeeper.kernel.clock import SystemClock
from watchkeeper.kernel.errors import ConcurrencyConflict, InputError, PermissionDenied
from watchkeeper.persistence import backup, schema
from watchkeeper.persistence.backup_service import Backups
from watchkeeper.persistence.tables import incident_entries, incidents
from watchkeeper.settings import Settings

ADMIN = Actor("admin", Role.ADMINISTRATOR, "cli")


class FastHasher:
    def hash(self, password: str) -> str:
        return f"fast${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"fast${password}"


def _app(url: str, folder: Path):
    schema.upgrade(url)
    settings = Settings(
        database_url=url,
        force_profile_path=None,
        audit_key_file=folder / "audit.key",  # one key for source and target: kept apart
        audit_head_file=folder / f"audit-{uuid.uuid4().hex[:6]}.head",
    )
    return build(settings, SystemClock(), hasher=FastHasher())


def _fill(app, incidents_wanted: int = 12) -> None:
    seed_demo_accounts(app)
    handler = app.accounts.operator("handler")
    dispatcher = app.accounts.operator("dispatcher")
    for n in range(incidents_wanted):
        request = NewIncident(
            CallSource.EMERGENCY_999, Location(f"{n} Backup Road", "north"),
            "concern-for-welfare", "P1", summary=f"caller worried — café nº{n}",
        )  # fmt: skip
        incident_id = app.incidents.log_incident(handler, request)
        app.incidents.record(handler, incident_id, ContactMade("spoke to caller"))
        app.incidents.record(dispatcher, incident_id, ResourceAssigned(f"unit-{n}", "near"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def target_url(request, tmp_path):
    """A second, empty database on either engine (the restore target)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    admin_url = os.environ.get("WATCHKEEPER_TEST_POSTGRES_URL")
    if not admin_url:
        pytest.skip("PostgreSQL not configured: set WATCHKEEPER_TEST_POSTGRES_URL")
    name = f"wk_restore_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def test_a_backup_restores_into_a_fresh_database_on_either_engine_and_verifies(
    database_url, target_url, tmp_path
):
    source = _app(database_url, tmp_path)
    _fill(source)
    archive = tmp_path / "backup.tar.gz"
    manifest = Backups(source.engine, source.signer, source.clock).back_up(ADMIN, archive)
    assert manifest.tables["incidents"].rows == 12
    assert manifest.tables["incident_entries"].rows == 12 * 4
    source_counts = backup.row_counts(source.engine)
    source.close()

    target = _app(target_url, tmp_path)
    report = Backups(target.engine, target.signer, target.clock).restore("ops", archive, True)
    assert report.ok, report.problems
    assert report.chain is not None
    assert report.chain.checked == manifest.tables["audit_log"].rows
    counts = backup.row_counts(target.engine)
    assert counts["audit_log"] == source_counts["audit_log"] + 1  # + the restore's own row
    assert {k: v for k, v in counts.items() if k not in ("audit_log", "audit_chain_head")} == {
        k: v for k, v in source_counts.items() if k not in ("audit_log", "audit_chain_head")
    }
    # The restored store works: read, write, and the chain still verifies afterwards.
    handler = target.accounts.operator("handler")
    with target.engine.connect() as conn:
        some_id = conn.execute(sa.select(incidents.c.id).limit(1)).scalar_one()
    assert target.incidents.show(handler, some_id).state.opened.summary.startswith("caller")
    target.incidents.record(handler, some_id, ContactMade("after the restore"))
    auditor = target.accounts.operator("auditor")
    assert target.audit.verify(auditor).ok
    target.close()


def test_a_restore_into_a_database_that_holds_data_is_refused(database_url, tmp_path):
    app = _app(database_url, tmp_path)
    _fill(app, 2)
    archive = tmp_path / "backup.tar.gz"
    service = Backups(app.engine, app.signer, app.clock)
    service.back_up(ADMIN, archive)
    before = backup.row_counts(app.engine)
    with pytest.raises(InputError, match="not empty"):
        service.restore("ops", archive, True)
    assert backup.row_counts(app.engine) == before
    app.close()


def test_backing_up_needs_the_backup_permission_and_is_audited(tmp_path):
    app = _app(f"sqlite:///{tmp_path / 'w.db'}", tmp_path)
    _fill(app, 1)
    service = Backups(app.engine, app.signer, app.clock)
    with pytest.raises(PermissionDenied):
        service.back_up(Actor("dispatcher", Role.DISPATCHER, "cli"), tmp_path / "b.tar.gz")
    assert not (tmp_path / "b.tar.gz").exists()
    service.back_up(ADMIN, tmp_path / "b.tar.gz")
    with pytest.raises(InputError, match="already exists"):
        service.back_up(ADMIN, tmp_path / "b.tar.gz")
    with app.engine.connect() as conn:
        actions = [r.action for r in conn.execute(sa.text("SELECT action FROM audit_log"))]
    assert actions[-2:] == ["data.backup", "data.backup"]  # the refusal, then the backup
    app.close()


def test_a_backup_taken_while_writers_serve_is_one_consistent_moment(database_url, tmp_path):
    app = _app(database_url, tmp_path)
    _fill(app, 3)
    handler = app.accounts.operator("handler")
    with app.engine.connect() as conn:
        ids = [r.id for r in conn.execute(sa.select(incidents.c.id))]
    stop = threading.Event()
    conflicts: list[int] = []
    written: list[int] = []

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            try:
                app.incidents.record(handler, ids[n % len(ids)], ContactMade(f"call {n}"))
            except ConcurrencyConflict:
                conflicts.append(n)  # told, nothing saved: allowed under contention
            n += 1
        written.append(n)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        archives = [tmp_path / f"live-{k}.tar.gz" for k in range(3)]
        for archive in archives:
            Backups(app.engine, app.signer, app.clock).back_up(ADMIN, archive)
    finally:
        stop.set()
        writer.join()
    assert written[0] > len(conflicts)  # the writer kept writing through the backups
    for k, archive in enumerate(archives):
        target = _app(f"sqlite:///{tmp_path / f'live-{k}.db'}", tmp_path)
        report = Backups(target.engine, target.signer, target.clock).restore("ops", archive, True)
        assert report.ok, report.problems  # the audit rows match the log they describe
        with target.engine.connect() as conn:
            versions = dict(conn.execute(sa.select(incidents.c.id, incidents.c.version)).all())
            entries = dict(
                conn.execute(
                    sa.select(incident_entries.c.incident_id, sa.func.count()).group_by(
                        incident_entries.c.incident_id
                    )
                ).all()
            )
        assert versions == entries  # no incident caught half-way through a write
        target.close()
    app.close()


def _archive_with(path: Path, members: dict[str, bytes], link: str | None = None) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            archive.addfile(info)
    return path


@pytest.mark.parametrize(
    "name", ["../escape.jsonl", "/etc/cron.d/x", "tables/../../x.jsonl", "tables/sub/x.jsonl"]
)
def test_an_archive_member_that_climbs_out_is_refused_by_name(tmp_path, name):
    app = _app(f"sqlite:///{tmp_path / 'w.db'}", tmp_path)
    archive = _archive_with(tmp_path / "evil.tar.gz", {"manifest.json": b"{}", name: b"x"})
    with pytest.raises(InputError, match="refused"):
        Backups(app.engine, app.signer, app.clock).restore("ops", archive, True)
    assert not (tmp_path.parent / "escape.jsonl").exists()
    app.close()


def test_a_link_member_is_refused(tmp_path):
    app = _app(f"sqlite:///{tmp_path / 'w.db'}", tmp_path)
    archive = _archive_with(tmp_path / "l.tar.gz", {"manifest.json": b"{}"}, "tables/users.jsonl")
    with pytest.raises(InputError, match="not a regular file"):
        Backups(app.engine, app.signer, app.clock).restore("ops", archive, True)
    app.close()


def test_a_tampered_table_is_refused_before_anything_is_written(tmp_path):
    source = _app(f"sqlite:///{tmp_path / 's.db'}", tmp_path)
    _fill(source, 2)
    good = tmp_path / "good.tar.gz"
    Backups(source.engine, source.signer, source.clock).back_up(ADMIN, good)
    with tarfile.open(good) as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}
    original = members["tables/incidents.jsonl"]
    members["tables/incidents.jsonl"] = original.replace(b"north", b"south")
    bad = _archive_with(tmp_path / "bad.tar.gz", members)
    members["tables/incidents.jsonl"] = original
    target = _app(f"sqlite:///{tmp_path / 't.db'}", tmp_path)
    with pytest.raises(InputError, match="incidents does not match its SHA-256"):
        Backups(target.engine, target.signer, target.clock).restore("ops", bad, True)
    assert backup.row_counts(target.engine)["incidents"] == 0
    manifest = json.loads(members["manifest.json"])
    manifest["schema_revision"] = "0001"
    members["manifest.json"] = json.dumps(manifest).encode()
    old = _archive_with(tmp_path / "old.tar.gz", members)
    with pytest.raises(InputError, match="schema revision 0001"):
        Backups(target.engine, target.signer, target.clock).restore("ops", old, True)
    source.close()
    target.close()
