"""Tables of forecasting (imported by capool.models, so alembic and tests see them)."""
