"""Hypothesis against both webhooks: whatever arrives, never a 500, and no write unless signed."""

from __future__ import annotations

import json
import os
import time
from urllib.parse import quote

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.mercadopago import manifest
from payments.models import PaymentEvent
from payments.signing import hmac_hex, sign

SECRET = "segredo-fuzz"
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=120)


@pytest.fixture(autouse=True)
def webhook_settings(settings, fresh_rate_limits):
    settings.PAYMENT_WEBHOOK_SECRET = [SECRET]
    settings.MERCADOPAGO_WEBHOOK_SECRET = [SECRET]
    settings.PAYMENT_WEBHOOK_RATE_LIMIT = "100000/m"


@pytest.fixture
def order(order_factory):
    """One order for all of a test's examples (function-scoped fixtures run once per test)."""
    return order_factory()


def post(client, body: bytes, header: str):
    return client.post(
        "/webhooks/pagamentos/", body, content_type="application/json", HTTP_X_JET_SIGNATURE=header
    )


@FUZZ
@given(body=st.binary(max_size=300), header=header_text)
def test_unsigned_garbage_is_a_4xx_and_writes_nothing(client, db, body, header):
    response = post(client, body, header)

    assert 400 <= response.status_code < 500
    assert response.json()["detail"]
    assert not PaymentEvent.objects.exists()


@FUZZ
@given(
    event_id=json_values,
    kind=st.sampled_from(["approved", "in_review", "rejected", "refunded", "chargeback", "x"]),
    extra=st.dictionaries(st.text(max_size=8), json_values, max_size=3),
    cut=st.none() | st.integers(min_value=0, max_value=200),
    resign=st.booleans(),
)
def test_mutated_notifications_never_fail_the_server(
    client, order, event_id, kind, extra, cut, resign
):
    original = json.dumps({"id": "evt", "type": "payment.approved", "order": order.number})
    body = json.dumps(
        {**extra, "id": event_id, "type": f"payment.{kind}", "order": order.number}
    ).encode()
    if cut is not None:
        body = body[:cut]
    now = int(time.time())
    header = sign(SECRET, body if resign else original.encode(), now)
    events_before = PaymentEvent.objects.count()

    response = post(client, body, header)

    assert response.status_code < 500
    if not resign and body != original.encode():
        assert response.status_code == 401
        assert PaymentEvent.objects.count() == events_before
    if response.status_code == 200:
        # Idempotent: the same signed notification again changes nothing.
        again = post(client, body, header)
        assert again.json()["duplicate"] is True


@FUZZ
@given(
    data_id=st.text(max_size=20) | st.from_regex(r"\A[0-9]{1,12}\Z"),
    request_id=header_text,
    status=st.sampled_from(["approved", "pending", "rejected", "refunded", "weird", ""]),
    signed=st.booleans(),
    body=st.binary(max_size=80)
    | st.builds(
        lambda action: json.dumps({"type": "payment", "action": action}).encode(),
        json_values,
    ),
)
def test_mercadopago_fuzz_never_fails_the_server(
    client, order, data_id, request_id, status, signed, body
):
    ts = str(int(time.time()))
    v1 = hmac_hex(SECRET, manifest(data_id, request_id, ts).encode()) if signed else "0" * 64
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(
            responses.matchers.re.compile(r"https://api\.mercadopago\.com/v1/payments/.*"),
            json={"status": status, "external_reference": order.number},
        )
        response = client.post(
            "/webhooks/pagamentos/mercadopago/",
            body,
            content_type="application/json",
            QUERY_STRING=f"type=payment&data.id={quote(data_id)}",
            HTTP_X_SIGNATURE=f"ts={ts},v1={v1}",
            HTTP_X_REQUEST_ID=request_id,
        )

    assert response.status_code < 500
    if not signed:
        # A NUL byte or an oversized request id is refused as malformed (400) before the
        # signature is even read; anything else unsigned is a 401.
        malformed = "\x00" in data_id + request_id or len(request_id) > 150
        assert response.status_code == (400 if malformed else 401)
