"""Alembic migrations for the Watchkeeper store, shipped inside the package."""
