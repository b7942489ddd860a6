"""``watchkeeper db``: schema migrations."""

from __future__ import annotations

import typer
from rich.console import Console

from watchkeeper.settings import settings_from_env

# ``persistence.schema`` (SQLAlchemy, Alembic) loads inside each command: fast start-up.

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Bring the database schema up to date (idempotent)."""
    from watchkeeper.persistence import schema

    url = settings_from_env().database_url
    schema.upgrade(url, revision)
    Console().print(f"database at revision {schema.current_revision(url)}")


@app.command("current")
def current() -> None:
    """Show the schema revision of the configured database."""
    from watchkeeper.persistence import schema

    Console().print(schema.current_revision(settings_from_env().database_url) or "empty")
