"""Which active endpoints want an event kind, without a query on every status change.

Each process keeps the list of active endpoints, and a version number that lives in the
shared Django cache (Redis with CACHE_URL). Saving or deleting an endpoint bumps that version
after commit; every event reads it (one cache GET, no SQL) and reads the endpoints again only
when it changed. So a new or changed endpoint gets the very next event in every process.

OUTBOUND_WEBHOOKS_ENDPOINT_CACHE_SECONDS is the backstop: the list is read again at least
that often, for what the version cannot see — a per-process cache (no CACHE_URL), a cache
that is down, an evicted key, an endpoint changed by SQL rather than by `save()`
(docs/integrations.md). 0 reads the endpoints on every event.
"""

from __future__ import annotations

import logging
import math
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "jet:outbound-webhooks:endpoints-version"
# assume_none(): trust the local list until this process saves an endpoint (tests).
TRUSTED = "trusted"

# (when it was read, the shared version it was read at, [(endpoint id, its event kinds)]).
_cache: tuple[float, str | None, list[tuple[int, frozenset[str]]]] = (-math.inf, None, [])


def subscribed(kind: str) -> list[int]:
    global _cache
    read_at, version, endpoints = _cache
    if version != TRUSTED:
        shared = shared_version()
        too_old = time.monotonic() - read_at > settings.OUTBOUND_WEBHOOKS_ENDPOINT_CACHE_SECONDS
        if too_old or (shared is not None and shared != version):
            # The version is read before the rows: a bump in between reads them once more.
            endpoints = _read_endpoints()
            _cache = (time.monotonic(), shared, endpoints)
    return [pk for pk, kinds in endpoints if kind in kinds]


def _read_endpoints() -> list[tuple[int, frozenset[str]]]:
    from .models import WebhookEndpoint

    rows = WebhookEndpoint.objects.filter(is_active=True).values_list("pk", "events")
    return [(pk, frozenset(events or [])) for pk, events in rows]


# After a cache error, the version is not asked for again until then (time.monotonic()): a
# cache that times out must not cost every status change its timeout.
_cache_down_until = -math.inf


def shared_version() -> str | None:
    """The endpoints' version in the shared cache; None when the cache cannot say."""
    global _cache_down_until
    if time.monotonic() < _cache_down_until:
        return None
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            # First use, a flushed cache or an evicted key: start a version everyone shares.
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception:
        # A cache that is down must never fail a status change: the backstop age applies.
        logger.warning("endpoint version unreadable; using the cached list", exc_info=True)
        _cache_down_until = time.monotonic() + settings.OUTBOUND_WEBHOOKS_ENDPOINT_CACHE_SECONDS
        return None
    return version


def forget() -> None:
    """An endpoint was saved or deleted: this process reads the endpoints again on the next
    event, and every other process once this transaction commits."""
    global _cache
    _cache = (-math.inf, None, [])
    transaction.on_commit(_bump_version, robust=True)


def _bump_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def assume_none() -> None:
    """Tests: there are no endpoints until one is saved in this process."""
    global _cache, _cache_down_until
    _cache = (math.inf, TRUSTED, [])
    _cache_down_until = -math.inf
