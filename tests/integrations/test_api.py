"""The integration API under /api/v1/ (design §5): tokens, orders, status changes, errors."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from integrations.models import ApiToken
from orders.models import ActorKind, Order
from payments.signing import sign
from tests.factories import dispatch_fields

ORDER = {
    "customer_name": "Maria da Silva",
    "customer_email": "Maria@Exemplo.com.br",
    "items": [
        {"sku": "CAM-01", "description": "Camiseta básica", "quantity": 2, "unit_price": "59.90"},
        {"description": "Boné bordado", "quantity": 1, "unit_price": 79},
    ],
    "shipping": {"street": "Rua das Flores", "number": "123", "city": "São Paulo", "state": "SP"},
    "shipping_cost": "19.90",
    "total": "218.70",
}


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def status(api, number: str, slug: str, **fields):
    return api.post(f"/orders/{number}/status", {"status": slug, **fields})


def test_creating_an_order_returns_it_in_novo_made_by_the_integration(api):
    response = api.post("/orders", ORDER)

    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "novo"
    assert data["total"] == "218.70"
    assert data["customer_email"] == "maria@exemplo.com.br"
    assert [item["quantity"] for item in data["items"]] == [2, 1]
    assert data["history"][0]["actor"] == "Integração (ERP Bling)"
    order = Order.objects.get(number=data["number"])
    assert (order.shipping_city, order.shipping_cost) == ("São Paulo", Decimal("19.90"))


def test_a_total_that_disagrees_with_the_items_is_refused(api):
    response = api.post("/orders", {**ORDER, "total": "200.00"})

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_fields"
    assert "não confere" in body["fields"]["total"][0]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customer_email": "não é e-mail"}, "customer_email"),
        ({"items": []}, "items"),
        ({"customer_name": ""}, "customer_name"),
        ({"items": [{"description": "X", "quantity": 0, "unit_price": "1"}]}, "items.0.quantity"),
        ({"shipping_cost": "-1"}, "shipping_cost"),
        ({"total": "NaN"}, "total"),
    ],
)
def test_invalid_orders_name_the_field_in_portuguese(api, change, field):
    response = api.post("/orders", {**ORDER, **change})

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_fields"
    assert field in body["fields"], body
    assert body["detail"] == "Confira os dados enviados."
    assert not Order.objects.exists()


def test_full_flow_create_approve_by_webhook_dispatch_and_complete(api, client, settings):
    # given an order created by the ERP
    settings.PAYMENT_WEBHOOK_SECRET = ["segredo"]
    number = api.post("/orders", ORDER).json()["number"]

    # when the gateway approves it and the ERP dispatches and completes it
    event = json.dumps({"id": "pay_1", "type": "payment.approved", "order": number}).encode()
    webhook = client.post(
        "/webhooks/pagamentos/",
        event,
        content_type="application/json",
        HTTP_X_JET_SIGNATURE=sign("segredo", event, int(time.time())),
    )
    dispatched = status(api, number, "despachado", message="Chegou a sua vez!", **dispatch_fields())
    completed = status(api, number, "concluido")

    # then every step shows in the order's history with who did it
    assert webhook.status_code == 200
    assert dispatched.status_code == 200
    assert dispatched.json()["dispatch"]["tracking_code"] == "AA123456785BR"
    assert completed.status_code == 200
    data = api.get(f"/orders/{number}").json()
    assert data["status"] == "concluido"
    steps = [(step["to_status"], step["actor"]) for step in data["history"]]
    assert steps == [
        ("novo", "Integração (ERP Bling)"),
        ("aprovado", "Gateway de pagamento"),
        ("despachado", "Integração (ERP Bling)"),
        ("concluido", "Integração (ERP Bling)"),
    ]
    assert data["history"][2]["message"] == "Chegou a sua vez!"
    assert data["payment_events"][0]["outcome"] == "applied"


@pytest.mark.parametrize(
    ("current", "to", "error", "detail"),
    [
        ("aprovado", "aprovado", "already_used", "já foi usado"),
        ("cancelado", "aprovado", "final_status", "Somente o suporte da JET pode alterá-lo"),
        ("novo", "concluido", "not_allowed", "Não é possível passar o pedido de Novo"),
    ],
    ids=["status-already-used", "final-status", "not-allowed-from-current"],
)
def test_a_change_the_rules_refuse_is_a_409_saying_why(
    api, order_factory, current, to, error, detail
):
    order = order_factory(status=current)

    response = status(api, order.number, to)

    assert response.status_code == 409
    assert response.json()["error"] == error
    assert detail in response.json()["detail"]


def test_a_bad_nfe_key_is_a_400_naming_the_field_and_changes_nothing(api, order_factory):
    order = order_factory(status="aprovado")
    fields = dispatch_fields(nfe_key="3" * 44)

    response = status(api, order.number, "despachado", **fields)

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_fields"
    assert list(body["fields"]) == ["nfe_key"]
    order.refresh_from_db()
    assert order.status == "aprovado"


def test_cancelling_needs_a_reason(api, order_factory):
    order = order_factory()

    refused = status(api, order.number, "cancelado")
    cancelled = status(api, order.number, "cancelado", reason="Cliente desistiu")

    assert refused.status_code == 400
    assert "reason" in refused.json()["fields"]
    assert cancelled.status_code == 200
    assert cancelled.json()["history"][-1]["fields"] == {"reason": "Cliente desistiu"}


def test_an_unknown_status_is_a_400(api, order_factory):
    response = status(api, order_factory().number, "entregue")

    assert response.status_code == 400
    assert "status" in response.json()["fields"]


def test_internal_notes_stay_out_of_the_api(api, order_factory):
    order = order_factory()

    data = status(api, order.number, "aprovado", note="cliente VIP, conferir endereço").json()

    assert "cliente VIP" not in json.dumps(data)
    assert order.status_changes.get(to_status="aprovado").internal_note.startswith("cliente VIP")


@pytest.mark.parametrize("path", ["/orders/999999", "/orders/999999/status"])
def test_an_unknown_order_is_a_json_404(api, db, path):
    response = api.post(path, {"status": "aprovado"}) if "status" in path else api.get(path)

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_nul_byte_in_the_path_is_a_json_400(api, db):
    # Refused for the whole site by jetorders.security.RefuseNulBytesMiddleware.
    response = api.get("/orders/abc%00")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_malformed_json_is_a_400(api):
    response = api.post("/orders", b"{nope")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer jet_nao-existe", "Token abc"])
def test_a_missing_or_bad_token_is_a_401(client, db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/api/v1/orders/100001", **extra)

    assert response.status_code == 401
    assert response.json() == {
        "error": "unauthorized",
        "detail": "Token de acesso ausente, inválido ou revogado.",
        "fields": {},
    }
    assert response["WWW-Authenticate"] == "Bearer"


def test_create_api_token_prints_a_token_once_and_stores_only_its_hash(client, db, capsys):
    call_command("create_api_token", "Transportadora XP")

    raw = capsys.readouterr().out.strip()
    stored = ApiToken.objects.get()
    assert stored.name == "Transportadora XP"
    assert raw.startswith(stored.prefix)
    assert raw not in {stored.key_hash, stored.prefix}
    response = client.get("/api/v1/orders/1", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404


def test_a_token_revoked_in_the_admin_stops_working(admin_client, api):
    stored = ApiToken.objects.get()
    assert api.get("/orders/1").status_code == 404

    admin_client.post(
        reverse("admin:integrations_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [stored.pk]},
    )

    stored.refresh_from_db()
    assert stored.revoked_at is not None
    assert api.get("/orders/1").status_code == 401


def test_each_token_is_rate_limited_with_a_json_429(api, settings, order_factory):
    settings.INTEGRATION_API_RATE_LIMIT = "2/m"
    number = order_factory().number

    codes = [api.get(f"/orders/{number}").status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    refused = api.get(f"/orders/{number}")
    assert refused.json()["error"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1


def test_guessing_tokens_from_one_address_is_rate_limited(client, db, settings):
    settings.INTEGRATION_API_ADDRESS_RATE_LIMIT = "3/m"

    codes = [
        client.get("/api/v1/orders/1", HTTP_AUTHORIZATION=f"Bearer jet_{n}").status_code
        for n in range(4)
    ]

    assert codes == [401, 401, 401, 429]


def test_a_black_friday_burst_from_an_erp_is_not_throttled(api, order_factory):
    number = order_factory().number

    codes = {api.get(f"/orders/{number}").status_code for _ in range(400)}

    assert codes == {200}


def test_the_openapi_schema_is_served_without_a_token(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/orders", "/api/v1/orders/{number}", "/api/v1/orders/{number}/status"} <= set(
        schema["paths"]
    )
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_changes_by_a_token_are_recorded_as_that_integration(api, order_factory):
    order = order_factory()

    status(api, order.number, "em_aprovacao")

    change = order.status_changes.get(to_status="em_aprovacao")
    assert (change.actor_kind, change.actor_label) == (ActorKind.INTEGRATION, "ERP Bling")


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("put", "/api/v1/orders", 405),
        ("delete", "/api/v1/orders/100001", 405),
        ("get", "/api/v1/pedidos", 404),
        ("post", "/api/v1/orders/1/status/extra", 404),
    ],
)
def test_wrong_methods_and_paths_also_answer_json(client, api_token, method, path, code):
    response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {api_token}")

    assert response.status_code == code
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_each_call_is_logged_with_its_outcome(api, order_factory, caplog):
    order = order_factory()

    with caplog.at_level("INFO", logger="integrations.api"):
        status(api, order.number, "aprovado")
        status(api, order.number, "aprovado")

    lines = [r.getMessage() for r in caplog.records if r.name == "integrations.api"]
    assert "200 order" in lines[0]
    assert "409 already_used" in lines[1]


def test_staff_who_may_only_view_tokens_cannot_revoke_them(client, api_token):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    viewer = UserFactory(username="so-olha", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    client.force_login(viewer)
    stored = ApiToken.objects.get()

    client.post(
        reverse("admin:integrations_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [stored.pk]},
    )

    stored.refresh_from_db()
    assert stored.revoked_at is None


def test_a_retry_with_the_same_idempotency_key_returns_the_first_order(api):
    first = api.post("/orders", ORDER, HTTP_IDEMPOTENCY_KEY="pedido-erp-42")
    retry = api.post("/orders", ORDER, HTTP_IDEMPOTENCY_KEY="pedido-erp-42")
    other = api.post("/orders", ORDER, HTTP_IDEMPOTENCY_KEY="pedido-erp-43")

    assert (first.status_code, retry.status_code, other.status_code) == (201, 200, 201)
    assert retry.json()["number"] == first.json()["number"]
    assert other.json()["number"] != first.json()["number"]
    assert Order.objects.count() == 2


def test_an_idempotency_key_reused_for_a_different_order_is_a_409(api):
    api.post("/orders", ORDER, HTTP_IDEMPOTENCY_KEY="pedido-erp-42")

    response = api.post(
        "/orders", {**ORDER, "customer_name": "Outra Pessoa"}, HTTP_IDEMPOTENCY_KEY="pedido-erp-42"
    )

    assert response.status_code == 409
    assert response.json()["error"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_a_body_over_django_s_upload_limit_is_a_json_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000

    response = api.post("/orders", {**ORDER, "customer_name": "a" * 20_000})

    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert not Order.objects.exists()
