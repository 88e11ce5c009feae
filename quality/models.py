"""Tables of quality (imported by capool.models, so alembic and tests see them)."""
