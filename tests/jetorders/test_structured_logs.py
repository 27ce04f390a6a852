"""One structured log line per status change, e-mail attempt, webhook and API call: the order
number and the outcome travel as `extra` fields, which LOG_FORMAT=json turns into keys."""

from __future__ import annotations

import json
import logging
import time

import pytest
from django.core.cache import cache

from integrations.tokens import issue_token
from jetorders.logging import JsonFormatter
from notifications.models import EmailOutbox
from notifications.sending import deliver
from orders.services import order_process
from payments.signing import sign

SECRET = "whsec_logs"


@pytest.fixture(autouse=True)
def _webhook_secret_and_fresh_limits(settings) -> None:
    settings.PAYMENT_WEBHOOK_SECRET = [SECRET]
    cache.clear()


def logged(caplog, event: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if getattr(record, "event", None) == event]


def as_json(record: logging.LogRecord) -> dict:
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def fields(entry: dict, *names: str) -> dict:
    return {name: entry.get(name) for name in names}


def test_a_status_change_logs_one_line_with_the_order_and_both_statuses(
    order_factory, lojista_actor, caplog
):
    order = order_factory()

    with caplog.at_level(logging.INFO):
        order_process(order, to_status="aprovado", by=lojista_actor)

    [record] = logged(caplog, "status_change")
    entry = as_json(record)
    assert entry["logger"] == "orders.services"
    assert fields(entry, "order", "from_status", "to_status", "actor") == {
        "order": order.number,
        "from_status": "novo",
        "to_status": "aprovado",
        "actor": "staff",
    }


def test_each_email_attempt_logs_one_line_with_its_outcome(order_factory, caplog):
    order = order_factory()
    row = EmailOutbox.objects.get(to_email=order.customer_email)

    with caplog.at_level(logging.INFO):
        deliver(row.pk)

    [record] = logged(caplog, "email_send")
    entry = as_json(record)
    assert entry["logger"] == "notifications.sending"
    assert entry["level"] == "INFO"
    assert fields(entry, "outbox_id", "template", "outcome") == {
        "outbox_id": row.pk,
        "template": "pedido_novo",
        "outcome": "sent",
    }


def test_an_email_that_fails_for_good_logs_one_error_line(order_factory, caplog):
    order = order_factory()
    row = EmailOutbox.objects.get(to_email=order.customer_email)
    EmailOutbox.objects.filter(pk=row.pk).update(to_email="sem-arroba")

    with caplog.at_level(logging.INFO):
        deliver(row.pk)

    [record] = logged(caplog, "email_send")
    entry = as_json(record)
    assert entry["level"] == "ERROR"
    assert "failed for good" in entry["message"]
    assert fields(entry, "outbox_id", "outcome") == {"outbox_id": row.pk, "outcome": "permanent"}


def post_webhook(client, body: bytes, header: str):
    return client.post(
        "/webhooks/pagamentos/", body, content_type="application/json", HTTP_X_JET_SIGNATURE=header
    )


def test_each_webhook_logs_one_line_with_the_order_outcome_and_status(
    client, order_factory, caplog
):
    order = order_factory()
    data = {"id": "evt_log", "type": "payment.approved", "order": order.number}
    body = json.dumps({**data, "created": int(time.time())}).encode()

    with caplog.at_level(logging.INFO):
        post_webhook(client, body, sign(SECRET, body, int(time.time())))
        post_webhook(client, body, "t=1,v1=00")

    applied, refused = (as_json(record) for record in logged(caplog, "webhook"))
    assert applied["logger"] == "payments.views"
    assert fields(applied, "order", "outcome", "status") == {
        "order": order.number,
        "outcome": "applied",
        "status": 200,
    }
    # Refused before the body is trusted: no order number to name.
    assert fields(refused, "order", "outcome", "status") == {
        "order": "",
        "outcome": "invalid_signature",
        "status": 401,
    }


def test_each_api_call_logs_one_line_with_the_order_and_status(client, order_factory, caplog):
    order = order_factory()
    token = issue_token("ERP Bling")[1]

    def approve():
        return client.post(
            f"/api/v1/orders/{order.number}/status",
            {"status": "aprovado"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    with caplog.at_level(logging.INFO):
        approve()
        approve()

    done, refused = (as_json(record) for record in logged(caplog, "api_call"))
    assert done["logger"] == refused["logger"] == "integrations.api"
    assert fields(done, "order", "outcome", "status") == {
        "order": order.number,
        "outcome": "ok",
        "status": 200,
    }
    assert fields(refused, "order", "outcome", "status") == {
        "order": order.number,
        "outcome": "already_used",
        "status": 409,
    }
