"""Final statuses: only the support override, only with the permission, only with a reason."""

from __future__ import annotations

import pytest

from orders.actors import Actor
from orders.errors import OrderProcessingError, RefusalCode
from orders.services import order_process
from orders.statuses import OrderStatus
from tests.factories import UserFactory, dispatch_fields

S = OrderStatus


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("final", [S.CONCLUIDO, S.CANCELADO])
def test_store_staff_cannot_leave_a_final_status(order_factory, lojista_actor, final):
    order = order_factory(status=final)
    with pytest.raises(OrderProcessingError) as refusal:
        order_process(
            order, to_status=S.APROVADO, by=lojista_actor, override_reason="Cliente pediu"
        )
    assert refusal.value.code == RefusalCode.FINAL_STATUS
    assert "suporte" in refusal.value.message


@pytest.mark.parametrize("final", [S.CONCLUIDO, S.CANCELADO])
def test_integrations_never_override(order_factory, final):
    order = order_factory(status=final)
    with pytest.raises(OrderProcessingError) as refusal:
        order_process(order, to_status=S.TRACKING, by=Actor.integration("ERP"), override_reason="x")
    assert refusal.value.code == RefusalCode.FINAL_STATUS


def test_support_must_give_a_reason(order_factory, suporte_actor):
    order = order_factory(status=S.CONCLUIDO)
    with pytest.raises(OrderProcessingError) as refusal:
        order_process(order, to_status=S.TRACKING, by=suporte_actor, override_reason="   ")
    assert refusal.value.code == RefusalCode.INVALID_FIELDS
    assert "override_reason" in refusal.value.fields
    order.refresh_from_db()
    assert order.status == S.CONCLUIDO


@pytest.mark.parametrize("user_fixture", ["suporte", "superuser"])
def test_support_reopens_a_completed_order_and_it_can_move_on(order_factory, request, user_fixture):
    # given a completed order the customer says never arrived
    support = Actor.person(request.getfixturevalue(user_fixture))
    order = order_factory(status=S.CONCLUIDO)
    # when support sends it back to Tracking
    change = order_process(
        order,
        to_status=S.TRACKING,
        by=support,
        override_reason="Cliente informou que não recebeu",
    )
    # then the override is marked, the reopened statuses are revoked, and Concluído is usable again
    assert change.is_override
    assert change.override_reason == "Cliente informou que não recebeu"
    revoked = set(order.status_changes.filter(revoked=True).values_list("to_status", flat=True))
    assert revoked == {S.TRACKING, S.CONCLUIDO}
    assert all(c.revoked_by_id == change.pk for c in order.status_changes.filter(revoked=True))
    again = order_process(order, to_status=S.CONCLUIDO, by=support)
    assert again.order.status == S.CONCLUIDO


def test_support_reopens_a_cancelled_order_to_dispatch_with_new_data(order_factory, suporte_actor):
    order = order_factory(status=S.CANCELADO)
    order_process(
        order, to_status=S.APROVADO, by=suporte_actor, override_reason="Pagamento confirmado"
    )
    change = order_process(
        order, to_status=S.DESPACHADO, by=suporte_actor, fields=dispatch_fields(4321)
    )
    assert change.order.invoice_number == "4321"
    active = list(order.status_changes.filter(revoked=False).values_list("to_status", flat=True))
    assert active == [S.NOVO, S.APROVADO, S.DESPACHADO]


def test_override_to_cancelled_uses_the_reason_as_motivo(order_factory, suporte_actor):
    order = order_factory(status=S.CONCLUIDO)
    change = order_process(
        order, to_status=S.CANCELADO, by=suporte_actor, override_reason="Devolução total"
    )
    assert change.fields == {"reason": "Devolução total"}


def test_a_final_status_cannot_be_overridden_to_itself(order_factory, suporte_actor):
    order = order_factory(status=S.CANCELADO)
    with pytest.raises(OrderProcessingError) as refusal:
        order_process(order, to_status=S.CANCELADO, by=suporte_actor, override_reason="x")
    assert refusal.value.code == RefusalCode.ALREADY_USED


def test_only_the_override_may_skip_the_customer_email(order_factory, suporte_actor):
    from notifications.models import EmailOutbox

    order = order_factory(status=S.CANCELADO)
    before = EmailOutbox.objects.count()
    order_process(
        order, to_status=S.APROVADO, by=suporte_actor, override_reason="Pago", notify=False
    )
    assert EmailOutbox.objects.count() == before
    order_process(order, to_status=S.EM_PRODUCAO, by=suporte_actor, notify=False)
    assert EmailOutbox.objects.count() == before + 1
