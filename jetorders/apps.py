"""jetorders as an app: only so its login hook is connected once, when Django starts."""

from __future__ import annotations

from django.apps import AppConfig


class JetOrdersConfig(AppConfig):
    name = "jetorders"
    verbose_name = "JET Pedidos"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .security import start_staff_idle_timeout

        user_logged_in.connect(start_staff_idle_timeout, dispatch_uid="staff-idle-timeout")
