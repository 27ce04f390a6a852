"""Carrier tracking: adapters per carrier, the poller, the push webhook (docs/integrations.md)."""
