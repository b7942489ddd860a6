"""Schema migrations, driven from code: ``upgrade(url)``, ``downgrade(url, rev)``.

The migration scripts ship inside the package (``persistence/migrations``), so an
installed Watchkeeper can migrate its store with no alembic.ini beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from watchkeeper.persistence.engine import create_engine_for

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported inside each function: loading it costs ~0.5 s, and most commands
# (and the CLI's --help) never migrate.

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the store at ``url`` up to ``revision`` (latest by default), atomically."""
    from alembic import command

    _run(url, lambda config: command.upgrade(config, revision))


def downgrade(url: str, revision: str) -> None:
    """Migrate the store at ``url`` down to ``revision`` ('base' removes every table)."""
    from alembic import command

    _run(url, lambda config: command.downgrade(config, revision))


def current_revision(url: str) -> str | None:
    """The revision the store at ``url`` is at; None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The latest revision this build ships."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _run(url: str, step: Callable[[Config], None]) -> None:
    engine = create_engine_for(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            step(config)
    finally:
        engine.dispose()
