"""The status machine of design §2, through the one service, as store staff use it."""

from __future__ import annotations

import django_fsm as fsm
import pytest
from django.db import IntegrityError, connection, transaction

from orders.actors import Actor
from orders.errors import OrderProcessingError, RefusalCode
from orders.models import AppendOnlyError, Order, OrderStatusChange
from orders.rules import allowed_next_statuses
from orders.services import order_process
from orders.statuses import OrderStatus
from tests.factories import PATH_TO, fields_for

S = OrderStatus
ALLOWED = {
    S.NOVO: {S.EM_APROVACAO, S.APROVADO, S.CANCELADO},
    S.EM_APROVACAO: {S.APROVADO, S.CANCELADO},
    S.APROVADO: {S.EM_PRODUCAO, S.DESPACHADO, S.CANCELADO},
    S.EM_PRODUCAO: {S.DESPACHADO, S.CANCELADO},
    S.DESPACHADO: {S.TRACKING, S.CONCLUIDO, S.CANCELADO},
    S.TRACKING: {S.CONCLUIDO, S.CANCELADO},
    S.CONCLUIDO: set(),
    S.CANCELADO: set(),
}
PAIRS = [(a, b) for a in S for b in S]


def expected_refusal(current: S, to: S) -> RefusalCode:
    if current in (S.CONCLUIDO, S.CANCELADO):
        return RefusalCode.ALREADY_USED if to == current else RefusalCode.FINAL_STATUS
    if to == S.NOVO or to == current or to in PATH_TO[current]:
        return RefusalCode.ALREADY_USED
    return RefusalCode.NOT_ALLOWED


