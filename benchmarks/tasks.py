"""A no-op task for the bench's bare Celery round trip: it only counts itself in Redis."""

from __future__ import annotations

import redis
from celery import shared_task
from django.conf import settings


@shared_task(ignore_result=True)
def noop(counter: str) -> None:
    redis.Redis.from_url(settings.CELERY_BROKER_URL).incr(counter)
