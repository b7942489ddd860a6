"""Police information rules (issue 8 part 6): MoPI review, encrypted fields, subject access."""

from __future__ import annotations

import tarfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from watchkeeper.access.model import Actor, Role
from watchkeeper.bootstrap import build
from watchkeeper.cli.demo_commands import seed_demo_accounts
from watchkeeper.incidents.entries import Caller, CallSource, ContactMade, Location
from watchkeeper.incidents.services import NewIncident
from watchkeeper.information.subject_access import OFFICER, THIRD_PARTY, WITHHELD
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.kernel.errors import (
    ConfigurationError,
    DomainRuleViolation,
    InputError,
    NotFound,
    PermissionDenied,
)
from watchkeeper.persistence import schema
from watchkeeper.persistence.backup_service import Backups
from watchkeeper.persistence.field_crypto import FieldKeyring
from watchkeeper.persistence.protected_fields import ProtectedFields
from watchkeeper.persistence.retention_service import RetentionReviews, load_policy
from watchkeeper.persistence.subject_access_service import SubjectAccess
from watchkeeper.persistence.tables import audit_log, incident_entries, incidents
from watchkeeper.persistence.tables_operations import protected_fields, retention_decisions
from watchkeeper.settings import Settings

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
YEAR = timedelta(days=365.25)
VICTIM = "Victim lives at 3 Larkspur Way with her two children; ex-partner must not learn it"


class FastHasher:
    def hash(self, password: str) -> str:
        return f"fast${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"fast${password}"


@pytest.fixture
def world(database_url, tmp_path):
    schema.upgrade(database_url)
    settings = Settings(
        database_url=database_url, force_profile_path=None,
        audit_key_file=tmp_path / "audit.key", audit_head_file=tmp_path / "audit.head",
        field_key_file=tmp_path / "keys" / "fields.key",
    )  # fmt: skip
    (tmp_path / "keys").mkdir()
    clock = FixedClock(T0)
    app = build(settings, clock, hasher=FastHasher())
    seed_demo_accounts(app)
    yield app, clock, tmp_path
    app.close()


def _log(app, category: str, person_ref: str = "", name: str = "") -> str:
    handler = app.accounts.operator("handler")
    request = NewIncident(
        CallSource.EMERGENCY_999, Location("7 Elm Row", "north"), category, "P2",
        caller=Caller(name, "07700 900111", person_ref), summary="caller upset about a neighbour",
    )  # fmt: skip
    return app.incidents.log_incident(handler, request)


def _reviews(app, clock):
    return RetentionReviews(app.engine, app.signer, clock, load_policy())


def test_records_fall_due_for_review_by_group_and_a_retain_decision_resets_the_clock(world):
    app, clock, _ = world
    welfare = _log(app, "concern-for-welfare")  # group 4: 6 years
    abuse = _log(app, "domestic-abuse")  # group 2: 10 years
    reviews = _reviews(app, clock)
    auditor, supervisor = (app.accounts.operator(n) for n in ("auditor", "supervisor"))

    assert reviews.review(auditor, T0 + 5 * YEAR).due == []
    due = reviews.review(auditor, T0 + 7 * YEAR).due
    assert [(d.record_id, d.group) for d in due] == [(welfare, 4)]
    assert due[0].due_at.date() == (T0 + 6 * YEAR).date()
    assert {d.record_id for d in reviews.review(auditor, T0 + 11 * YEAR).due} == {welfare, abuse}

    clock.advance(7 * YEAR)
    reviews.decide(supervisor, "incident", welfare, "retain", "linked to an open DA case")
    assert reviews.review(auditor, T0 + 8 * YEAR).due == []
    assert [d.record_id for d in reviews.review(auditor, T0 + 12 * YEAR).due] == [abuse]
    assert welfare in {d.record_id for d in reviews.review(auditor, T0 + 13.5 * YEAR).due}
    with app.engine.connect() as conn:
        decision = conn.execute(sa.select(retention_decisions)).one()
        actions = [r.action for r in conn.execute(sa.select(audit_log.c.action))]
    assert (decision.decision, decision.review_group, decision.decided_by) == (
        "retain", 4, "supervisor",
    )  # fmt: skip
    assert "retention.retain" in actions and "retention.review" in actions


