"""Tables of settlement (imported by capool.models, so alembic and tests see them)."""
