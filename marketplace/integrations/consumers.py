"""Outbox consumers of the integrations (imported by capool.wiring)."""
