"""Signed notifications are refused when their signed time is too far from now, either way.

A second, independent proof of each time guard: unit tests of the verify functions and posts
through the real webhook views, for our JET format and for Mercado Pago (seconds or ms).
"""

from __future__ import annotations

import json
import time

import pytest
import responses
from django.core.cache import cache

from orders.statuses import OrderStatus
from payments import mercadopago
from payments.models import PaymentEvent
from payments.signing import TOLERANCE_SECONDS, SignatureError, hmac_hex, sign, verify

JET_URL = "/webhooks/pagamentos/"
MP_URL = "/webhooks/pagamentos/mercadopago/"
SECRET = "whsec_guardas"
MP_SECRET = "mp_guardas"
REQUEST_ID = "bb56a2f1-6aae-46ac-982e-9dcd3581d08e"
NOW = 1_764_115_200
BODY = b'{"id":"evt_1","type":"payment.approved","order":"100001","created":1764115200}'


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.PAYMENT_WEBHOOK_SECRET = [SECRET]
    settings.MERCADOPAGO_WEBHOOK_SECRET = [MP_SECRET]
    settings.MERCADOPAGO_ACCESS_TOKEN = "APP_USR-teste"
    cache.clear()


# JET format: unit tests of verify ------------------------------------------------------


@pytest.mark.parametrize("offset", [0, TOLERANCE_SECONDS, -TOLERANCE_SECONDS])
def test_jet_accepts_a_time_within_tolerance_either_way(offset):
    header = sign(SECRET, BODY, NOW + offset)

    assert verify(header, BODY, [SECRET], now=NOW) == NOW + offset


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (TOLERANCE_SECONDS + 1, "Assinatura com horário no futuro"),
        (3600, "Assinatura com horário no futuro"),
        (-TOLERANCE_SECONDS - 1, "Assinatura expirada"),
        (-86400, "Assinatura expirada"),
    ],
    ids=["future-301", "future-hour", "past-301", "past-day"],
)
def test_jet_refuses_a_correctly_signed_time_beyond_tolerance(offset, message):
    header = sign(SECRET, BODY, NOW + offset)

    with pytest.raises(SignatureError) as error:
        verify(header, BODY, [SECRET], now=NOW)

    assert error.value.detail.startswith(message)


# JET format: through the real webhook view ----------------------------------------------


def jet_post(client, order, signed_at: int):
    body = json.dumps(
        {"id": "evt_g", "type": "payment.approved", "order": order.number, "created": signed_at}
    ).encode()
    return client.post(
        JET_URL,
        body,
        content_type="application/json",
        HTTP_X_JET_SIGNATURE=sign(SECRET, body, signed_at),
    )


@pytest.mark.parametrize(
    ("offset", "message"),
    [(301, "Assinatura com horário no futuro"), (-301, "Assinatura expirada")],
    ids=["future", "past"],
)
def test_the_jet_webhook_refuses_a_time_beyond_tolerance_and_changes_nothing(
    client, order_factory, offset, message
):
    order = order_factory()

    response = jet_post(client, order, int(time.time()) + offset)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_signature"
    assert response.json()["detail"].startswith(message)
    assert not PaymentEvent.objects.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.NOVO


def test_the_jet_webhook_accepts_a_time_slightly_ahead(client, order_factory):
    # Senders' clocks drift: a few seconds ahead is normal and accepted.
    order = order_factory()

    response = jet_post(client, order, int(time.time()) + 30)

    assert response.status_code == 200


# Mercado Pago ---------------------------------------------------------------------------


def mp_header(ts: str, data_id: str = "123456789") -> str:
    message = mercadopago.manifest(data_id, REQUEST_ID, ts).encode()
    return f"ts={ts},v1={hmac_hex(MP_SECRET, message)}"


@pytest.mark.parametrize(
    "ts",
    [str(NOW), str(NOW * 1000), str(NOW * 1000 + 999), str(NOW - 299), str((NOW + 299) * 1000)],
    ids=["seconds", "milliseconds", "milliseconds-fraction", "seconds-299-ago", "ms-299-ahead"],
)
def test_mercadopago_accepts_ts_in_seconds_or_milliseconds(ts):
    mercadopago.verify(mp_header(ts), "123456789", REQUEST_ID, [MP_SECRET], now=NOW)


@pytest.mark.parametrize(
    ("ts", "message"),
    [
        (str(NOW - 301), "Assinatura expirada"),
        (str((NOW - 301) * 1000), "Assinatura expirada"),
        (str(NOW + 301), "Assinatura com horário no futuro"),
        (str((NOW + 301) * 1000), "Assinatura com horário no futuro"),
        ("1", "Assinatura expirada"),
        ("9" * 13, "Assinatura com horário no futuro"),
    ],
    ids=["stale-s", "stale-ms", "future-s", "future-ms", "epoch", "far-future"],
)
def test_mercadopago_refuses_ts_beyond_tolerance(ts, message):
    with pytest.raises(SignatureError) as error:
        mercadopago.verify(mp_header(ts), "123456789", REQUEST_ID, [MP_SECRET], now=NOW)

    assert error.value.detail.startswith(message)


@pytest.mark.parametrize("ts", ["", "abc", "1" * 14, "１７６４１１５２００", "-1764115200"])
def test_mercadopago_refuses_a_malformed_ts(ts):
    header = mp_header(ts) if ts else f"v1={'0' * 64}"

    with pytest.raises(SignatureError) as error:
        mercadopago.verify(header, "123456789", REQUEST_ID, [MP_SECRET], now=NOW)

    assert error.value.detail == "Assinatura ausente ou malformada."


def mp_post(client, ts: str):
    return client.post(
        f"{MP_URL}?data.id=123456789&type=payment",
        json.dumps({"type": "payment", "data": {"id": "123456789"}}),
        content_type="application/json",
        HTTP_X_SIGNATURE=mp_header(ts),
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )


@pytest.mark.parametrize("unit", [1, 1000], ids=["seconds", "milliseconds"])
def test_the_mercadopago_webhook_accepts_a_fresh_ts_in_either_unit(client, order_factory, unit):
    order = order_factory()
    with responses.RequestsMock() as mock:
        mock.get(
            "https://api.mercadopago.com/v1/payments/123456789",
            json={"id": 123456789, "status": "approved", "external_reference": order.number},
        )
        response = mp_post(client, str(int(time.time() * unit)))

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO


@pytest.mark.parametrize(
    ("offset", "unit"),
    [(-301, 1), (-301, 1000), (301, 1), (301, 1000)],
    ids=["stale-s", "stale-ms", "future-s", "future-ms"],
)
def test_the_mercadopago_webhook_refuses_a_ts_beyond_tolerance_before_fetching(
    client, order_factory, offset, unit
):
    order_factory()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get("https://api.mercadopago.com/v1/payments/123456789", json={})
        response = mp_post(client, str(int((time.time() + offset) * unit)))
        assert len(mock.calls) == 0

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_signature"
    assert not PaymentEvent.objects.exists()
