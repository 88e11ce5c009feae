"""Outbox consumers of inspection (registered with capool.events.consumer; imported by capool.wiring)."""