def test_a_delete_decision_disposes_of_the_incident_and_its_protected_fields(world):
    app, clock, _ = world
    incident_id = _log(app, "concern-for-welfare")
    app.incidents.record(app.accounts.operator("handler"), incident_id, ContactMade("ok"))
    fields = ProtectedFields(
        app.engine, app.signer, clock, FieldKeyring(app.settings.field_key_file)
    )
    fields.record_victim_details(app.accounts.operator("handler"), incident_id, VICTIM)
    clock.advance(7 * YEAR)
    _reviews(app, clock).decide(
        app.accounts.operator("supervisor"),
        "incident",
        incident_id,
        "delete",
        "no policing purpose",
    )
    with app.engine.connect() as conn:
        for table, column in ((incidents, "id"), (incident_entries, "incident_id"),
                              (protected_fields, "record_id")):  # fmt: skip
            count = conn.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c[column] == incident_id)
            ).scalar_one()
            assert count == 0, table.name
        assert conn.execute(sa.select(retention_decisions.c.decision)).scalar_one() == "delete"
    assert app.audit.verify(app.accounts.operator("auditor")).ok


def test_retention_decisions_refuse_what_they_cannot_do(world):
    app, clock, _ = world
    incident_id = _log(app, "concern-for-welfare")
    reviews = _reviews(app, clock)
    supervisor = app.accounts.operator("supervisor")
    with pytest.raises(InputError, match="needs a reason"):
        reviews.decide(supervisor, "incident", incident_id, "retain", "  ")
    with pytest.raises(InputError, match="'retain' or 'delete'"):
        reviews.decide(supervisor, "incident", incident_id, "archive", "why")
    with pytest.raises(PermissionDenied):
        reviews.decide(app.accounts.operator("dispatcher"), "incident", incident_id, "retain", "x")
    with pytest.raises(NotFound, match="no incident record 'INC-NOPE'"):
        reviews.decide(supervisor, "incident", "INC-NOPE", "retain", "x")
    with pytest.raises(DomainRuleViolation, match="disposal of da_case"):
        reviews.decide(supervisor, "da_case", "DA-1", "delete", "x")
    with pytest.raises(InputError, match="unknown record type 'bicycle'"):
        reviews.decide(supervisor, "bicycle", "B1", "retain", "x")
    with app.engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(retention_decisions)).scalar() == 0
        )


def test_victim_details_are_ciphertext_at_rest_and_in_backups_and_readable_with_the_key(world):
    app, clock, tmp = world
    incident_id = _log(app, "domestic-abuse")
    keyring = FieldKeyring(app.settings.field_key_file)
    fields = ProtectedFields(app.engine, app.signer, clock, keyring)
    handler = app.accounts.operator("handler")
    key = fields.record_victim_details(handler, incident_id, VICTIM)
    with app.engine.connect() as conn:
        stored = conn.execute(sa.select(protected_fields)).one()
    assert stored.key_id == key
    assert "Larkspur" not in stored.ciphertext and VICTIM not in stored.ciphertext
    assert fields.victim_details(handler, incident_id) == VICTIM
    archive = tmp / "b.tar.gz"
    Backups(app.engine, app.signer, clock).back_up(Actor("admin", Role.ADMINISTRATOR), archive)
    with tarfile.open(archive) as tar:
        everything = b"".join(tar.extractfile(m).read() for m in tar.getmembers())
    assert b"Larkspur" not in everything
    assert key not in app.settings.field_key_file.read_text()  # the id names, never reveals
    with pytest.raises(PermissionDenied):
        fields.victim_details(app.accounts.operator("analyst"), incident_id)
    other = FieldKeyring(tmp / "keys" / "someone-elses.key")
    with pytest.raises(ConfigurationError, match="no key in the field keyring"):
        ProtectedFields(app.engine, app.signer, clock, other).victim_details(handler, incident_id)


