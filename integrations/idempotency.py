"""Idempotency-Key for order creation: an ERP that retries after a timeout gets its first
order back instead of a second one (the same header Stripe and others use).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from orders.models import Order

from .models import ApiOrderCreation, ApiToken


class IdempotencyKeyReused(Exception):
    """The key was already used by this token for a different order."""


def create_once(
    token: ApiToken, key: str, payload: dict[str, Any], create: Callable[[], Order]
) -> tuple[Order, bool]:
    """The order made for (token, key) and whether it is new; `create()` runs once per key."""
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    first = ApiOrderCreation.objects.filter(token=token, key=key).select_related("order").first()
    if first is None:
        try:
            # The order and its key commit together: a concurrent twin fails on the key, and
            # its order is rolled back with it.
            with transaction.atomic():
                order = create()
                ApiOrderCreation.objects.create(
                    token=token, key=key, request_hash=digest, order=order
                )
            return order, True
        except IntegrityError:
            first = ApiOrderCreation.objects.filter(token=token, key=key).first()
            if first is None:
                raise
    if first.request_hash != digest:
        raise IdempotencyKeyReused(key)
    return first.order, False
