"""Delivery events from the e-mail provider's webhook (anymail's tracking signal)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction

from .models import DeliveryState, EmailDeliveryEvent, EmailOutbox

logger = logging.getLogger(__name__)

# Anymail's normalized event types → the row's delivery state. Later, stronger news wins.
STATE_FOR_EVENT = {
    "delivered": DeliveryState.DELIVERED,
    "opened": DeliveryState.OPENED,
    "clicked": DeliveryState.OPENED,
    "bounced": DeliveryState.BOUNCED,
    "rejected": DeliveryState.BOUNCED,
    "complained": DeliveryState.COMPLAINED,
}
RANK = {
    "": 0,
    DeliveryState.DELIVERED: 1,
    DeliveryState.OPENED: 2,
    DeliveryState.BOUNCED: 3,
    DeliveryState.COMPLAINED: 3,
}


def record_tracking_event(sender: Any, event: Any, esp_name: str = "", **kwargs: Any) -> None:
    """Store one event against its outbox row; an unknown message id is logged and ignored."""
    row = EmailOutbox.objects.filter(message_id=event.message_id or "-").first()
    if row is None:
        logger.warning(
            "Delivery event %s from %s for unknown message id %r ignored.",
            event.event_type,
            esp_name,
            event.message_id,
        )
        return
    try:
        with transaction.atomic():
            EmailDeliveryEvent.objects.create(
                outbox=row,
                event_type=str(event.event_type or "")[:30],
                event_id=str(event.event_id or "")[:255],
                occurred_at=event.timestamp,
                recipient=str(event.recipient or "")[:254],
                description=str(event.description or event.mta_response or "")[:2000],
            )
    except IntegrityError:
        # The provider sent the same event again: it was recorded the first time.
        return
    state = STATE_FOR_EVENT.get(event.event_type)
    if state and RANK[state] >= RANK[row.delivery_state]:
        EmailOutbox.objects.filter(pk=row.pk).update(delivery_state=state)
