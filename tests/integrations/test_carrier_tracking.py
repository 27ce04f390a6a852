"""Carrier tracking against a fake Correios / Melhor Envio API on 127.0.0.1 (issue 13)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from integrations.carriers.models import CarrierPoll
from integrations.carriers.polling import poll_due
from notifications.models import EmailOutbox
from orders.links import order_status_path
from orders.models import Order
from orders.statuses import OrderStatus
from orders.tracking_events import TrackingEvent
from tests.factories import OrderFactory, dispatch_fields
from tests.integrations.fake_servers import Received, serve

RECORDED = Path(__file__).parent / "recorded"
TOKEN = "token-dos-correios"


def recorded(name: str) -> bytes:
    return (RECORDED / f"{name}.json").read_bytes()


class Carrier:
    """What the fake carrier answers now; the test switches it between polls."""

    def __init__(self) -> None:
        self.status, self.body = 200, b'{"objetos": []}'

    def __call__(self, request: Received) -> tuple[int, str, bytes]:
        return self.status, "application/json", self.body


@pytest.fixture
def carrier(settings):
    answer = Carrier()
    with serve(answer) as server:
        settings.CORREIOS_API_URL = server.url
        settings.CORREIOS_TOKEN = TOKEN
        server.carrier = answer
        yield server


def poll_again() -> int:
    CarrierPoll.objects.update(next_poll_at=timezone.now() - timedelta(seconds=1))
    return poll_due()


def emails(status: str) -> int:
    return EmailOutbox.objects.filter(template=f"pedido_{status}").count()


def history(order: Order) -> list[str]:
    return list(order.status_changes.values_list("to_status", flat=True))


@pytest.mark.django_db
def test_a_dispatched_order_follows_its_scans_to_tracking_and_then_to_concluido(
    carrier, client, lojista
):
    # given a dispatched Correios order and a carrier that has seen it in transit
    order = OrderFactory(status=OrderStatus.DESPACHADO)
    carrier.carrier.body = recorded("correios_em_transito")

    # when the poller runs
    assert poll_due() == 1

    # then the carrier was asked the documented way, the scans are recorded, the order moved
    request = carrier.received[-1]
    assert request.path == "/srorastro/v1/objetos/AA123456785BR?resultado=T"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    order.refresh_from_db()
    assert order.status == OrderStatus.TRACKING
    assert order.tracking_events.count() == 2
    assert emails(OrderStatus.TRACKING) == 1
    change = order.status_changes.get(to_status=OrderStatus.TRACKING)
    assert change.actor_label == "Correios"
    assert "Objeto em transferência" in change.message_to_customer

    # and polling again with nothing new changes nothing
    assert poll_again() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.TRACKING
    assert order.tracking_events.count() == 2
    assert emails(OrderStatus.TRACKING) == 1

    # when the parcel is delivered
    carrier.carrier.body = recorded("correios_entregue")
    poll_again()

    # then the order is CONCLUÍDO, once, with one e-mail, and every scan is kept once
    order.refresh_from_db()
    assert order.status == OrderStatus.CONCLUIDO
    assert order.tracking_events.count() == 4
    assert emails(OrderStatus.CONCLUIDO) == 1
    assert history(order) == ["novo", "aprovado", "despachado", "tracking", "concluido"]

    # and a final order is not polled any more: the carrier hears nothing
    asked = len(carrier.received)
    assert poll_again() == 0
    assert len(carrier.received) == asked
    assert emails(OrderStatus.CONCLUIDO) == 1

    # and the scans are on the admin order page and on the customer's page, newest first
    client.force_login(lojista)
    admin_html = client.get(reverse("admin:orders_order_change", args=[order.pk])).content
    admin_html = admin_html.decode()
    assert 'id="rastreamento"' in admin_html
    assert "Objeto entregue ao destinatário" in admin_html
    assert "CAJAMAR / SP" in admin_html
    client.logout()
    customer_html = client.get(order_status_path(order)).content.decode()
    scans = customer_html[customer_html.index('class="scans"') :]
    assert scans.index("Objeto entregue ao destinatário") < scans.index("Objeto postado")
    assert "Atenção" not in customer_html


@pytest.mark.django_db
def test_delivered_straight_from_despachado_moves_once(carrier):
    order = OrderFactory(status=OrderStatus.DESPACHADO)
    carrier.carrier.body = recorded("correios_entregue")

    poll_due()
    poll_again()

    order.refresh_from_db()
    # Transit scans come first in time, so the order goes through TRACKING on the way.
    assert history(order) == ["novo", "aprovado", "despachado", "tracking", "concluido"]
    assert emails(OrderStatus.TRACKING) == 1
    assert emails(OrderStatus.CONCLUIDO) == 1


@pytest.mark.django_db
def test_a_returned_parcel_flags_the_order_and_never_moves_it(carrier, client, lojista):
    order = OrderFactory(status=OrderStatus.DESPACHADO)
    carrier.carrier.body = recorded("correios_devolvido")

    poll_due()

    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    returned = order.tracking_events.get(code="BDE/23")
    assert returned.needs_attention
    assert returned.kind == "returned"
    client.force_login(lojista)
    html = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "Atenção: devolvido ao remetente." in html
    listing = client.get(reverse("admin:orders_trackingevent_changelist") + "?needs_attention=1")
    assert order.number in listing.content.decode()

    # A later "delivered" scan (back at the sender's) moves nothing while the flag is up.
    carrier.carrier.body = recorded("correios_entregue")
    poll_again()
    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    assert emails(OrderStatus.CONCLUIDO) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "body"),
    [
        (503, b'{"msgs": ["Servico indisponivel"]}'),
        (200, b"<html>manutencao</html>"),
        (200, b'{"objetos": "nada"}'),
        (200, b'{"objetos": [{"codObjeto": "AA123456785BR", "eventos": [{"codigo": 7}]}]}'),
    ],
    ids=["http-503", "not-json", "wrong-shape", "bad-event"],
)
def test_a_carrier_down_or_talking_garbage_leaves_the_order_and_retries_later(
    carrier, settings, status, body
):
    order = OrderFactory(status=OrderStatus.DESPACHADO)
    carrier.carrier.status, carrier.carrier.body = status, body
    started = timezone.now()

    poll_due()

    order.refresh_from_db()
    poll = CarrierPoll.objects.get(order=order)
    assert order.status == OrderStatus.DESPACHADO
    assert not order.tracking_events.exists()
    assert poll.failures == 1
    assert poll.last_error
    assert poll.lease_until is None
    # Pushed back: twice the interval after one failure, give or take the jitter.
    base = timedelta(minutes=settings.TRACKING_POLL_MINUTES)
    assert poll.next_poll_at >= started + base * 2 * 0.8

    poll_again()
    poll.refresh_from_db()
    assert poll.failures == 2
    assert poll.next_poll_at >= timezone.now() + base * 4 * 0.8

    # Once the carrier answers again, the backoff is forgotten and the order moves.
    carrier.carrier.status, carrier.carrier.body = 200, recorded("correios_em_transito")
    poll_again()
    poll.refresh_from_db()
    order.refresh_from_db()
    assert poll.failures == 0
    assert order.status == OrderStatus.TRACKING


@pytest.mark.django_db
def test_an_unreachable_carrier_is_a_failure_too(settings):
    settings.CORREIOS_API_URL = "http://127.0.0.1:9"  # discard port: nobody listens
    settings.CORREIOS_TOKEN = TOKEN
    order = OrderFactory(status=OrderStatus.DESPACHADO)

    poll_due()

    assert CarrierPoll.objects.get(order=order).failures == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO


@pytest.mark.django_db
def test_without_carrier_settings_tracking_is_off_and_nothing_fails(settings):
    settings.CORREIOS_API_URL = settings.CORREIOS_TOKEN = ""
    settings.MELHORENVIO_API_URL = settings.MELHORENVIO_TOKEN = ""
    OrderFactory(status=OrderStatus.DESPACHADO)

    assert poll_due() == 0
    assert not CarrierPoll.objects.exists()


@pytest.mark.django_db
def test_a_claimed_order_is_not_polled_by_a_second_poller(carrier):
    order = OrderFactory(status=OrderStatus.DESPACHADO)
    carrier.carrier.body = recorded("correios_em_transito")
    from integrations.carriers.polling import claim_due, schedule_new_orders

    schedule_new_orders()
    first = claim_due(10, "poller-a")

    assert [poll.order_id for poll in first] == [order.pk]
    assert claim_due(10, "poller-b") == []
    assert carrier.received == []


@pytest.mark.django_db
def test_other_carriers_are_tracked_through_melhor_envio(settings):
    body = json.dumps(
        {
            "ME2611ABC": {
                "id": "9a1b",
                "status": "delivered",
                "tracking": "ME2611ABC",
                "posted_at": "2026-03-02 10:00:00",
                "delivered_at": "2026-03-05 16:20:00",
            }
        }
    ).encode()
    with serve(lambda request: (200, "application/json", body)) as server:
        settings.MELHORENVIO_API_URL, settings.MELHORENVIO_TOKEN = server.url, "token-me"
        order = OrderFactory(
            status=OrderStatus.DESPACHADO,
        )
        Order.objects.filter(pk=order.pk).update(carrier="Jadlog", tracking_code="ME2611ABC")

        poll_due()

        request = server.received[-1]
        assert request.method == "POST"
        assert request.path == "/api/v2/me/shipment/tracking"
        assert json.loads(request.body) == {"orders": ["ME2611ABC"]}
        assert request.headers["authorization"] == "Bearer token-me"
    order.refresh_from_db()
    assert order.status == OrderStatus.CONCLUIDO
    assert order.status_changes.get(to_status="concluido").actor_label == "Melhor Envio"
    assert TrackingEvent.objects.filter(order=order).count() == 1


def test_dispatch_fields_use_a_correios_code():
    # The recorded answers are for the factories' tracking code.
    assert dispatch_fields()["tracking_code"] == "AA123456785BR"