@pytest.mark.parametrize(("current", "to"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_of_statuses_is_allowed_or_refused_with_its_reason(
    order_factory, lojista_actor, current, to
):
    # given
    order = order_factory(status=current)
    history_before = order.status_changes.count()
    # when / then
    if to in ALLOWED[current]:
        change = order_process(order, to_status=to, by=lojista_actor, fields=fields_for(to))
        assert change.order.status == to
        assert order.status_changes.count() == history_before + 1
        assert change.from_status == current
        assert change.actor_label == "Lúcia Lojista"
    else:
        with pytest.raises(OrderProcessingError) as refusal:
            order_process(order, to_status=to, by=lojista_actor, fields=fields_for(to))
        assert refusal.value.code == expected_refusal(current, to)
        assert refusal.value.message
        order.refresh_from_db()
        assert order.status == current
        assert order.status_changes.count() == history_before


@pytest.mark.parametrize("current", list(S))
def test_the_screen_offers_exactly_the_allowed_statuses(order_factory, lojista_actor, current):
    order = order_factory(status=current)
    assert set(allowed_next_statuses(order, lojista_actor)) == ALLOWED[current]


def test_state_rules_hold_on_an_unsaved_order():
    order = Order()
    assert fsm.can_proceed(order.approve)
    assert not fsm.can_proceed(order.dispatch)
    with pytest.raises(fsm.TransitionNotAllowed):
        order.complete()


def test_status_cannot_be_assigned_directly(order_factory):
    order = order_factory()
    with pytest.raises(AttributeError):
        order.status = S.CONCLUIDO


def test_database_refuses_an_unknown_status(order_factory):
    order = order_factory()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE orders_order SET status = 'perdido' WHERE id = %s", [order.pk])


def test_dispatch_requires_its_fields_and_changes_nothing_without_them(
    order_factory, lojista_actor
):
    order = order_factory(status=S.APROVADO)
    with pytest.raises(OrderProcessingError) as refusal:
        order_process(order, to_status=S.DESPACHADO, by=lojista_actor, fields={"carrier": "Jadlog"})
    assert refusal.value.code == RefusalCode.INVALID_FIELDS
    assert set(refusal.value.fields) == {"nfe_key", "invoice_number", "shipping_method"}
    order.refresh_from_db()
    assert order.status == S.APROVADO
    assert order.nfe_key == ""


def test_dispatch_keeps_the_invoice_and_tracking_data(order_factory, lojista_actor):
    order = order_factory(status=S.EM_PRODUCAO)
    change = order_process(
        order, to_status=S.DESPACHADO, by=lojista_actor, fields=fields_for(S.DESPACHADO)
    )
    assert change.order.tracking_code == "AA123456785BR"
    assert change.order.invoice_number == "1234"
    assert change.fields["carrier"] == "Correios"


def test_cancel_requires_a_reason(order_factory, lojista_actor):
    order = order_factory(status=S.APROVADO)
    with pytest.raises(OrderProcessingError) as refusal:
        order_process(order, to_status=S.CANCELADO, by=lojista_actor, fields={"reason": "  "})
    assert refusal.value.fields.keys() == {"reason"}


def test_message_and_note_are_kept_on_the_change(order_factory, lojista_actor):
    order = order_factory(status=S.APROVADO)
    change = order_process(
        order,
        to_status=S.EM_PRODUCAO,
        by=lojista_actor,
        message="Seu bordado ficará pronto em 3 dias.",
        note="Cliente pediu linha dourada.",
    )
    assert change.message_to_customer == "Seu bordado ficará pronto em 3 dias."
    assert change.internal_note == "Cliente pediu linha dourada."


def deactivated(user):
    user.is_active = False
    user.save()
    return user


@pytest.mark.parametrize(
    ("user_fixture", "prepare"),
    [("viewer", lambda user: user), ("lojista", deactivated)],
    ids=["may-only-view", "deactivated-staff"],
)
def test_who_may_not_process_is_refused_and_nothing_changes(
    order_factory, request, user_fixture, prepare
):
    user = prepare(request.getfixturevalue(user_fixture))
    order = order_factory()
    with pytest.raises(OrderProcessingError) as refusal:
        order_process(order, to_status=S.APROVADO, by=Actor.person(user))
    assert refusal.value.code == RefusalCode.PERMISSION_DENIED
    assert order.status_changes.count() == 1


def test_unknown_status_is_refused(order_factory, lojista_actor):
    with pytest.raises(OrderProcessingError) as refusal:
        order_process(order_factory(), to_status="perdido", by=lojista_actor)
    assert refusal.value.code == RefusalCode.NOT_ALLOWED


def test_gateways_and_integrations_make_staff_changes_and_are_named(order_factory):
    order = order_factory(status=S.NOVO)
    change = order_process(order, to_status=S.APROVADO, by=Actor.gateway("Mercado Pago"))
    assert change.actor_display == "Gateway de pagamento (Mercado Pago)"
    change = order_process(order, to_status=S.EM_PRODUCAO, by=Actor.integration("ERP Bling"))
    assert change.actor_display == "Integração (ERP Bling)"


def test_history_is_append_only(order_factory):
    change = order_factory(status=S.APROVADO).status_changes.last()
    change.internal_note = "reescrevendo a história"
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()


def test_database_refuses_a_second_active_row_for_the_same_status(order_factory):
    order = order_factory(status=S.APROVADO)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderStatusChange.objects.create(
            order=order, from_status=S.NOVO, to_status=S.APROVADO, actor_kind="system"
        )


def test_the_unique_constraint_exists_in_the_database(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, OrderStatusChange._meta.db_table
        )
    assert constraints["uniq_active_status_per_order"]["unique"]


def test_a_change_from_a_stale_screen_is_refused(order_factory, lojista_actor):
    order = order_factory(status=S.EM_PRODUCAO)
    with pytest.raises(OrderProcessingError) as refusal:
        order_process(
            order,
            to_status=S.CANCELADO,
            by=lojista_actor,
            fields=fields_for(S.CANCELADO),
            expected_status=S.APROVADO,
        )
    assert refusal.value.code == RefusalCode.STALE
    assert "Em produção" in refusal.value.message


def test_saving_a_stale_copy_raises_concurrent_transition(order_factory):
    order = order_factory(status=S.APROVADO)
    first, second = Order.objects.get(pk=order.pk), Order.objects.get(pk=order.pk)
    first.start_production()
    first.save()
    second.cancel()
    with pytest.raises(fsm.ConcurrentTransition), transaction.atomic():
        second.save()
    order.refresh_from_db()
    assert order.status == S.EM_PRODUCAO
