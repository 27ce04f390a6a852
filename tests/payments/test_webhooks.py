"""POST /webhooks/pagamentos/: our signed format (design §5), docs/reliability.md, R15–R19."""

from __future__ import annotations

import hmac
import json
import time

import pytest
from django.urls import reverse

from notifications.models import EmailOutbox
from orders.models import ActorKind, OrderStatusChange
from orders.statuses import OrderStatus
from payments.models import PaymentEvent
from payments.signing import SignatureError, sign, verify

URL = "/webhooks/pagamentos/"
SECRET = "whsec_teste"

# A fixed secret, body and time, and the signature computed independently of our code.
GOLDEN_BODY = b'{"id":"evt_1","type":"payment.approved","order":"100001","created":1764115200}'
GOLDEN_HEADER = "t=1764115200,v1=c6cf3011c6111dcce7a6509e2b897f1c59ad72e6271d86a9e861a5642ac0aca4"


@pytest.fixture(autouse=True)
def webhook_settings(settings, fresh_rate_limits):
    settings.PAYMENT_WEBHOOK_SECRET = [SECRET]
    return settings


def event_body(order, kind: str = "approved", event_id: str = "evt_1") -> bytes:
    data = {"id": event_id, "type": f"payment.{kind}", "order": order.number}
    data["created"] = int(time.time())
    return json.dumps(data).encode()


def post(client, body: bytes, header: str | None = None, *, secret: str = SECRET, **extra):
    if header is None:
        header = sign(secret, body, int(time.time()))
    return client.post(
        URL, body, content_type="application/json", HTTP_X_JET_SIGNATURE=header, **extra
    )


def notify(client, order, kind: str = "approved", event_id: str = "evt_1"):
    return post(client, event_body(order, kind, event_id))


def test_signature_matches_the_golden_vector():
    assert sign("whsec_golden", GOLDEN_BODY, 1764115200) == GOLDEN_HEADER
    assert verify(GOLDEN_HEADER, GOLDEN_BODY, ["whsec_golden"], now=1764115200 + 299) == 1764115200


@pytest.mark.parametrize(
    ("header", "body"),
    [
        (GOLDEN_HEADER, GOLDEN_BODY.replace(b"evt_1", b"evt_2")),
        (GOLDEN_HEADER.replace("v1=c6", "v1=c7"), GOLDEN_BODY),
        (GOLDEN_HEADER.replace("t=1764115200", "t=1764115201"), GOLDEN_BODY),
        ("v1=" + GOLDEN_HEADER.split("v1=")[1], GOLDEN_BODY),
        ("", GOLDEN_BODY),
    ],
    ids=["body", "signature", "timestamp", "no-timestamp", "no-header"],
)
def test_golden_vector_with_one_byte_changed_is_refused(header, body):
    with pytest.raises(SignatureError):
        verify(header, body, ["whsec_golden"], now=1764115200)


def test_signatures_are_compared_in_constant_time(monkeypatch, order_factory, client):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert notify(client, order_factory()).status_code == 200
    assert calls


def test_approval_moves_the_order_to_aprovado_as_the_gateway(client, order_factory):
    order = order_factory()

    response = notify(client, order, "approved")

    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False, "outcome": "applied"}
    assert EmailOutbox.objects.filter(template="pedido_aprovado").count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO
    change = order.status_changes.get(to_status=OrderStatus.APROVADO)
    assert change.actor_kind == ActorKind.GATEWAY
    assert change.actor_label == "Gateway de pagamento"
    event = order.payment_events.get()
    assert (event.kind, event.outcome, event.status_change) == ("approved", "applied", change)


def test_in_review_then_approved_walks_through_em_aprovacao(client, order_factory):
    order = order_factory()

    notify(client, order, "in_review", "evt_1")
    notify(client, order, "approved", "evt_2")

    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO
    assert list(order.status_changes.values_list("to_status", flat=True)) == [
        "novo",
        "em_aprovacao",
        "aprovado",
    ]


def test_rejection_cancels_a_waiting_order_with_a_reason(client, order_factory):
    order = order_factory(status="em_aprovacao")

    notify(client, order, "rejected")

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO
    change = order.status_changes.get(to_status=OrderStatus.CANCELADO)
    assert change.fields == {"reason": "Pagamento recusado pelo gateway"}


