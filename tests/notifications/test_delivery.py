"""Delivery news from the provider's webhook lands on the outbox row and the timeline."""

from __future__ import annotations

import base64
import json

import pytest
from django.urls import reverse

from notifications.models import EmailDeliveryEvent, EmailOutbox, OutboxStatus
from orders.emails import email_states_for

pytestmark = pytest.mark.django_db

URL = "/webhooks/email/postmark/tracking/"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "jet:segredo-do-webhook"}


def auth(secret: str = "jet:segredo-do-webhook") -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def post(client, payload: dict, **headers: str):
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


@pytest.fixture
def sent_row(order_factory, django_capture_on_commit_callbacks) -> EmailOutbox:
    with django_capture_on_commit_callbacks(execute=True):
        order = order_factory()
    row = EmailOutbox.objects.get(to_email=order.customer_email)
    EmailOutbox.objects.filter(pk=row.pk).update(message_id="pm-0001")
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    return row


def change_id(row: EmailOutbox) -> int:
    return int(row.dedupe_key.rsplit(":", 1)[1])


def test_a_delivery_event_marks_the_email_delivered(client, sent_row):
    payload = {
        "RecordType": "Delivery",
        "MessageID": "pm-0001",
        "Recipient": sent_row.to_email,
        "DeliveredAt": "2026-11-26T10:00:00Z",
        "Details": "Test delivery",
    }
    assert post(client, payload, **auth()).status_code == 200

    sent_row.refresh_from_db()
    assert sent_row.delivery_state == "delivered"
    assert email_states_for([change_id(sent_row)]) == {change_id(sent_row): "Entregue"}


def test_a_bounce_is_recorded_once_even_when_the_provider_repeats_it(client, sent_row):
    payload = {
        "RecordType": "Bounce",
        "ID": 42,
        "Type": "HardBounce",
        "MessageID": "pm-0001",
        "Email": sent_row.to_email,
        "BouncedAt": "2026-11-26T10:00:00Z",
        "Description": "Caixa postal inexistente",
    }
    assert post(client, payload, **auth()).status_code == 200
    assert post(client, payload, **auth()).status_code == 200

    assert EmailDeliveryEvent.objects.filter(outbox=sent_row).count() == 1
    assert email_states_for([change_id(sent_row)]) == {change_id(sent_row): "Devolvido"}


def test_an_unknown_message_id_is_acknowledged_and_logged(client, sent_row, caplog):
    payload = {"RecordType": "Delivery", "MessageID": "nao-e-nosso", "Recipient": "x@y.com"}

    assert post(client, payload, **auth()).status_code == 200

    assert EmailDeliveryEvent.objects.count() == 0
    assert "unknown message id 'nao-e-nosso'" in caplog.text


def test_the_webhook_refuses_a_wrong_secret(client, sent_row):
    payload = {"RecordType": "Delivery", "MessageID": "pm-0001", "Recipient": "x@y.com"}

    response = post(client, payload, **auth("jet:errado"))

    assert response.status_code in (400, 401, 403)
    sent_row.refresh_from_db()
    assert sent_row.delivery_state == ""


def test_failed_emails_are_listed_and_can_be_resent(
    client, lojista, viewer, sent_row, django_capture_on_commit_callbacks, mailoutbox
):
    EmailOutbox.objects.filter(pk=sent_row.pk).update(
        status=OutboxStatus.DEAD, last_error="AnymailAPIError: 400"
    )
    changelist = reverse("admin:notifications_emailoutbox_changelist")

    client.force_login(viewer)  # may view orders, not e-mails
    assert client.get(changelist).status_code == 403

    client.force_login(lojista)
    page = client.get(changelist, {"status__exact": "dead"}).content.decode()
    assert sent_row.to_email in page
    assert "AnymailAPIError: 400" in page
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "resend", "_selected_action": [sent_row.pk]},
            follow=True,
        )

    assert "1 e-mail voltou para a fila." in response.content.decode()
    sent_row.refresh_from_db()
    assert sent_row.status == OutboxStatus.SENT
    assert [m.to for m in mailoutbox] == [[sent_row.to_email]]
