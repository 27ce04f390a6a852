"""Celery tasks of the integrations app: thin, they take ids and call one plain function."""

from __future__ import annotations

from celery import shared_task

from .carriers.polling import poll_due


@shared_task(acks_late=True, ignore_result=True)
def poll_carrier_tracking() -> int:
    return poll_due()
