"""R28 load (docs/reliability.md): staff sessions processing orders at random while
gateways replay approvals.

Eight staff members click "Processar pedido" on random orders (often from stale screens)
while the gateway sends each order's approval and review events three times, out of order.
Afterwards no request failed, nothing deadlocked, and every order still obeys the rules.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from functools import partial

import pytest
from django.test import Client

from notifications.models import EmailOutbox
from orders.emails import dedupe_key
from orders.models import Order, OrderStatusChange
from orders.statuses import OrderStatus
from payments.models import PaymentEvent
from payments.signing import sign
from tests.admin_urls import process_url
from tests.concurrency import run_at_once
from tests.confirming import post_confirmed
from tests.factories import OrderFactory, dispatch_fields, staff_user

SECRET = "whsec_carga"
STAFF_SESSIONS = 8
CLICKS_PER_SESSION = 25
ORDERS = 40


def admin_post(client: Client, order: Order, to_status: str, seen_status: str) -> int:
    data = {"expected_status": seen_status, "to_status": to_status, "message": "", "note": ""}
    if to_status == OrderStatus.DESPACHADO:
        data |= {f"despachado-{k}": v for k, v in dispatch_fields(order.pk + 1000).items()}
    if to_status == OrderStatus.CANCELADO:
        data["cancelado-reason"] = "Cliente desistiu"
    # A cancellation asks first (its Motivo is e-mailed): staff confirm, as they do.
    return post_confirmed(client, process_url(order), data).status_code


def webhook_post(client: Client, body: bytes) -> int:
    header = sign(SECRET, body, int(time.time()))
    return client.post(
        "/webhooks/pagamentos/",
        body,
        content_type="application/json",
        HTTP_X_JET_SIGNATURE=header,
    ).status_code


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_rate_limits")
def test_black_friday_load_keeps_every_order_consistent(postgres, settings):
    # given
    settings.PAYMENT_WEBHOOK_SECRET = [SECRET]
    orders = [OrderFactory() for _ in range(ORDERS)]
    users = [staff_user(username=f"loja{i}") for i in range(STAFF_SESSIONS)]
    events = []
    for order in orders:
        for kind in ("in_review", "approved"):
            body = {"id": f"evt_{kind}_{order.number}", "type": f"payment.{kind}"}
            body |= {"order": order.number, "created": int(time.time())}
            events += [json.dumps(body).encode()] * 3
    random.Random(7).shuffle(events)
    codes: Counter[int] = Counter()
    lock = threading.Lock()

    def record(code: int) -> None:
        with lock:
            codes[code] += 1

    def staff_session(user, seed: int) -> None:
        rng = random.Random(seed)
        client = Client()
        client.force_login(user)
        for _ in range(CLICKS_PER_SESSION):
            order = rng.choice(orders)
            seen = Order.objects.values_list("status", flat=True).get(pk=order.pk)
            record(admin_post(client, order, rng.choice(list(OrderStatus)), seen))

    def gateway(share: list[bytes]) -> None:
        client = Client()
        for body in share:
            record(webhook_post(client, body))

    sessions = [partial(staff_session, user, i) for i, user in enumerate(users)]
    sessions += [partial(gateway, events[i::2]) for i in range(2)]
    # when (run_at_once fails the test if a session is still running: a request hung)
    started = time.monotonic()
    results = run_at_once(*sessions, timeout=240)
    elapsed = time.monotonic() - started
    # then: no crash, no server error
    failures = [repr(result) for result in results if isinstance(result, Exception)]
    assert not failures, failures
    assert all(code < 500 for code in codes), codes
    assert sum(codes.values()) == STAFF_SESSIONS * CLICKS_PER_SESSION + len(events)
    # and every order still obeys the rules
    changes = list(OrderStatusChange.objects.order_by("created_at", "id"))
    for order in Order.objects.all():
        active = [c.to_status for c in changes if c.order_id == order.pk and not c.revoked]
        assert len(active) == len(set(active)), (order.number, active)
        assert active[-1] == order.status
    # one e-mail per change, one stored event per gateway notification
    assert EmailOutbox.objects.count() == len(changes)
    keys = set(EmailOutbox.objects.values_list("dedupe_key", flat=True))
    assert keys == {dedupe_key(c) for c in changes}
    assert PaymentEvent.objects.count() == len(set(events))
    print(f"\n{sum(codes.values())} requests in {elapsed:.1f}s: {dict(codes)}")  # noqa: T201
