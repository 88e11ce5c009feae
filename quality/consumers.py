"""Outbox consumers of quality (registered with capool.events.consumer; imported by capool.wiring)."""
