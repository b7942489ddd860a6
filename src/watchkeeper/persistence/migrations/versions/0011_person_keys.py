"""Blocking keys of the nominal index, so the store's candidate search for duplicate
suggestions reads the same blocks as the in-memory index (issue 5, part 1).

Before this, candidates were fetched by the Soundex of the family name only, so a typo that
changed it (``Lcindsey`` for ``Clindsey``) hid the true person even with a matching date of
birth. The keys of people already filed are computed here from their names and dates.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 2_000


def upgrade() -> None:
    op.create_table(
        "person_keys",
        sa.Column("block_key", sa.String(length=96), nullable=False),
        sa.Column("person_ref", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_ref"], ["people.person_ref"], name=op.f("fk_person_keys_person_ref_people")
        ),
        sa.PrimaryKeyConstraint("block_key", "person_ref", name=op.f("pk_person_keys")),
    )
    _backfill(op.get_bind())


def _backfill(c: sa.Connection) -> None:
    # The key derivation is the domain's (people.index.key_strings); a later change to it
    # ships its own migration that rewrites this table.
    from watchkeeper.people.index import key_strings
    from watchkeeper.people.model import Person, PersonName

    names: dict[str, list[PersonName]] = {}
    for ref, given, family in c.execute(
        sa.text("SELECT person_ref, given, family FROM person_aliases ORDER BY person_ref, seq")
    ):
        names.setdefault(ref, []).append(PersonName(given, family))
    keys = sa.table("person_keys", sa.column("block_key"), sa.column("person_ref"))
    rows: list[dict[str, str]] = []
    for ref, given, family, dob in c.execute(
        sa.text("SELECT person_ref, given, family, date_of_birth FROM people")
    ):
        person = Person(ref, (PersonName(given, family), *names.get(ref, [])), _date(dob))
        rows.extend({"block_key": k, "person_ref": ref} for k in key_strings(person))
        if len(rows) >= _BATCH:
            c.execute(sa.insert(keys), rows)
            rows = []
    if rows:
        c.execute(sa.insert(keys), rows)


def _date(value: date | str | None) -> date | None:
    """SQLite hands a raw ``DATE`` column back as text through ``sa.text``."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def downgrade() -> None:
    op.drop_table("person_keys")
