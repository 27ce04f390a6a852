from __future__ import annotations

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrações"

    def ready(self) -> None:
        # Outbound webhooks hear of every order event inside the transaction that makes it
        # (orders/events.py explains why a listener and not a signal).
        from orders.events import add_listener

        from .outbound.listener import on_order_event

        add_listener(on_order_event)
