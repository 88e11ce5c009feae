"""Outbox consumers of matching (registered with capool.events.consumer; imported by capool.wiring)."""
