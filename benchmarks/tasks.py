"""A no-op task for the bench's bare Celery round trip: it only counts itself in Redis."""

from __future__ import annotations

import redis
from celery import shared_task
from django.conf import settings

_store: list[redis.Redis] = []


@shared_task(ignore_result=True)
def noop(counter: str) -> None:
    # One connection per worker process, so the round trip measures Celery, not connecting.
    if not _store:
        _store.append(redis.Redis.from_url(settings.CELERY_BROKER_URL))
    _store[0].incr(counter)
