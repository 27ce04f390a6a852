"""The API under fuzzing: random payloads, and a schema-driven run from its own OpenAPI."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.models import Order

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 201, 400, 401, 404, 409}
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=15,
)
field_names = st.sampled_from(
    [
        "status",
        "customer_name",
        "customer_email",
        "items",
        "total",
        "shipping",
        "shipping_cost",
        "nfe_key",
        "invoice_number",
        "carrier",
        "shipping_method",
        "tracking_code",
        "nfe_xml",
        "reason",
        "message",
        "note",
    ]
)
payloads = json_values | st.dictionaries(field_names, json_values, max_size=8)
statuses = st.sampled_from(
    ["novo", "em_aprovacao", "aprovado", "em_producao", "despachado", "tracking", "concluido"]
)


@pytest.fixture(autouse=True)
def generous_limits(settings, fresh_rate_limits):
    settings.INTEGRATION_API_RATE_LIMIT = "100000/m"
    settings.INTEGRATION_API_ADDRESS_RATE_LIMIT = "100000/m"


@pytest.fixture
def order(order_factory):
    """One order for all of a test's examples (function-scoped fixtures run once per test)."""
    return order_factory()


def call(client, token, method, path, body):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return getattr(client, method)(
        path, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@FUZZ
@given(payload=payloads)
def test_random_order_payloads_never_fail_the_server(client, api_token, payload):
    response = call(client, api_token, "post", "/api/v1/orders", payload)

    assert response.status_code in ALLOWED
    assert set(response.json()) >= ({"error", "detail"} if response.status_code >= 400 else set())


money = st.decimals(min_value=0, max_value=99_999, places=2, allow_nan=False)
items = st.lists(
    st.fixed_dictionaries(
        {
            "description": st.text(min_size=1, max_size=200).filter(lambda t: "\x00" not in t),
            "quantity": st.integers(min_value=1, max_value=999),
            "unit_price": money,
        }
    ),
    min_size=1,
    max_size=5,
)


@FUZZ
@given(items=items, shipping_cost=money, name=st.text(min_size=1, max_size=200))
def test_any_order_whose_total_agrees_is_created_with_that_total(
    client, api_token, items, shipping_cost, name
):
    total = sum(i["unit_price"] * i["quantity"] for i in items) + shipping_cost
    payload = {
        "customer_name": name,
        "customer_email": "cliente@exemplo.com.br",
        "items": [{**i, "unit_price": str(i["unit_price"])} for i in items],
        "shipping_cost": str(shipping_cost),
        "total": str(total),
    }

    response = call(client, api_token, "post", "/api/v1/orders", payload)

    if "\x00" in name or not name.strip():
        assert response.status_code == 400
        return
    assert response.status_code == 201, response.json()
    assert Order.objects.get(number=response.json()["number"]).total == total


@FUZZ
@given(payload=payloads, status=statuses, raw=st.none() | st.binary(max_size=60))
def test_random_status_payloads_never_fail_the_server(
    client, api_token, order, payload, status, raw
):
    if isinstance(payload, dict):
        payload = {**payload, "status": payload.get("status", status)}
    body = raw if raw is not None else payload

    response = call(client, api_token, "post", f"/api/v1/orders/{order.number}/status", body)

    assert response.status_code in ALLOWED
    if response.status_code >= 400:
        assert response.json()["detail"]


@FUZZ
@given(number=st.text(max_size=30))
def test_random_order_numbers_never_fail_the_server(client, api_token, number):
    from urllib.parse import quote

    response = client.get(
        f"/api/v1/orders/{quote(number, safe='')}", HTTP_AUTHORIZATION=f"Bearer {api_token}"
    )

    # A NUL byte is refused before the API sees it (jetorders.security).
    assert response.status_code in ({400} if "\x00" in number else {200, 404})


@pytest.fixture
def wsgi_app():
    """The real WSGI application, keeping the test's connection open between requests (as
    Django's test client does), so each call sees the test's data."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_a_schema_driven_run_finds_no_server_error(api_token, order_factory, wsgi_app):
    # given the API's own OpenAPI schema, served by the real WSGI application
    number = order_factory(status="aprovado").number
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
    cases = st.one_of([operation.as_strategy() for operation in operations])
    seen: set[int] = set()

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=cases, existing=st.booleans())
    def run(case, existing):
        # Half the calls name a real order, so they get past the 404 into the service.
        if existing and "number" in (case.path_parameters or {}):
            case.path_parameters["number"] = number
        response = case.call(headers={"Authorization": f"Bearer {api_token}"})
        seen.add(response.status_code)
        assert response.status_code < 500, (case.method, case.formatted_path, response.text)

    run()
    # then it reached the real handlers, not only request validation
    assert seen & {200, 409}
