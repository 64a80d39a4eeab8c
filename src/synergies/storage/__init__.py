"""Storage: SQLAlchemy Core tables, Alembic migrations and row <-> domain mapping."""
