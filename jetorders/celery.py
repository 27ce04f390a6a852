"""The Celery application, as in Celery's "First steps with Django" recipe."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jetorders.settings")

app = Celery("jetorders")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _reuse_database_connections(task: Any = None, **kwargs: Any) -> None:
    # Celery's Django fixup closes the database connection around every task, so each e-mail
    # paid for a new PostgreSQL connection (more CPU than its queries). With
    # CELERY_DB_REUSE_MAX set it keeps them; this treats each task like Django treats a
    # request: a connection past CONN_MAX_AGE, or one that fails its health check, is
    # replaced before the task runs.
    # In-process (eager) tasks run inside the caller's request or transaction: not theirs
    # to close.
    if task is None or getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
