"""Outbound webhooks through the real parts: Redis as the broker, `celery -A jetorders worker`
as the sender, and a receiving HTTP server on 127.0.0.1 (issue 13; docs/reliability.md R33).

The test process only changes orders, as the admin and the API do; everything after the
commit (the kick, the POST, the retries with backoff) happens in the worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest
from django.utils import timezone

from integrations.carriers.adapters import Scan
from integrations.carriers.apply import apply_scans
from integrations.outbound import endpoints
from integrations.outbound.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from orders.actors import Actor
from orders.services import order_process
from orders.statuses import OrderStatus
from orders.tracking_events import ScanKind
from tests.factories import OrderFactory, staff_user
from tests.integrations.fake_servers import Received, serve
from tests.integrations.test_outbound_webhooks import documented_python_verifier
from tests.orders.test_admin_processing import post_data, process_url
from tests.reliability.conftest import ROOT, database_url, wait_for

pytestmark = pytest.mark.postgres

# The worker may POST to 127.0.0.1 (plain http: DEBUG is on in the test environment), and
# retries come within seconds instead of minutes.
WORKER_ENV = {
    "OUTBOUND_WEBHOOKS_ALLOW_PRIVATE": "true",
    "OUTBOUND_WEBHOOKS_RETRY_BASE_SECONDS": "1",
    "OUTBOUND_WEBHOOKS_RETRY_MAX_SECONDS": "4",
}
ALL_EVENTS = ["order.status_changed", "order.tracking_event", "order.payment_event"]


def ok(request: Received) -> tuple[int, str, bytes]:
    return 200, "application/json", b"{}"


def endpoint_for(server, events=None) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        url=f"{server.url}/hooks/jet", events=events or ALL_EVENTS
    )


def all_sent(count: int):
    return lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SENT).count() == count


def what(request: Received) -> str:
    body = json.loads(request.body)
    data = body["data"]
    return f"{body['order']}:{data.get('to_status') or data.get('code')}"


def test_every_event_reaches_the_receiver_once_in_order_and_signed(worker_factory):
    worker = worker_factory(**WORKER_ENV)
    worker.start()
    with serve(ok) as receiver:
        endpoint = endpoint_for(receiver)

        # given: two orders changing at once, one of them scanned by the carrier
        first = OrderFactory(status=OrderStatus.DESPACHADO)
        second = OrderFactory(status=OrderStatus.APROVADO)
        now = timezone.now()
        apply_scans(
            first,
            carrier="Correios",
            scans=[
                Scan("PO/01", ScanKind.POSTED, "Objeto postado", "SAO PAULO / SP", now),
                Scan("RO/01", ScanKind.IN_TRANSIT, "Objeto em transferência", "CAJAMAR / SP", now),
            ],
        )
        order_process(second, to_status=OrderStatus.CANCELADO, by=Actor.system(),
                      fields={"reason": "Cliente desistiu"})  # fmt: skip

        # when: the worker has sent everything (3 + 2 scans + TRACKING; 3 for the second)
        expected = WebhookDelivery.objects.count()
        assert expected == 9
        wait_for(all_sent(expected), 30, f"9 deliveries\n{worker.log()}")
        time.sleep(1.5)  # nothing more may come

    # then: each event exactly once, each order's events in the order they happened
    got = receiver.received
    assert len(got) == expected
    assert len({json.loads(r.body)["id"] for r in got}) == expected
    per_order = {
        order.number: [what(r) for r in got if json.loads(r.body)["order"] == order.number]
        for order in (first, second)
    }
    n1, n2 = first.number, second.number
    assert per_order[n1] == [
        f"{n1}:novo", f"{n1}:aprovado", f"{n1}:despachado", f"{n1}:PO/01", f"{n1}:RO/01",
        f"{n1}:tracking",
    ]  # fmt: skip
    assert per_order[n2] == [f"{n2}:novo", f"{n2}:aprovado", f"{n2}:cancelado"]
    # and each one verifies with the recipe in docs/integrations.md
    verify = documented_python_verifier()
    for request in got:
        assert verify(request.headers["x-jet-signature"], request.body, endpoint.secret)
        assert request.headers["x-jet-event"] == json.loads(request.body)["type"]


def test_a_receiver_failing_three_times_gets_the_event_exactly_once_more(worker_factory):
    worker = worker_factory(**WORKER_ENV)
    worker.start()
    answers = iter([500, 502, 503])

    def flaky(request: Received) -> tuple[int, str, bytes]:
        return next(answers, 200), "application/json", b"{}"

    with serve(flaky) as receiver:
        endpoint_for(receiver, ["order.status_changed"])

        # given: a new order whose first event meets three failures, and a second event
        # made while the first is still being retried
        order = OrderFactory()
        wait_for(lambda: len(receiver.received) >= 1, 20, f"the first attempt\n{worker.log()}")
        order_process(order, to_status=OrderStatus.APROVADO, by=Actor.system())

        # when: the worker's retries (backoff 1, 2, 4 s with jitter) go through
        wait_for(all_sent(2), 40, f"both deliveries\n{worker.log()}")
        time.sleep(2)  # no late duplicate

    # then: the first event four times (same id), the second once and only after it
    bodies = [json.loads(r.body) for r in receiver.received]
    assert [b["data"]["to_status"] for b in bodies] == ["novo"] * 4 + ["aprovado"]
    assert len({b["id"] for b in bodies[:4]}) == 1
    first = WebhookDelivery.objects.order_by("pk").first()
    assert list(first.attempt_log.values_list("status_code", flat=True)) == [500, 502, 503, 200]
    # each retry waited its backoff: no two attempts within a second of each other
    starts = list(first.attempt_log.values_list("started_at", flat=True))
    assert all((b - a).total_seconds() >= 0.7 for a, b in zip(starts, starts[1:], strict=False))


def test_a_hanging_receiver_never_delays_the_admin_click(worker_factory, client):
    worker = worker_factory(**WORKER_ENV, OUTBOUND_WEBHOOKS_TIMEOUT="20")
    worker.start()
    release = threading.Event()

    def hang(request: Received) -> tuple[int, str, bytes]:
        release.wait(15)
        return 200, "application/json", b"{}"

    with serve(hang) as receiver:
        endpoint_for(receiver, ["order.status_changed"])
        orders = [OrderFactory(status=OrderStatus.APROVADO) for _ in range(2)]
        # The worker is now stuck in the receiver with the first order's NOVO.
        wait_for(lambda: receiver.received, 20, f"the worker to reach the receiver\n{worker.log()}")
        client.force_login(staff_user())

        # when: staff process both orders while the receiver hangs
        took = []
        for order in orders:
            started = time.monotonic()
            response = client.post(process_url(order), post_data(order, "em_producao"))
            took.append(time.monotonic() - started)
            assert response.status_code == 302

        # then: each click returned at once, the order moved, and its event waits its turn
        assert max(took) < 1.0, f"admin clicks took {took}"
        for order in orders:
            order.refresh_from_db()
            assert order.status == OrderStatus.EM_PRODUCAO
        assert len(receiver.received) == 1
        release.set()
        wait_for(all_sent(WebhookDelivery.objects.count()), 40, f"all sent\n{worker.log()}")


def test_an_endpoint_registered_in_another_process_gets_the_very_next_change(
    postgres_db, redis_up, settings, monkeypatch
):
    # given: this process shares a Redis cache with the others, has read the endpoints (none)
    # and would not read them again for an hour on its own
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_up}
    }
    settings.OUTBOUND_WEBHOOKS_ENDPOINT_CACHE_SECONDS = 3600
    # Rows are what this test looks at; nobody sends them (the receiver does not exist).
    monkeypatch.setattr("integrations.outbound.listener.kick", lambda pk: None)
    endpoints.forget()
    order = OrderFactory()
    assert not WebhookDelivery.objects.exists()

    # when: another process (a staff member in the admin, on another web worker) saves one
    create = (
        "from integrations.outbound.models import WebhookEndpoint as E; "
        "E.objects.create(url='https://erp.exemplo.com.br/jet', events=['order.status_changed'])"
    )
    env = {**os.environ, "DATABASE_URL": database_url(), "CACHE_URL": redis_up}
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", create], cwd=ROOT, env=env, check=True,
        capture_output=True, timeout=60,
    )  # fmt: skip

    # then: the very next change here has a row for it
    order_process(order, to_status=OrderStatus.APROVADO, by=Actor.system())
    rows = WebhookDelivery.objects.filter(order=order)
    assert [row.payload["data"]["to_status"] for row in rows] == ["aprovado"]
