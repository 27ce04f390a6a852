"""An ERP retrying an order creation while the first attempt is still running (PostgreSQL)."""

from __future__ import annotations

import json
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from integrations.tokens import issue_token
from orders.models import Order
from tests.integrations.test_api import ORDER


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_retries_with_one_idempotency_key_make_one_order(postgres):
    cache.clear()
    token = issue_token("ERP")[1]
    barrier = threading.Barrier(5)
    codes: list[int] = []

    def create() -> None:
        try:
            barrier.wait()
            response = Client().post(
                "/api/v1/orders",
                json.dumps(ORDER),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_IDEMPOTENCY_KEY="black-friday-1",
            )
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(codes) == [200, 200, 200, 200, 201]
    assert Order.objects.count() == 1
