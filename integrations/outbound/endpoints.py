"""Which active endpoints want an event kind, without a query on every status change.

Each process keeps the list for OUTBOUND_WEBHOOKS_ENDPOINT_CACHE_SECONDS (a change stays a
lock, an update and two inserts: docs/performance.md). Saving or deleting an endpoint forgets
the list in that process at once; other processes see the change within those seconds, so an
endpoint registered now gets every event from then on, give or take those seconds
(docs/integrations.md). 0 reads the endpoints on every event.
"""

from __future__ import annotations

import math
import time

from django.conf import settings

# (when it was read, [(endpoint id, its event kinds)]); `math.inf` never expires.
_cache: tuple[float, list[tuple[int, frozenset[str]]]] = (-math.inf, [])


def subscribed(kind: str) -> list[int]:
    global _cache
    read_at, endpoints = _cache
    if time.monotonic() - read_at > settings.OUTBOUND_WEBHOOKS_ENDPOINT_CACHE_SECONDS:
        from .models import WebhookEndpoint

        rows = WebhookEndpoint.objects.filter(is_active=True).values_list("pk", "events")
        endpoints = [(pk, frozenset(events or [])) for pk, events in rows]
        _cache = (time.monotonic(), endpoints)
    return [pk for pk, kinds in endpoints if kind in kinds]


def forget() -> None:
    """Read the endpoints again on the next event (an endpoint was saved or deleted)."""
    global _cache
    _cache = (-math.inf, [])


def assume_none() -> None:
    """Tests: there are no endpoints until one is saved in this process."""
    global _cache
    _cache = (math.inf, [])