def test_rotating_the_keys_re_encrypts_every_value_under_the_new_key(world):
    app, clock, _ = world
    keyring = FieldKeyring(app.settings.field_key_file)
    fields = ProtectedFields(app.engine, app.signer, clock, keyring)
    handler = app.accounts.operator("handler")
    ids = [_log(app, "domestic-abuse") for _ in range(3)]
    for n, incident_id in enumerate(ids):
        fields.record_victim_details(handler, incident_id, f"{VICTIM} ({n})")
    with app.engine.connect() as conn:
        before = dict(
            conn.execute(
                sa.select(protected_fields.c.record_id, protected_fields.c.ciphertext)
            ).all()
        )
    old_keys = keyring.keys()
    with pytest.raises(PermissionDenied):
        fields.rotate(app.accounts.operator("supervisor"))
    new_key, count = fields.rotate(Actor("admin", Role.ADMINISTRATOR, "cli"))
    assert count == 3
    assert keyring.keys()[1:] == old_keys  # older keys kept for older backups
    with app.engine.connect() as conn:
        after = conn.execute(sa.select(protected_fields)).all()
    assert {row.key_id for row in after} == {new_key}
    assert all(before[row.record_id] != row.ciphertext for row in after)
    for n, incident_id in enumerate(ids):
        assert fields.victim_details(handler, incident_id) == f"{VICTIM} ({n})"
    # Without the old key the old ciphertext is unreadable; the rotated values do not need it.
    from watchkeeper.persistence.field_crypto import FieldCipher

    newest_only = FieldCipher([keyring.keys()[0]])
    assert newest_only.decrypt(after[0].ciphertext, "test").startswith(VICTIM)
    with pytest.raises(ConfigurationError):
        newest_only.decrypt(before[ids[0]], "test")


def test_a_subject_access_export_finds_the_person_everywhere_and_redacts_others(world):
    app, clock, _ = world
    own = _log(app, "domestic-abuse", person_ref="P-SUBJECT", name="Sam Subject")
    _log(app, "concern-for-welfare", person_ref="P-OTHER", name="Olly Other")
    with app.engine.begin() as conn:
        people = sa.Table("people", sa.MetaData(), autoload_with=conn)
        da_cases = sa.Table("da_cases", sa.MetaData(), autoload_with=conn)
        for ref, given in (("P-SUBJECT", "Sam"), ("P-OTHER", "Olly")):
            conn.execute(sa.insert(people).values(
                person_ref=ref, given=given, family="X", family_key="X000", markers=[],
                created_at=T0.replace(tzinfo=None)))  # fmt: skip
        conn.execute(sa.insert(da_cases).values(
            case_ref="DA-1", victim_ref="P-SUBJECT", perpetrator_ref="P-OTHER",
            opened_at=T0.replace(tzinfo=None), status="open", dash_status="completed",
            judgement_rationale="Olly Other has threatened her before", assessed_by="ppo"))  # fmt: skip
    export = SubjectAccess(app.engine, app.signer, clock).export(
        app.accounts.operator("auditor"), "P-SUBJECT"
    )
    assert [i["incident_id"] for i in export["incidents"]] == [own]
    opened = export["incidents"][0]["entries"][0]
    assert opened["detail"]["caller"]["name"] == "Sam Subject"  # their own details
    assert opened["detail"]["summary"] == WITHHELD
    assert opened["author"] == OFFICER
    assert len(export["registers"]["people"]) == 1  # not the other person's entry
    assert export["registers"]["people"][0]["given"] == "Sam"
    case = export["registers"]["da_cases"][0]
    assert case["victim_ref"] == "P-SUBJECT"
    assert case["perpetrator_ref"] == THIRD_PARTY
    assert case["judgement_rationale"] == WITHHELD
    assert case["assessed_by"] == OFFICER
    assert "Olly" not in str(export)
    with pytest.raises(PermissionDenied):
        SubjectAccess(app.engine, app.signer, clock).export(
            app.accounts.operator("handler"), "P-SUBJECT"
        )
    with app.engine.connect() as conn:
        audited = conn.execute(
            sa.select(audit_log.c.username, audit_log.c.outcome)
            .where(audit_log.c.action == "subject-access.export")
            .order_by(audit_log.c.seq)
        ).all()
    assert [tuple(row) for row in audited] == [("auditor", "ok"), ("handler", "refused")]


def test_the_bundled_retention_configuration_names_its_sources_and_unconfirmed_values():
    text = (Path(__file__).parents[3] / "src/watchkeeper/resources/retention.toml").read_text()
    assert "Management of" in text and "UNCONFIRMED" in text
    policy = load_policy()
    assert policy.review_years[3] == 6
    assert policy.record_types["incident"].group_for("domestic-abuse") == 2
    bad = Path(f"/tmp/{uuid.uuid4().hex}.toml")
    bad.write_text("[groups.1]\nreview_years = 0\n[record_types]\n")
    with pytest.raises(ConfigurationError, match="review_years must be positive"):
        load_policy(bad)
    bad.unlink()
