"""Carriers that push: POST /webhooks/transportadoras/<carrier>/, signed (issue 13)."""

from __future__ import annotations

import time

import pytest

from integrations.carriers.polling import poll_due
from jetorders.signing import sign
from orders.statuses import OrderStatus
from tests.factories import OrderFactory
from tests.integrations.fake_servers import serve
from tests.integrations.test_carrier_tracking import recorded

SECRET = "segredo-das-transportadoras"
URL = "/webhooks/transportadoras/correios/"


def push(client, body: bytes, *, secret: str = SECRET, url: str = URL):
    return client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_JET_SIGNATURE=sign(secret, body, int(time.time())),
    )


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.CARRIER_WEBHOOK_SECRET = [SECRET]


@pytest.mark.django_db
def test_a_signed_push_records_the_scans_and_moves_the_order(client):
    order = OrderFactory(status=OrderStatus.DESPACHADO)

    response = push(client, recorded("correios_entregue"))

    assert response.status_code == 200
    assert response.json()["new_scans"] == 4
    order.refresh_from_db()
    assert order.status == OrderStatus.CONCLUIDO

    # The same push again is acknowledged and changes nothing.
    again = push(client, recorded("correios_entregue"))
    assert again.json()["new_scans"] == 0
    assert order.tracking_events.count() == 4
    assert order.status_changes.count() == 5


@pytest.mark.django_db
def test_a_pushed_scan_and_the_same_scan_polled_are_one_row(client, settings):
    order = OrderFactory(status=OrderStatus.DESPACHADO)
    push(client, recorded("correios_em_transito"))
    body = recorded("correios_em_transito")
    with serve(lambda request: (200, "application/json", body)) as server:
        settings.CORREIOS_API_URL, settings.CORREIOS_TOKEN = server.url, "t"
        poll_due()

    assert order.tracking_events.count() == 2
    assert order.status_changes.filter(to_status=OrderStatus.TRACKING).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    ["", "t=1,v1=00", f"t={int(time.time())},v1={'0' * 64}"],
    ids=["missing", "stale", "wrong"],
)
def test_an_unsigned_or_badly_signed_push_is_refused_and_writes_nothing(client, header):
    order = OrderFactory(status=OrderStatus.DESPACHADO)

    response = client.post(
        URL,
        recorded("correios_entregue"),
        content_type="application/json",
        HTTP_X_JET_SIGNATURE=header,
    )

    assert response.status_code == 401
    assert not order.tracking_events.exists()


@pytest.mark.django_db
def test_without_a_secret_every_push_is_refused(client, settings):
    settings.CARRIER_WEBHOOK_SECRET = []
    order = OrderFactory(status=OrderStatus.DESPACHADO)

    response = push(client, recorded("correios_entregue"))

    assert response.status_code == 401
    assert not order.tracking_events.exists()


@pytest.mark.django_db
def test_bad_requests_get_a_4xx(client):
    assert client.get(URL).status_code == 405
    assert push(client, b"{}", url="/webhooks/transportadoras/pombo-correio/").status_code == 404
    assert push(client, b"nada de json").status_code == 400
    assert push(client, b'{"objetos": [{"eventos": []}]}').status_code == 400


@pytest.mark.django_db
def test_a_push_for_an_unknown_code_is_acknowledged(client):
    response = push(client, recorded("correios_entregue"))

    assert response.status_code == 200
    assert response.json()["unknown"] == ["AA123456785BR"]
