"""POST /webhooks/pagamentos/mercadopago/: Mercado Pago's x-signature and its payments API.

Only Mercado Pago's HTTP API is stubbed (the `responses` library); everything of ours is real.
"""

from __future__ import annotations

import http.server
import json
import threading
import time

import pytest
import requests
import responses

from orders.models import ActorKind
from orders.statuses import OrderStatus
from payments.mercadopago import manifest, verify
from payments.models import PaymentEvent
from payments.signing import SignatureError, hmac_hex

URL = "/webhooks/pagamentos/mercadopago/"
SECRET = "mp_golden_secret"
API = "https://api.mercadopago.com/v1/payments/"
REQUEST_ID = "bb56a2f1-6aae-46ac-982e-9dcd3581d08e"
TS = "1704908010"
# Computed independently of our code: HMAC-SHA256(SECRET, manifest) in hex.
GOLDEN = {
    ("123456789", REQUEST_ID): "def0c0c9d622119f6f5333346a97e089016678a44f84d44339cc51a30e3bcecb",
    ("ABC123", REQUEST_ID): "b1b0f1712c0986353b65bafd213d79d133dcc50b6d846fbd4c20ba28079ab245",
    ("123456789", ""): "355565e9815c3c924993e9a975abe117557aacb70abdd25f0fd62710e516ed1a",
}


@pytest.fixture(autouse=True)
def mercadopago_settings(settings, fresh_rate_limits):
    settings.MERCADOPAGO_WEBHOOK_SECRET = [SECRET]
    settings.MERCADOPAGO_ACCESS_TOKEN = "APP_USR-teste"


@pytest.fixture
def mp_api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def stub_payment(mp_api, payment_id: str, status: str, order) -> None:
    mp_api.get(
        API + payment_id,
        json={"id": int(payment_id), "status": status, "external_reference": order.number},
        match=[responses.matchers.header_matcher({"Authorization": "Bearer APP_USR-teste"})],
    )


def signed(payment_id="123456789", request_id=REQUEST_ID) -> str:
    """A header signed now: the golden vectors' TS is too old for the webhook to accept."""
    ts = str(int(time.time()))
    return f"ts={ts},v1={hmac_hex(SECRET, manifest(payment_id, request_id, ts).encode())}"


def post(client, payment_id="123456789", request_id=REQUEST_ID, *, header=None, body=None):
    if header is None:
        header = signed(payment_id, request_id)
    body = body or {"action": "payment.updated", "type": "payment", "data": {"id": payment_id}}
    return client.post(
        f"{URL}?data.id={payment_id}&type=payment",
        json.dumps(body),
        content_type="application/json",
        HTTP_X_SIGNATURE=header,
        HTTP_X_REQUEST_ID=request_id,
    )


@pytest.mark.parametrize(("data_id", "request_id"), list(GOLDEN))
def test_signature_matches_the_golden_vectors(data_id, request_id):
    header = f"ts={TS},v1={GOLDEN[data_id, request_id]}"
    verify(header, data_id, request_id, [SECRET], now=int(TS))
    assert manifest("ABC123", REQUEST_ID, TS) == f"id:abc123;request-id:{REQUEST_ID};ts:{TS};"
    assert manifest("123", "", TS) == f"id:123;ts:{TS};"


@pytest.mark.parametrize(
    ("data_id", "request_id", "header"),
    [
        ("123456788", REQUEST_ID, f"ts={TS},v1={GOLDEN['123456789', REQUEST_ID]}"),
        ("123456789", REQUEST_ID[:-1] + "f", f"ts={TS},v1={GOLDEN['123456789', REQUEST_ID]}"),
        ("123456789", REQUEST_ID, f"ts=1704908011,v1={GOLDEN['123456789', REQUEST_ID]}"),
        ("123456789", REQUEST_ID, f"ts={TS},v1=e{GOLDEN['123456789', REQUEST_ID][1:]}"),
        ("123456789", REQUEST_ID, f"v1={GOLDEN['123456789', REQUEST_ID]}"),
    ],
    ids=["data-id", "request-id", "ts", "signature", "no-ts"],
)
def test_golden_vector_with_one_byte_changed_is_refused(data_id, request_id, header):
    with pytest.raises(SignatureError):
        verify(header, data_id, request_id, [SECRET], now=int(TS))


def test_an_approved_payment_approves_the_order_as_mercado_pago(client, order_factory, mp_api):
    order = order_factory()
    stub_payment(mp_api, "123456789", "approved", order)

    response = post(client)

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO
    change = order.status_changes.get(to_status=OrderStatus.APROVADO)
    assert (change.actor_kind, change.actor_label) == (ActorKind.GATEWAY, "Mercado Pago")
    event = order.payment_events.get()
    assert (event.provider, event.outcome) == ("mercadopago", "applied")
    assert event.payload["payment"]["status"] == "approved"


