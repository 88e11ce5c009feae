"""Outbox consumers of settlement (registered with capool.events.consumer; imported by capool.wiring)."""
