"""Tables of inspection (imported by capool.models, so alembic and tests see them)."""
