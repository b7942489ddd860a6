"""Sensitive free text held encrypted: victim details on an incident (issue 8 part 6).

The value is encrypted by the application (``field_crypto``) before it is written, so the
database and its backups hold only ciphertext; reading it back is a read of personal data,
authorised and audited like any other. ``rotate`` moves every value to the newest key.
"""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa

from watchkeeper.access.audit import AuditSigner, audit_event
from watchkeeper.access.audit_service import AuditTrail
from watchkeeper.access.model import Actor, Permission
from watchkeeper.kernel.clock import Clock
from watchkeeper.kernel.errors import InputError, NotFound
from watchkeeper.persistence.field_crypto import FieldCipher, FieldKeyring
from watchkeeper.persistence.information_uow import InformationUnitOfWork
from watchkeeper.persistence.tables import incidents
from watchkeeper.persistence.tables_operations import protected_fields
from watchkeeper.persistence.uow import SqlUnitOfWork

VICTIM_DETAILS = "victim_details"
MAX_CHARS = 4000  # a free-text note, not a document
_T = protected_fields.c


class ProtectedFields:
    """Write, read and re-key the encrypted victim details of incidents."""

    def __init__(
        self, engine: sa.Engine, signer: AuditSigner, clock: Clock, keyring: FieldKeyring
    ) -> None:
        self._engine = engine
        self._uow = partial(InformationUnitOfWork, engine, signer)
        self._trail = AuditTrail(partial(SqlUnitOfWork, engine, signer, immediate=True), clock)
        self._clock = clock
        self._keyring = keyring

    def record_victim_details(self, actor: Actor, incident_id: str, text: str) -> str:
        """Store (or replace) the incident's victim details, encrypted; the key id used."""
        record = ("incident", incident_id)
        self._trail.authorise(actor, Permission.INCIDENT_LOG, record)
        if not text.strip() or len(text) > MAX_CHARS:
            raise InputError(f"victim details must be 1 to {MAX_CHARS} characters")
        key, token = FieldCipher.from_keyring(self._keyring).encrypt(text)
        now = self._clock.now()
        with self._uow() as uow:
            _require_incident(uow.connection, incident_id)
            where = _where(incident_id)
            uow.connection.execute(sa.delete(protected_fields).where(where))
            uow.connection.execute(
                sa.insert(protected_fields).values(
                    record_type="incident", record_id=incident_id, field=VICTIM_DETAILS,
                    key_id=key, ciphertext=token, updated_at=now,
                )
            )  # fmt: skip
            uow.audit.record(audit_event(actor, now, "incident.victim-details.write", record))
            uow.commit()
        return key

    def victim_details(self, actor: Actor, incident_id: str, reason: str | None = None) -> str:
        """The incident's victim details, decrypted: a read of personal data, audited."""
        record = ("incident", incident_id)
        self._trail.authorise(actor, Permission.INCIDENT_READ, record)
        with self._engine.connect() as connection:
            token = connection.execute(
                sa.select(_T.ciphertext).where(_where(incident_id))
            ).scalar_one_or_none()
        if token is None:
            raise NotFound(f"incident {incident_id} has no victim details recorded")
        text = FieldCipher.from_keyring(self._keyring).decrypt(
            token, f"incident {incident_id} victim details"
        )
        self._trail.read(actor, "incident.victim-details.read", record, reason)
        return text

    def rotate(self, actor: Actor) -> tuple[str, int]:
        """Add a newest key and re-encrypt every protected value with it, in one transaction."""
        self._trail.authorise(actor, Permission.KEYS_ROTATE, ("keys", "fields"))
        self._keyring.add_newest()  # older keys stay: they still read older backups
        cipher = FieldCipher.from_keyring(self._keyring)
        now = self._clock.now()
        with self._uow() as uow:
            rows = uow.connection.execute(
                sa.select(_T.record_type, _T.record_id, _T.field, _T.ciphertext)
            ).all()
            for row in rows:
                where = f"{row.record_type} {row.record_id} {row.field}"
                key, token = cipher.rotate(row.ciphertext, where)
                uow.connection.execute(
                    sa.update(protected_fields)
                    .where(_T.record_type == row.record_type)
                    .where(_T.record_id == row.record_id)
                    .where(_T.field == row.field)
                    .values(key_id=key, ciphertext=token)
                )
            reason = f"{len(rows)} values re-encrypted to key {cipher.current_key_id}"
            uow.audit.record(
                audit_event(actor, now, "keys.rotate", ("keys", "fields"), reason=reason)
            )
            uow.commit()
        return cipher.current_key_id, len(rows)


def _where(incident_id: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        _T.record_type == "incident", _T.record_id == incident_id, _T.field == VICTIM_DETAILS
    )


def _require_incident(connection: sa.Connection, incident_id: str) -> None:
    found = connection.execute(sa.select(incidents.c.id).where(incidents.c.id == incident_id))
    if found.first() is None:
        raise NotFound(f"incident {incident_id} not found")
