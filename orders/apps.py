from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Pedidos"

    def ready(self) -> None:
        from . import integrations_admin  # noqa: F401 - registers its ModelAdmins
        from .roles import ensure_role_groups

        # Permissions only exist after post_migrate, so the groups are made then too.
        post_migrate.connect(ensure_role_groups, sender=self)
