"""Tables of matching (imported by capool.models, so alembic and tests see them)."""
