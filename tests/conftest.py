"""Shared fixtures: a database URL per engine (SQLite always; PostgreSQL when available).

PostgreSQL tests read WATCHKEEPER_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test).
Without it they skip with a message; with WATCHKEEPER_REQUIRE_POSTGRES=1 (set by .ci/run)
a missing or unreachable server fails the run instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _postgres_admin_url() -> str | None:
    return os.environ.get("WATCHKEEPER_TEST_POSTGRES_URL")


def _require_postgres() -> bool:
    return os.environ.get("WATCHKEEPER_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real exports in ../shared/data (skipped when this checkout has none beside it)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder not found at {SHARED_DATA}")
    return SHARED_DATA


def _fresh_postgres_database() -> Iterator[str]:
    import sqlalchemy as sa

    admin_url = _postgres_admin_url()
    if not admin_url:
        if _require_postgres():
            pytest.fail("WATCHKEEPER_REQUIRE_POSTGRES=1 but WATCHKEEPER_TEST_POSTGRES_URL is unset")
        pytest.skip(
            "PostgreSQL not configured: set WATCHKEEPER_TEST_POSTGRES_URL to run these tests"
        )
    name = f"wk_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if _require_postgres():
            pytest.fail(f"PostgreSQL required but unreachable: {exc.orig}")
        pytest.skip(f"PostgreSQL unreachable: {exc.orig}")
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each engine: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'watchkeeper.db'}"
    else:
        yield from _fresh_postgres_database()
