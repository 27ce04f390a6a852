"""Rate limits for the integration API and the payment webhooks, set in settings.

A ninja throttle (the API uses it as one) that the webhooks call directly too.
A fixed window per client (a token or an address), counted in Django's cache with atomic
`incr`, so a burst costs one cache round-trip per call. Limits are meant to stop abuse, not an
ERP pushing a backlog: see the defaults in settings.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

PERIODS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/m" → (600, 60)."""
    count, _sep, unit = rate.partition("/")
    return int(count), PERIODS[unit.strip()[:1]]


class RateLimit(BaseThrottle):
    """Allows `settings.<setting>` calls per period for each key `key_of(request)` returns."""

    def __init__(self, scope: str, setting: str, key_of: Callable[[HttpRequest], str]) -> None:
        self.scope = scope
        self.setting = setting
        self.key_of = key_of

    def allow_request(self, request: HttpRequest) -> bool:
        limit, period = parse_rate(getattr(settings, self.setting))
        window = int(time.time() // period)
        key = f"ratelimit:{self.scope}:{self.key_of(request)}:{window}"
        # add() is a no-op when the window already exists; incr() is atomic on Redis.
        cache.add(key, 0, timeout=period * 2)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=period * 2)
            count = 1
        return count <= limit

    def wait(self) -> float:
        _limit, period = parse_rate(getattr(settings, self.setting))
        return period - time.time() % period
