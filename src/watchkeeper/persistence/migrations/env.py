"""Alembic environment: runs on the connection ``persistence.schema`` hands it.

There is no alembic.ini; ``schema.alembic_config`` builds the configuration in code.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from watchkeeper.persistence.tables import metadata


def _run_online(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables for later migrations.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_offline(url: str) -> None:
    context.configure(url=url, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if isinstance(connection, sa.Connection):
        _run_online(connection)
    elif context.is_offline_mode():
        _run_offline(context.config.get_main_option("sqlalchemy.url") or "")
    else:
        raise RuntimeError("run migrations through watchkeeper.persistence.schema")


_main()
