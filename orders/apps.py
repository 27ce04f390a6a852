from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _after_last_app_migrated(sender: AppConfig, **kwargs: Any) -> None:
    # The roles name permissions of several apps, which exist only once each app's own
    # post_migrate has run: the groups are made after the last one.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        from .permissions import ensure_role_groups

        ensure_role_groups()


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Pedidos"

    def ready(self) -> None:
        post_migrate.connect(_after_last_app_migrated, dispatch_uid="orders.role_groups")
