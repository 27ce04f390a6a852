"""An ERP retrying an order creation while the first attempt is still running (PostgreSQL)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.test import Client

from orders.models import Order
from tests.concurrency import run_at_once
from tests.integrations.test_api import ORDER


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_rate_limits")
def test_five_simultaneous_retries_with_one_idempotency_key_make_one_order(postgres, api_token):
    def create():
        return Client().post(
            "/api/v1/orders",
            json.dumps(ORDER),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {api_token}",
            HTTP_IDEMPOTENCY_KEY="black-friday-1",
        )

    responses = run_at_once(*[create] * 5)

    codes = Counter(getattr(response, "status_code", response) for response in responses)
    assert codes == {200: 4, 201: 1}
    assert Order.objects.count() == 1
