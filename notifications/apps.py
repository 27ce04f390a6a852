from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "E-mails"

    def ready(self) -> None:
        from anymail.signals import tracking

        from .delivery import record_tracking_event

        # Anymail's webhook views announce provider events through this signal.
        tracking.connect(record_tracking_event, dispatch_uid="notifications.delivery")
