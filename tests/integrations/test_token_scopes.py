"""API tokens carry scopes: orders:read, orders:create, orders:status; each endpoint needs one."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from integrations.models import ApiScope, ApiToken, all_scopes
from integrations.tokens import hash_token, issue_token
from orders.models import Order
from orders.statuses import OrderStatus

pytestmark = pytest.mark.django_db

NEW_ORDER = {
    "customer_name": "Maria da Silva",
    "customer_email": "maria@exemplo.com.br",
    "items": [{"description": "Camiseta", "quantity": 1, "unit_price": "59.90"}],
    "shipping_cost": "0.00",
    "total": "59.90",
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def call(client, token: str, endpoint: str, order: Order):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if endpoint == "read":
        return client.get(f"/api/v1/orders/{order.number}", **auth)
    if endpoint == "create":
        body = json.dumps(NEW_ORDER)
        return client.post("/api/v1/orders", body, content_type="application/json", **auth)
    body = json.dumps({"status": "aprovado"})
    url = f"/api/v1/orders/{order.number}/status"
    return client.post(url, body, content_type="application/json", **auth)


ENDPOINT_SCOPE = {
    "read": ApiScope.ORDERS_READ,
    "create": ApiScope.ORDERS_CREATE,
    "status": ApiScope.ORDERS_STATUS,
}
SUCCESS = {"read": 200, "create": 201, "status": 200}


@pytest.mark.parametrize("scope", list(ApiScope))
@pytest.mark.parametrize("endpoint", list(ENDPOINT_SCOPE))
def test_each_endpoint_needs_its_own_scope(client, order_factory, endpoint, scope):
    order = order_factory()
    orders_before = Order.objects.count()
    token = issue_token("ERP", [scope])[1]

    response = call(client, token, endpoint, order)

    if scope == ENDPOINT_SCOPE[endpoint]:
        assert response.status_code == SUCCESS[endpoint], response.json()
        return
    assert response.status_code == 403
    needed = ENDPOINT_SCOPE[endpoint]
    assert response.json() == {
        "error": "forbidden",
        "detail": f"Este token não tem a permissão “{needed.value}” ({needed.label}). "
        "Peça à loja um token com essa permissão.",
        "fields": {},
    }
    # A refused call changes nothing.
    assert Order.objects.count() == orders_before
    order.refresh_from_db()
    assert order.status == OrderStatus.NOVO


@pytest.mark.parametrize("endpoint", list(ENDPOINT_SCOPE))
def test_a_token_with_every_scope_may_call_every_endpoint(client, order_factory, endpoint):
    token = issue_token("ERP")[1]

    assert call(client, token, endpoint, order_factory()).status_code == SUCCESS[endpoint]


def test_the_scope_is_checked_before_the_body_is_validated(client):
    token = issue_token("Leitura", [ApiScope.ORDERS_READ])[1]

    response = client.post(
        "/api/v1/orders",
        b"{nope",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 403


def test_a_token_without_scopes_can_do_nothing(client, order_factory):
    order = order_factory()
    token = issue_token("Nada", [])[1]

    for endpoint in ENDPOINT_SCOPE:
        assert call(client, token, endpoint, order).status_code == 403


def test_a_revoked_token_is_still_a_401_not_a_403(client, order_factory):
    stored, raw = issue_token("ERP", [ApiScope.ORDERS_READ])
    ApiToken.objects.filter(pk=stored.pk).update(revoked_at="2026-01-01T00:00:00Z")

    assert call(client, raw, "status", order_factory()).status_code == 401


def test_the_schema_documents_the_403(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "403" in schema["paths"]["/api/v1/orders"]["post"]["responses"]
    assert "orders:read" in schema["paths"]["/api/v1/orders/{number}"]["get"]["description"]


# create_api_token -------------------------------------------------------------------------


def test_create_api_token_gives_every_scope_by_default_and_says_so(capsys):
    call_command("create_api_token", "ERP Bling")

    output = capsys.readouterr()
    token = ApiToken.objects.get()
    assert token.scopes == ["orders:read", "orders:create", "orders:status"]
    assert "orders:read" in output.err
    assert "orders:create" in output.err
    assert "orders:status" in output.err
    assert token.key_hash == hash_token(output.out.strip())


def test_create_api_token_with_chosen_scopes(client, order_factory, capsys):
    call_command(
        "create_api_token", "Transportadora", "--scope", "orders:status", "--scope", "orders:read"
    )

    output = capsys.readouterr()
    token = ApiToken.objects.get()
    assert token.scopes == ["orders:read", "orders:status"]
    assert "orders:create" not in output.err
    assert call(client, output.out.strip(), "create", order_factory()).status_code == 403


def test_create_api_token_refuses_an_unknown_scope():
    with pytest.raises(CommandError, match="invalid choice: 'orders:delete'"):
        call_command("create_api_token", "ERP", "--scope", "orders:delete")
    assert not ApiToken.objects.exists()


# The admin --------------------------------------------------------------------------------


def test_the_admin_lists_each_tokens_scopes(admin_client):
    issue_token("Só leitura", [ApiScope.ORDERS_READ])
    issue_token("Completo")

    page = admin_client.get(reverse("admin:integrations_apitoken_changelist")).content.decode()

    assert "Consultar pedidos" in page
    assert "Consultar pedidos, Criar pedidos, Alterar o status de pedidos" in page


def test_support_narrows_a_tokens_scopes_in_the_admin(admin_client, client, order_factory):
    stored, raw = issue_token("ERP")
    url = reverse("admin:integrations_apitoken_change", args=[stored.pk])
    page = admin_client.get(url).content.decode()
    assert 'type="checkbox" name="scopes" value="orders:create"' in page

    response = admin_client.post(url, {"scopes": ["orders:read"]})

    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.scopes == ["orders:read"]
    assert stored.name == "ERP"
    assert call(client, raw, "create", order_factory()).status_code == 403


def test_the_admin_refuses_a_token_without_any_scope(admin_client):
    stored = issue_token("ERP")[0]
    url = reverse("admin:integrations_apitoken_change", args=[stored.pk])

    response = admin_client.post(url, {})

    assert response.status_code == 200
    assert "Escolha pelo menos uma permissão" in response.content.decode()
    stored.refresh_from_db()
    assert stored.scopes == all_scopes()


# Tokens from before scopes -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_tokens_issued_before_scopes_get_every_scope():
    executor = MigrationExecutor(connection)
    executor.migrate([("integrations", "0001_initial")])
    old_apps = executor.loader.project_state([("integrations", "0001_initial")]).apps
    old_apps.get_model("integrations", "ApiToken").objects.create(
        name="ERP antigo", prefix="jet_antigo", key_hash="0" * 64
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert ApiToken.objects.get(name="ERP antigo").scopes == all_scopes()