@pytest.mark.parametrize(
    ("status", "kind"),
    [(OrderStatus.APROVADO, "rejected"), (OrderStatus.CANCELADO, "approved")],
    ids=["rejection-after-approval", "approval-after-cancellation"],
)
def test_a_payment_outcome_contradicting_the_order_changes_nothing_and_flags_staff(
    client, order_factory, status, kind
):
    order = order_factory(status=status)

    response = notify(client, order, kind)

    assert response.json()["outcome"] == "ignored"
    order.refresh_from_db()
    assert order.status == status
    event = order.payment_events.get()
    assert (event.outcome, event.needs_attention) == ("ignored", True)


@pytest.mark.parametrize("kind", ["refunded", "chargeback"])
def test_refunds_and_chargebacks_are_recorded_and_flagged_never_moving_status(
    client, order_factory, kind
):
    order = order_factory(status="despachado")
    changes_before = order.status_changes.count()

    response = notify(client, order, kind)

    assert response.status_code == 200
    assert response.json()["outcome"] == "recorded"
    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    assert order.status_changes.count() == changes_before
    event = order.payment_events.get()
    assert event.kind == kind
    assert event.needs_attention


def test_a_repeated_event_is_acknowledged_and_changes_nothing(client, order_factory):
    order = order_factory()
    body = event_body(order, "approved")

    first, second = post(client, body), post(client, body)

    assert first.status_code == second.status_code == 200
    assert second.json()["duplicate"] is True
    assert PaymentEvent.objects.count() == 1
    assert order.status_changes.filter(to_status=OrderStatus.APROVADO).count() == 1


def test_a_late_in_review_after_approval_leaves_the_order_approved(client, order_factory):
    order = order_factory()

    notify(client, order, "approved", "evt_1")
    late = notify(client, order, "in_review", "evt_0")

    assert late.status_code == 200
    assert late.json()["outcome"] == "ignored"
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO
    assert not order.status_changes.filter(to_status=OrderStatus.EM_APROVACAO).exists()


def test_an_approval_for_a_dispatched_order_is_recorded_and_a_no_op(client, order_factory):
    order = order_factory(status="despachado")
    changes_before = order.status_changes.count()
    emails_before = EmailOutbox.objects.count()

    response = notify(client, order, "approved", "evt_late")

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    assert order.status_changes.count() == changes_before
    assert EmailOutbox.objects.count() == emails_before
    event = order.payment_events.get()
    assert event.outcome == "ignored"
    assert "já foi usado" in event.detail


def _flip(text: str, index: int) -> str:
    return text[:index] + ("0" if text[index] != "0" else "1") + text[index + 1 :]


@pytest.mark.parametrize("part", ["body", "signature", "timestamp"])
def test_one_changed_byte_is_refused_and_writes_nothing(client, order_factory, part):
    order = order_factory()
    body = event_body(order)
    header = sign(SECRET, body, int(time.time()))
    if part == "body":
        body = body.replace(b'"evt_1"', b'"evt_2"')
    elif part == "signature":
        header = _flip(header, len(header) - 1)
    else:
        header = _flip(header, len("t=1234"))

    response = post(client, body, header)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_signature"
    assert not PaymentEvent.objects.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.NOVO


def test_a_stale_timestamp_is_refused_even_when_correctly_signed(client, order_factory):
    order = order_factory()
    body = event_body(order)

    response = post(client, body, sign(SECRET, body, int(time.time()) - 301))

    assert response.status_code == 401
    assert response.json()["detail"].startswith("Assinatura expirada")
    assert not PaymentEvent.objects.exists()


