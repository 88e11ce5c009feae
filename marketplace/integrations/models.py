"""Tables of the integrations (imported by capool.models)."""
