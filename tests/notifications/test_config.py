"""The Celery and e-mail settings the no-loss promise depends on
(docs/reliability.md, R5, R6, R29)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from jetorders.celery import app
from notifications.sending import retry_delay
from notifications.tasks import send_email, sweep_outbox


def test_redis_visibility_timeout_exceeds_every_delay_and_run_time():
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    longest_retry = max(retry_delay(n) for n in range(1, 30))

    assert app.conf.result_backend_transport_options["visibility_timeout"] == visibility
    assert longest_retry <= settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    assert (
        max(
            settings.NOTIFICATIONS_RETRY_MAX_SECONDS,
            longest_retry,
            app.conf.task_time_limit,
            settings.NOTIFICATIONS_LEASE_SECONDS,
        )
        < visibility
    )
    # A lease outlives the task's hard time limit, so a live run is never taken over.
    assert app.conf.task_time_limit < settings.NOTIFICATIONS_LEASE_SECONDS


def test_the_send_task_is_acked_late_and_requeued_when_its_worker_dies():
    assert send_email.acks_late is True
    assert send_email.reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert settings.NOTIFICATIONS_MAX_ATTEMPTS >= 1  # the loop guard is bounded


def test_a_dead_broker_is_given_up_on_quickly():
    options = app.conf.broker_transport_options
    assert options["max_retries"] <= 3
    assert options["interval_max"] <= 1
    assert options["socket_connect_timeout"] <= 3
    assert app.conf.broker_connection_timeout <= 3
    assert app.conf.task_publish_retry_policy["max_retries"] <= 3


def test_the_sweeper_runs_on_a_schedule():
    schedule = app.conf.beat_schedule["sweep-email-outbox"]
    assert schedule["task"] == sweep_outbox.name
    assert schedule["schedule"] <= 300


def test_tests_never_reach_a_real_email_provider():
    keys = [key for key in settings.ANYMAIL if key.endswith(("API_KEY", "SERVER_TOKEN"))]
    assert keys == []
    assert "anymail.backends" not in settings.EMAIL_BACKEND or "test" in settings.EMAIL_BACKEND


def test_the_service_never_publishes_tasks_inside_its_transaction():
    # docs/reliability.md, R2: the e-mail is a row in the transaction; only
    # notifications/outbox.py kicks Celery, after commit.
    source = (Path(settings.BASE_DIR) / "orders" / "services.py").read_text()
    assert ".delay(" not in source
    assert ".apply_async(" not in source
    assert "queue_status_email(change)" in source
