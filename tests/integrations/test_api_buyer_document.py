"""The API carries the buyer's CPF/CNPJ, the CEP and the UF: validated on creation (a 400 that
names the field, in Portuguese), stored without punctuation, returned by GET."""

from __future__ import annotations

import pytest

from orders.models import Order

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

ORDER = {
    "customer_name": "Ateliê Ponto Azul",
    "customer_email": "compras@exemplo.com.br",
    "buyer_document": "12.ABC.345/01DE-35",
    "items": [{"description": "Almofada bordada", "quantity": 2, "unit_price": "129.90"}],
    "shipping": {
        "street": "Av. Paulista",
        "number": "1000",
        "district": "Bela Vista",
        "city": "São Paulo",
        "state": "sp",
        "postal_code": "01310-100",
    },
    "shipping_cost": "0.00",
    "total": "259.80",
}


def test_an_order_is_created_with_its_document_cep_and_uf_and_get_returns_them(api):
    created = api.post("/orders", ORDER)

    assert created.status_code == 201, created.json()
    number = created.json()["number"]
    order = Order.objects.get(number=number)
    assert (order.buyer_document, order.shipping_state, order.shipping_postal_code) == (
        "12ABC34501DE35",
        "SP",
        "01310100",
    )
    data = api.get(f"/orders/{number}").json()
    assert data["buyer_document"] == "12ABC34501DE35"
    assert data["shipping"]["state"] == "SP"
    assert data["shipping"]["postal_code"] == "01310100"
    assert data["shipping"]["city"] == "São Paulo"


def test_a_cpf_typed_without_punctuation_is_accepted(api):
    response = api.post("/orders", {**ORDER, "buyer_document": "11144477735"})

    assert response.status_code == 201
    assert response.json()["buyer_document"] == "11144477735"


def test_the_document_is_optional(api):
    body = {key: value for key, value in ORDER.items() if key != "buyer_document"}

    response = api.post("/orders", body)

    assert response.status_code == 201
    assert response.json()["buyer_document"] == ""


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"buyer_document": "111.444.777-36"},
            "buyer_document",
            "CPF inválido: os dígitos verificadores não conferem.",
        ),
        (
            {"buyer_document": "12.ABC.345/01DE-36"},
            "buyer_document",
            "CNPJ inválido: os dígitos verificadores não conferem.",
        ),
        ({"buyer_document": "123"}, "buyer_document", "Informe um CPF (11 dígitos) ou um CNPJ"),
        (
            {"shipping": {**ORDER["shipping"], "state": "XX"}},
            "shipping.state",
            "UF inválida: “XX”.",
        ),
        (
            {"shipping": {**ORDER["shipping"], "postal_code": "0131-100"}},
            "shipping.postal_code",
            "CEP inválido: use 8 dígitos, como 01310-100.",
        ),
    ],
    ids=["cpf-check-digit", "cnpj-check-digit", "document-length", "uf", "cep"],
)
def test_a_bad_document_uf_or_cep_is_a_400_naming_the_field(api, change, field, message):
    response = api.post("/orders", {**ORDER, **change})

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_fields"
    assert body["detail"] == "Confira os dados enviados."
    assert message in body["fields"][field][0], body
    assert not Order.objects.exists()


def test_the_openapi_schema_documents_and_exemplifies_the_new_fields(client):
    schema = client.get("/api/v1/openapi.json").json()
    order_in = schema["components"]["schemas"]["OrderIn"]

    assert "12.ABC.345/01DE-35" in order_in["properties"]["buyer_document"]["examples"]
    assert order_in["examples"][0]["buyer_document"] == "111.444.777-35"
    assert "buyer_document" in schema["components"]["schemas"]["OrderOut"]["properties"]