@pytest.mark.parametrize(
    ("mp_status", "order_status", "outcome"),
    [
        ("pending", OrderStatus.EM_APROVACAO, "applied"),
        ("in_process", OrderStatus.EM_APROVACAO, "applied"),
        ("rejected", OrderStatus.CANCELADO, "applied"),
        ("cancelled", OrderStatus.CANCELADO, "applied"),
        ("refunded", OrderStatus.NOVO, "recorded"),
        ("charged_back", OrderStatus.NOVO, "recorded"),
    ],
)
def test_payment_statuses_map_as_in_the_design(
    client, order_factory, mp_api, mp_status, order_status, outcome
):
    order = order_factory()
    stub_payment(mp_api, "123456789", mp_status, order)

    assert post(client).json()["outcome"] == outcome

    order.refresh_from_db()
    assert order.status == order_status


def test_the_api_wins_over_what_the_notification_body_says(client, order_factory, mp_api):
    order = order_factory()
    stub_payment(mp_api, "123456789", "rejected", order)
    body = {"type": "payment", "status": "approved", "data": {"id": "123456789"}}

    post(client, body=body)

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO


def test_a_late_pending_after_approval_leaves_the_order_approved(client, order_factory, mp_api):
    order = order_factory()
    stub_payment(mp_api, "111", "approved", order)
    stub_payment(mp_api, "222", "pending", order)

    post(client, "111")
    late = post(client, "222")

    assert late.status_code == 200
    assert late.json()["outcome"] == "ignored"
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO


@pytest.mark.parametrize("part", ["data.id", "request-id", "signature"])
def test_a_tampered_notification_is_refused_before_calling_mercado_pago(
    client, order_factory, mp_api, part
):
    order = order_factory()
    stub_payment(mp_api, "123456789", "approved", order)
    good = signed()
    if part == "data.id":
        response = post(client, "123456788", header=good)
    elif part == "request-id":
        response = post(client, request_id=REQUEST_ID[:-1] + "0", header=good)
    else:
        # One hex digit changed (a fixed "0" would leave one signature in 16 untouched).
        response = post(client, header=good[:-1] + ("1" if good.endswith("0") else "0"))

    assert response.status_code == 401
    assert len(mp_api.calls) == 0
    assert not PaymentEvent.objects.exists()


@pytest.mark.parametrize(
    "failure",
    [requests.ConnectTimeout("timeout"), requests.ConnectionError("down"), 500],
    ids=["timeout", "connection", "http-500"],
)
def test_when_mercado_pago_is_down_we_answer_503_so_it_retries(
    client, order_factory, mp_api, failure
):
    order = order_factory()
    if isinstance(failure, int):
        mp_api.get(API + "123456789", status=failure)
    else:
        mp_api.get(API + "123456789", body=failure)

    response = post(client)

    assert response.status_code == 503
    assert response.json()["error"] == "gateway_unavailable"
    assert not PaymentEvent.objects.exists()
    # The retry, once Mercado Pago answers, goes through.
    mp_api.replace(
        responses.GET,
        API + "123456789",
        json={"status": "approved", "external_reference": order.number},
    )
    assert post(client).status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO


def test_the_same_notification_twice_is_one_event(client, order_factory, mp_api):
    order = order_factory()
    stub_payment(mp_api, "123456789", "approved", order)

    first, second = post(client), post(client)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["duplicate"] is True
    assert PaymentEvent.objects.count() == 1


def test_a_payment_for_an_unknown_order_is_refused(client, db, mp_api):
    mp_api.get(API + "123456789", json={"status": "approved", "external_reference": "999"})

    response = post(client)

    assert response.status_code == 404
    assert response.json()["error"] == "unknown_order"
    assert not PaymentEvent.objects.exists()


def test_other_topics_are_acknowledged_without_fetching_anything(client, db, mp_api):
    body = {"type": "merchant_order", "data": {"id": "123456789"}}
    header = signed()
    response = client.post(
        f"{URL}?data.id=123456789&type=merchant_order",
        json.dumps(body),
        content_type="application/json",
        HTTP_X_SIGNATURE=header,
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )

    assert response.status_code == 200
    assert len(mp_api.calls) == 0
    assert not PaymentEvent.objects.exists()


def test_without_a_configured_secret_every_notification_is_refused(client, db, settings):
    settings.MERCADOPAGO_WEBHOOK_SECRET = []

    response = post(client)

    assert response.status_code == 401
    assert response.json()["detail"] == "Webhook sem segredo configurado."


def test_a_slow_mercado_pago_cannot_hold_the_webhook_beyond_its_timeout(
    client, order_factory, settings
):
    # given a real HTTP server standing in for Mercado Pago that answers after 3 seconds
    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(3)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MERCADOPAGO_API_URL = f"http://127.0.0.1:{server.server_port}"
    settings.MERCADOPAGO_TIMEOUT = (0.5, 0.5)
    order_factory()

    # when a notification arrives
    started = time.monotonic()
    response = post(client)
    elapsed = time.monotonic() - started
    server.shutdown()

    # then we give up quickly and ask Mercado Pago to retry later
    assert response.status_code == 503
    assert elapsed < 2
    assert not PaymentEvent.objects.exists()
