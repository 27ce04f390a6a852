"""What the endpoint list costs a status change: one cache GET and no SQL, until an endpoint
changes (integrations/outbound/endpoints.py; docs/integrations.md, "New endpoints").

The other process is played by writing the shared version the way its `save()` would; the
real cross-process run is tests/reliability/test_outbound_webhooks_worker.py.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.outbound import endpoints
from integrations.outbound.models import WebhookDelivery, WebhookEndpoint
from orders.actors import Actor
from orders.services import order_process
from orders.statuses import OrderStatus
from tests.factories import OrderFactory
from tests.orders.test_statement_count import LEAN_CHANGE, statements_until_commit

HOUR = 3600


@pytest.fixture
def cache_gets(monkeypatch) -> list[str]:
    """Every key the endpoint list asks the cache for."""
    asked: list[str] = []
    real_get = cache.get

    def counting_get(key, *args, **kwargs):
        asked.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(endpoints.cache, "get", counting_get)
    return asked


@pytest.fixture(autouse=True)
def _real_endpoint_list(settings, monkeypatch):
    # Rows are what these tests count; nobody sends them (the receivers do not exist).
    monkeypatch.setattr("integrations.outbound.listener.kick", lambda pk: None)
    # The backstop far away: only the shared version may make a process read again.
    settings.OUTBOUND_WEBHOOKS_ENDPOINT_CACHE_SECONDS = HOUR
    cache.delete(endpoints.VERSION_KEY)
    endpoints.forget()


def approve(order) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        order_process(order, to_status=OrderStatus.APROVADO, by=Actor.system())
    return statements_until_commit(captured)


def saved_elsewhere(**fields) -> WebhookEndpoint:
    """An endpoint saved by another process: the row, and the version its save() bumps,
    without this process's own forget()."""
    (endpoint,) = WebhookEndpoint.objects.bulk_create([WebhookEndpoint(**fields)])
    endpoints._bump_version()
    return endpoint


@pytest.mark.django_db(transaction=True)
def test_a_change_with_no_endpoint_costs_one_cache_get_and_no_query(cache_gets):
    endpoints.subscribed("order.status_changed")  # this process's first read
    order = OrderFactory()
    cache_gets.clear()

    assert approve(order) == LEAN_CHANGE
    assert cache_gets == [endpoints.VERSION_KEY]


@pytest.mark.django_db(transaction=True)
def test_an_endpoint_saved_in_another_process_gets_the_very_next_change(cache_gets):
    # given: this process has read the endpoints (none) an hour's backstop ago
    first, second, third = OrderFactory(), OrderFactory(), OrderFactory()
    assert approve(first) == LEAN_CHANGE

    # when: another process registers an endpoint
    endpoint = saved_elsewhere(
        url="https://erp.exemplo.com.br/jet", events=["order.status_changed"]
    )

    # then: the next change reads the list once (one SELECT, when it publishes its event)
    # and writes the endpoint's row
    cache_gets.clear()
    statements = approve(second)
    assert statements == [*LEAN_CHANGE[:-1], "SELECT", "INSERT", "COMMIT"]
    assert cache_gets == [endpoints.VERSION_KEY]
    assert WebhookDelivery.objects.filter(endpoint=endpoint, order=second).count() == 1
    # and the change after that is lean again: one INSERT for the row, no read of the list
    assert approve(third) == [*LEAN_CHANGE[:-1], "INSERT", "COMMIT"]
    assert WebhookDelivery.objects.filter(endpoint=endpoint, order=third).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_endpoint_switched_off_elsewhere_stops_at_once():
    endpoint = saved_elsewhere(
        url="https://erp.exemplo.com.br/jet", events=["order.status_changed"]
    )
    first, second = OrderFactory(), OrderFactory()
    assert WebhookDelivery.objects.filter(order=first).count() == 1

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    endpoints._bump_version()
    approve(second)

    assert WebhookDelivery.objects.filter(order=second).count() == 1  # its NOVO only


@pytest.mark.django_db(transaction=True)
def test_saving_or_deleting_in_the_admin_bumps_the_shared_version(client, settings):
    from tests.factories import support_user

    before = endpoints.shared_version()
    client.force_login(support_user())
    endpoint = WebhookEndpoint.objects.create(
        url="https://erp.exemplo.com.br/jet", events=["order.status_changed"]
    )
    after_save = endpoints.shared_version()
    response = client.post(
        "/admin/integrations/webhookendpoint/",
        {"action": "delete_selected", "_selected_action": [endpoint.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not WebhookEndpoint.objects.exists()
    assert len({before, after_save, endpoints.shared_version()}) == 3


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_cache_never_fails_a_change(settings):
    # given: the shared cache is a Redis that refuses connections
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    endpoint = WebhookEndpoint.objects.create(
        url="https://erp.exemplo.com.br/jet", events=["order.status_changed"]
    )

    # when / then: changes go through, with the list this process has (backstop age)
    order = OrderFactory(status=OrderStatus.APROVADO)
    assert order.status == OrderStatus.APROVADO
    assert WebhookDelivery.objects.filter(endpoint=endpoint, order=order).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_cache_that_times_out_is_asked_once_per_backstop_period(settings, monkeypatch):
    # given: a cache whose every read fails after a while
    asked: list[str] = []

    def timing_out(key, *args, **kwargs):
        asked.append(key)
        raise TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(endpoints.cache, "get", timing_out)
    WebhookEndpoint.objects.create(
        url="https://erp.exemplo.com.br/jet", events=["order.status_changed"]
    )

    # when: three changes within the backstop period
    order = OrderFactory(status=OrderStatus.APROVADO)
    order_process(order, to_status=OrderStatus.CANCELADO, by=Actor.system(),
                  fields={"reason": "Cliente desistiu"})  # fmt: skip

    # then: the cache was asked once; every change still wrote its row
    assert asked == [endpoints.VERSION_KEY]
    assert WebhookDelivery.objects.filter(order=order).count() == 3
