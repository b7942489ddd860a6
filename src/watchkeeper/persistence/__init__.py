"""Adapters that know storage: SQLAlchemy tables, repositories, migrations, CAD import."""
