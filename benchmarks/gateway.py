"""Gateway burst and the API: signed webhook notifications/s through the real view (a quarter
of them repeated), API order creations/s and API status changes/s."""

from __future__ import annotations

import json
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from benchmarks.data import make_orders
from benchmarks.table import Row, rate, sample
from integrations.tokens import issue_token
from payments.signing import sign

ORDER_BODY = {
    "customer_name": "Cliente da Black Friday",
    "customer_email": "cliente@exemplo.com.br",
    "shipping_cost": "10.00",
    "total": "129.80",
    "items": [{"description": "Camiseta", "quantity": 2, "unit_price": "59.90"}],
}


def webhooks_per_second(count: int) -> float:
    secret = settings.PAYMENT_WEBHOOK_SECRET[0]
    orders = make_orders(count)
    batch = uuid.uuid4().hex[:8]
    bodies = [
        json.dumps(
            {"id": f"{batch}-{n}", "type": "payment.approved", "order": order.number}
        ).encode()
        for n, order in enumerate(orders)
    ]
    # Gateways repeat themselves: a quarter of the notifications arrive twice.
    bodies += bodies[: count // 4]
    client, url = Client(), reverse("payment_webhook")

    def burst() -> None:
        for body in bodies:
            header = sign(secret, body, int(time.time()))
            response = client.post(
                url, body, content_type="application/json", HTTP_X_JET_SIGNATURE=header
            )
            assert response.status_code == 200, response.content

    return rate(len(bodies), burst)


def api_client() -> tuple[Client, dict]:
    _token, raw = issue_token(f"bench-{uuid.uuid4().hex[:6]}")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def creations_per_second(count: int) -> float:
    client, auth = api_client()
    body = json.dumps(ORDER_BODY)

    def create() -> None:
        for _ in range(count):
            response = client.post("/api/v1/orders", body, content_type="application/json", **auth)
            assert response.status_code == 201, response.content

    return rate(count, create)


def status_changes_per_second(count: int) -> float:
    client, auth = api_client()
    orders = make_orders(count)
    body = json.dumps({"status": "aprovado"})

    def change() -> None:
        for order in orders:
            response = client.post(
                f"/api/v1/orders/{order.number}/status",
                body,
                content_type="application/json",
                **auth,
            )
            assert response.status_code == 200, response.content

    return rate(count, change)


def bench_gateway(rows: list[Row], count: int, runs: int) -> None:
    # The limits stop abuse; a bench is a burst on purpose.
    settings.PAYMENT_WEBHOOK_RATE_LIMIT = settings.INTEGRATION_API_RATE_LIMIT = "1000000/m"
    settings.INTEGRATION_API_ADDRESS_RATE_LIMIT = "1000000/m"
    cache.clear()
    rows.append(
        Row("gateway", "webhooks assinados (25 % repetidos)", "notificações/s",
            *sample(lambda: webhooks_per_second(count), runs))
    )  # fmt: skip
    rows.append(
        Row("API", "criação de pedidos", "pedidos/s",
            *sample(lambda: creations_per_second(count), runs))
    )  # fmt: skip
    rows.append(
        Row("API", "mudanças de status", "alterações/s",
            *sample(lambda: status_changes_per_second(count), runs))
    )  # fmt: skip
