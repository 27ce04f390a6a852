"""Payment gateways: their signed notifications, the adapters that read them, and the events."""
