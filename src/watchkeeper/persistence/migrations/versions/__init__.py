"""Migration scripts, applied in order by alembic (see ``persistence.schema``)."""
