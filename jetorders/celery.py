"""The Celery application, as in Celery's "First steps with Django" recipe."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jetorders.settings")

app = Celery("jetorders")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
