"""Integrations: webhooks, connectors to factory systems, file exchange."""
