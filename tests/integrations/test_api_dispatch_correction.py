"""POST /api/v1/orders/{number}/dispatch: correct a dispatched order's dispatch data."""

from __future__ import annotations

import pytest

from notifications.models import EmailOutbox
from orders.emails import CORRECTION_TEMPLATE
from orders.statuses import OrderStatus
from orders.tracking import correios_check_digit

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

NEW_CODE = f"PX87654321{correios_check_digit('87654321')}BR"


def test_an_erp_corrects_the_tracking_code(api, order_factory):
    order = order_factory(status=OrderStatus.DESPACHADO)

    response = api.post(f"/orders/{order.number}/dispatch", {"tracking_code": NEW_CODE})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "despachado"
    assert body["dispatch"]["tracking_code"] == NEW_CODE
    assert body["dispatch"]["carrier"] == "Correios"
    [correction] = body["dispatch_corrections"]
    assert correction["changes"] == {"tracking_code": ["AA123456785BR", NEW_CODE]}
    assert correction["actor"] == "Integração (ERP Bling)"
    assert [c["to_status"] for c in body["history"]].count("despachado") == 1
    assert EmailOutbox.objects.filter(template=CORRECTION_TEMPLATE).count() == 1


def test_an_order_not_dispatched_is_409(api, order_factory):
    order = order_factory(status=OrderStatus.APROVADO)
    response = api.post(f"/orders/{order.number}/dispatch", {"tracking_code": NEW_CODE})
    assert response.status_code == 409
    assert response.json()["error"] == "not_allowed"
    assert "Despachado" in response.json()["detail"]


def test_an_integration_may_not_correct_a_delivered_order(api, order_factory):
    order = order_factory(status=OrderStatus.CONCLUIDO)
    response = api.post(f"/orders/{order.number}/dispatch", {"carrier": "Jadlog"})
    assert response.status_code == 409
    assert response.json()["error"] == "final_status"


def test_an_invalid_field_is_400_naming_it(api, order_factory):
    order = order_factory(status=OrderStatus.DESPACHADO)
    response = api.post(f"/orders/{order.number}/dispatch", {"nfe_key": "123"})
    assert response.status_code == 400
    assert "nfe_key" in response.json()["fields"]


def test_an_unknown_field_is_400_naming_it(api, order_factory):
    order = order_factory(status=OrderStatus.DESPACHADO)
    response = api.post(f"/orders/{order.number}/dispatch", {"tracking": NEW_CODE})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "tracking": ["Campo desconhecido: “tracking”. Veja os campos aceitos em /api/v1/docs."]
    }
