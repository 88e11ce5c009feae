"""Outbox consumers of forecasting (registered with capool.events.consumer; imported by capool.wiring)."""
