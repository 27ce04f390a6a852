"""Celery tasks of the order domain: a thin interface over plain functions."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .figures import refresh_snapshot
from .late_digest import send_late_orders_digest as queue_digest


@shared_task(ignore_result=True)
def refresh_dashboard() -> None:
    refresh_snapshot(timezone.now())


@shared_task(ignore_result=True)
def send_late_orders_digest() -> int:
    return queue_digest(timezone.now())
