"""Outbound webhooks to a real receiving server on 127.0.0.1 (issue 13, part 2)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from integrations.outbound.delivery import deliver, sweep
from integrations.outbound.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from jetorders.signing import sign
from orders.actors import Actor
from orders.services import order_process
from orders.statuses import OrderStatus
from tests.factories import OrderFactory, support_user
from tests.integrations.fake_servers import Received, serve
from tests.orders.test_admin_processing import post_data, process_url

DOCS = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"
ALL_EVENTS = ["order.status_changed", "order.tracking_event", "order.payment_event"]


def ok(request: Received) -> tuple[int, str, bytes]:
    return 200, "application/json", b"{}"


@pytest.fixture(autouse=True)
def _plain_http_to_loopback_allowed(settings):
    # The receiver is http://127.0.0.1 (the test runner turns DEBUG off; https is then required).
    settings.DEBUG = True
    settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def receiver():
    with serve(ok) as server:
        yield server


def endpoint_for(server, events=None) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        url=f"{server.url}/hooks/jet", events=events or ALL_EVENTS, description="ERP"
    )


def bodies(server) -> list[dict]:
    return [json.loads(request.body) for request in server.received]


def make_due() -> None:
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


# Committed for real: the worker's after-commit kick runs as in production.
@pytest.mark.django_db(transaction=True)
def test_each_event_is_delivered_once_in_the_order_it_happened(receiver):
    endpoint = endpoint_for(receiver)

    order = OrderFactory(status=OrderStatus.DESPACHADO)

    sent = bodies(receiver)
    assert [body["data"]["to_status"] for body in sent] == ["novo", "aprovado", "despachado"]
    assert {body["type"] for body in sent} == {"order.status_changed"}
    assert {body["order"] for body in sent} == {order.number}
    assert len({body["id"] for body in sent}) == 3
    assert sent[2]["data"]["fields"]["tracking_code"] == "AA123456785BR"
    assert sent[1]["data"]["from_status"] == "novo"
    assert all(r.headers["x-jet-event"] == "order.status_changed" for r in receiver.received)
    assert WebhookDelivery.objects.filter(endpoint=endpoint, status="sent").count() == 3

    # Nothing left for the sweeper: one delivery per event, never two.
    make_due()
    assert sweep() == 0
    assert len(receiver.received) == 3


# Committed for real: the worker's after-commit kick runs as in production.
@pytest.mark.django_db(transaction=True)
def test_a_receiver_failing_three_times_gets_the_event_exactly_once_more():
    answers = iter([500, 502, 503])

    def flaky(request: Received) -> tuple[int, str, bytes]:
        return next(answers, 200), "application/json", b"{}"

    with serve(flaky) as server:
        endpoint_for(server, ["order.status_changed"])
        order = OrderFactory()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.RETRY
        # Backoff with jitter: the retry is not due at once.
        assert delivery.next_attempt_at > timezone.now()

        # A later event of the same order waits behind the failing one.
        order_process(order, to_status=OrderStatus.APROVADO, by=Actor.system())
        assert len(server.received) == 1

        for _attempt in range(3):
            make_due()
            sweep()

    first = WebhookDelivery.objects.order_by("pk").first()
    assert first.status == DeliveryStatus.SENT
    assert first.attempts == 4
    attempts = list(first.attempt_log.values_list("status_code", flat=True))
    assert attempts == [500, 502, 503, 200]
    assert all(a.duration_ms >= 0 for a in first.attempt_log.all())
    # 4 attempts of the first event, then the second event once, in order.
    sent = [json.loads(r.body) for r in server.received]
    assert [b["data"]["to_status"] for b in sent] == ["novo"] * 4 + ["aprovado"]
    assert len({b["id"] for b in sent[:4]}) == 1


@pytest.mark.django_db
def test_a_delivery_ends_failed_after_the_attempt_limit(settings):
    settings.OUTBOUND_WEBHOOKS_MAX_ATTEMPTS = 3
    with serve(lambda request: (500, "text/plain", b"no")) as server:
        endpoint_for(server)
        OrderFactory()
        delivery = WebhookDelivery.objects.get()
        for _attempt in range(5):
            make_due()
            deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.get_status_display() == "Falhou"
    assert len(server.received) == 3


def documented_python_verifier():
    text = DOCS.read_text()
    code = re.search(r"```python\n(.*?)```", text, flags=re.DOTALL)[1]
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - our own documentation's snippet
    return namespace["verify_jet_signature"]


# Committed for real: the worker's after-commit kick runs as in production.
@pytest.mark.django_db(transaction=True)
def test_the_signature_verifies_with_the_documented_recipes(receiver, tmp_path):
    endpoint = endpoint_for(receiver)
    OrderFactory()
    request = receiver.received[0]
    header = request.headers["x-jet-signature"]

    verify = documented_python_verifier()
    assert verify(header, request.body, endpoint.secret)
    assert not verify(header, request.body + b" ", endpoint.secret)
    assert not verify(header, request.body, "outro-segredo")

    if shutil.which("openssl") is None:
        return
    command = re.search(r"```sh\n(.*?)```", DOCS.read_text(), flags=re.DOTALL)[1].strip()
    (tmp_path / "body.json").write_bytes(request.body)
    timestamp, signature = re.match(r"t=(\d+),v1=([0-9a-f]+)", header).groups()
    output = subprocess.run(
        ["sh", "-c", command],
        cwd=tmp_path,
        env={"T": timestamp, "SECRET": endpoint.secret, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=True,
        text=True,
    ).stdout.strip()
    assert output == signature


@pytest.mark.django_db
def test_a_hanging_receiver_never_delays_the_admin_click(client, lojista, settings):
    from jetorders.celery import app

    release = threading.Event()

    def hang(request: Received) -> tuple[int, str, bytes]:
        release.wait(10)
        return 200, "application/json", b"{}"

    with serve(hang) as server:
        endpoint_for(server)
        order = OrderFactory(status=OrderStatus.APROVADO)
        client.force_login(lojista)
        # As in production: the request only queues a task; a worker delivers it.
        app.conf.task_always_eager = False
        try:
            started = time.monotonic()
            response = client.post(process_url(order), post_data(order, "em_producao"))
            took = time.monotonic() - started
        finally:
            app.conf.task_always_eager = True
        assert response.status_code == 302
        assert took < 1.0, f"the admin click took {took:.2f} s"
        assert server.received == []

        # The worker's attempt gives up after the read timeout and is retried later.
        settings.OUTBOUND_WEBHOOKS_TIMEOUT = (1, 0.5)
        WebhookDelivery.objects.exclude(payload__data__to_status="em_producao").update(
            status=DeliveryStatus.SENT
        )
        delivery = WebhookDelivery.objects.get(payload__data__to_status="em_producao")
        started = time.monotonic()
        assert deliver(delivery.pk).outcome == "retry"
        assert time.monotonic() - started < 3
        release.set()
    delivery.refresh_from_db()
    assert "Timeout" in delivery.last_error


@pytest.mark.django_db
def test_resending_from_the_admin_is_instant_and_sends_again(client, settings):
    from jetorders.celery import app

    with serve(ok) as server:
        endpoint_for(server)
        OrderFactory()
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.update(status=DeliveryStatus.DEAD)
        client.force_login(support_user())
        url = reverse("admin:integrations_webhookdelivery_changelist")
        data = {"action": "resend_deliveries", "_selected_action": [delivery.pk]}
        app.conf.task_always_eager = False
        try:
            started = time.monotonic()
            response = client.post(url, data)
            took = time.monotonic() - started
        finally:
            app.conf.task_always_eager = True
        assert response.status_code == 302
        assert took < 1.0
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING
        assert sweep() == 1
        assert len(server.received) == 1

        page = client.get(reverse("admin:integrations_webhookdelivery_change", args=[delivery.pk]))
        assert page.status_code == 200
        assert "latência (ms)" in page.content.decode().lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.5/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://100.64.0.1/hook",
        "http://93.184.216.34/hook",
        "ftp://93.184.216.34/hook",
        "https://usuario:senha@93.184.216.34/hook",
    ],
)
def test_private_addresses_and_plain_http_are_refused_in_production(settings, url):
    settings.DEBUG = False
    settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = False
    endpoint = WebhookEndpoint(url=url, events=ALL_EVENTS)

    with pytest.raises(ValidationError) as refused:
        endpoint.full_clean()

    assert "url" in refused.value.message_dict


@pytest.mark.django_db
def test_a_public_https_address_is_accepted_in_production(settings):
    settings.DEBUG = False
    settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = False
    WebhookEndpoint(url="https://93.184.216.34/hook", events=ALL_EVENTS).full_clean()


# Committed for real: the worker's after-commit kick runs as in production.
@pytest.mark.django_db(transaction=True)
def test_a_private_endpoint_saved_anyway_is_never_called_in_production(receiver, settings):
    endpoint_for(receiver)
    settings.DEBUG = False
    settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = False

    OrderFactory()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DEAD
    assert receiver.received == []
    assert "Somente URLs https://" in delivery.last_error


@pytest.mark.django_db
def test_scans_and_payment_events_are_sent_too(receiver, client, settings):
    from integrations.carriers.adapters import Scan
    from integrations.carriers.apply import apply_scans
    from orders.tracking_events import ScanKind

    endpoint_for(receiver, ["order.tracking_event", "order.payment_event"])
    order = OrderFactory(status=OrderStatus.DESPACHADO)
    scan = Scan(
        "RO/01", ScanKind.IN_TRANSIT, "Objeto em transferência", "CAJAMAR / SP", timezone.now()
    )
    apply_scans(order, carrier="Correios", scans=[scan])
    apply_scans(order, carrier="Correios", scans=[scan])

    settings.PAYMENT_WEBHOOK_SECRET = ["segredo"]
    body = json.dumps(
        {"id": "evt-1", "type": "payment.refunded", "order": order.number, "created": 1}
    ).encode()
    response = client.post(
        "/webhooks/pagamentos/",
        body,
        content_type="application/json",
        HTTP_X_JET_SIGNATURE=sign("segredo", body, int(time.time())),
    )
    assert response.status_code == 200

    kinds = list(WebhookDelivery.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["order.tracking_event", "order.payment_event"]
    tracking = WebhookDelivery.objects.get(kind="order.tracking_event").payload
    assert tracking["data"]["kind"] == "in_transit"
    assert tracking["data"]["place"] == "CAJAMAR / SP"
    payment = WebhookDelivery.objects.get(kind="order.payment_event").payload
    assert payment["data"]["kind"] == "refunded"
    assert payment["data"]["needs_attention"] is True
