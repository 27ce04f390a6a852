"""'Processar pedido' explains the state machine: every status it does not offer is shown
greyed out with the service's own reason, for each role and each starting status."""

from __future__ import annotations

import pytest

from orders.statuses import OrderStatus, is_final, staff_label
from tests.admin_urls import process_url
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["lojista", "suporte"])
@pytest.mark.parametrize("start", list(OrderStatus), ids=[s.value for s in OrderStatus])
def test_every_other_status_is_offered_or_shown_with_its_reason(request, client, role, start):
    order = OrderFactory(status=start)
    client.force_login(request.getfixturevalue(role))

    response = client.get(process_url(order))

    if role == "lojista" and is_final(start):
        # Store staff never reach the form for a final order: the order page says why.
        assert response.status_code == 302
        return
    html = response.content.decode()
    offered = {value for value, _label in response.context["form"].fields["to_status"].choices}
    refused = {str(label): reason for label, reason in response.context["refused"]}
    for status in OrderStatus:
        if status == start:
            continue
        assert (status.value in offered) != (staff_label(status) in refused), status
        if staff_label(status) in refused:
            assert refused[staff_label(status)]
            assert refused[staff_label(status)] in html


def test_the_reasons_are_the_services_words(client, lojista):
    order = OrderFactory(status=OrderStatus.APROVADO)
    client.force_login(lojista)

    refused = dict(client.get(process_url(order)).context["refused"])

    assert "já foi usado" in refused[OrderStatus.NOVO.label]
    assert refused[OrderStatus.CONCLUIDO.label] == (
        "Não é possível passar o pedido de Aprovado para Concluído: só a partir de Despachado "
        "ou Tracking."
    )
