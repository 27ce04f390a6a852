"""Outbound webhooks: order events to the endpoints staff register (docs/integrations.md)."""