def test_a_rotated_out_secret_still_works_while_listed(client, order_factory, settings):
    settings.PAYMENT_WEBHOOK_SECRET = ["segredo-novo", "segredo-antigo"]
    order = order_factory()

    response = post(client, event_body(order), secret="segredo-antigo")

    assert response.status_code == 200
    settings.PAYMENT_WEBHOOK_SECRET = ["segredo-novo"]
    refused = post(client, event_body(order, event_id="evt_2"), secret="segredo-antigo")
    assert refused.status_code == 401


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "invalid_payload"),
        (b"[" * 50_000, "invalid_payload"),
        (b"[1, 2]", "invalid_payload"),
        (b'{"id": "e1", "type": "payment.stolen", "order": "100001"}', "invalid_payload"),
        (b'{"type": "payment.approved", "order": "100001"}', "invalid_payload"),
        (b'{"id": "e1", "type": "payment.approved", "order": "999999"}', "unknown_order"),
    ],
    ids=["malformed", "deeply-nested", "not-an-object", "unknown-type", "no-id", "unknown-order"],
)
def test_bad_notifications_get_a_specific_4xx_and_write_nothing(client, db, body, error):
    response = post(client, body)

    assert 400 <= response.status_code < 500
    assert response.json()["error"] == error
    assert response.json()["detail"]
    assert not PaymentEvent.objects.exists()


def test_an_oversized_body_is_refused_before_it_is_read(client, order_factory):
    order = order_factory()
    body = event_body(order)[:-1] + b', "padding": "' + b"x" * 70_000 + b'"}'

    response = post(client, body)

    assert response.status_code == 413
    assert not PaymentEvent.objects.exists()


def test_only_post_is_accepted(client, db):
    response = client.get(URL)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"] == "method_not_allowed"


def test_a_flood_from_one_address_is_rate_limited(client, order_factory, settings):
    settings.PAYMENT_WEBHOOK_RATE_LIMIT = "3/m"
    order = order_factory()

    codes = [notify(client, order, event_id=f"evt_{n}").status_code for n in range(4)]

    assert codes == [200, 200, 200, 429]
    other = post(client, event_body(order, event_id="evt_9"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_staff_find_events_needing_attention_in_the_admin(admin_client, client, order_factory):
    order = order_factory(status="aprovado")
    notify(client, order, "chargeback", "evt_cb")
    notify(client, order_factory(), "approved", "evt_ok")

    page = admin_client.get(
        reverse("admin:payments_paymentevent_changelist") + "?needs_attention__exact=1"
    )

    assert page.status_code == 200
    listed = list(page.context["cl"].result_list)
    assert [(event.order, event.kind) for event in listed] == [(order, "chargeback")]
    assert order.number in page.content.decode()


def test_only_the_webhook_is_csrf_exempt(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/admin/login/", {}).status_code == 403
    assert strict.post(URL, b"{}", content_type="application/json").status_code == 401


def test_history_rows_come_only_from_the_service(client, order_factory):
    # The webhook never writes history itself: every row it causes has the gateway actor.
    order = order_factory()
    notify(client, order)
    rows = OrderStatusChange.objects.filter(order=order).exclude(to_status="novo")
    assert [row.actor_kind for row in rows] == [ActorKind.GATEWAY]


def test_each_call_is_logged_with_its_outcome(client, order_factory, caplog):
    order = order_factory()

    with caplog.at_level("INFO", logger="payments.views"):
        notify(client, order)
        post(client, event_body(order), header="t=1,v1=00")

    lines = [r.getMessage() for r in caplog.records if r.name == "payments.views"]
    assert lines[0].endswith("200 applied")
    assert lines[1].endswith("401 invalid_signature")


def test_staff_clear_the_flag_once_they_have_looked(admin_client, client, order_factory):
    order = order_factory(status="aprovado")
    notify(client, order, "refunded", "evt_refund")
    event = PaymentEvent.objects.get()

    admin_client.post(
        reverse("admin:payments_paymentevent_changelist"),
        {"action": "mark_resolved", "_selected_action": [event.pk]},
    )

    event.refresh_from_db()
    assert not event.needs_attention
    assert event.outcome == "recorded"


def test_an_event_page_shows_what_the_gateway_said_read_only(admin_client, client, order_factory):
    notify(client, order_factory(), "approved", "evt_page")
    event = PaymentEvent.objects.get()

    page = admin_client.get(reverse("admin:payments_paymentevent_change", args=[event.pk]))

    assert page.status_code == 200
    content = page.content.decode()
    assert "evt_page" in content
    assert "Pedido passou para Aprovado." in content
    assert 'name="needs_attention"' in content
    assert 'name="event_id"' not in content
