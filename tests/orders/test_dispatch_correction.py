"""Correcting a dispatched order's dispatch data: a recorded correction, never a status change."""

from __future__ import annotations

import pytest

from notifications.models import EmailOutbox
from notifications.rendering import render_email
from orders.actors import Actor
from orders.emails import CORRECTION_TEMPLATE
from orders.errors import OrderProcessingError, RefusalCode
from orders.models import AppendOnlyError, DispatchCorrection
from orders.services import order_correct_dispatch
from orders.statuses import OrderStatus
from orders.tracking import correios_check_digit

pytestmark = pytest.mark.django_db


def correios_code(serial: str = "87654321") -> str:
    return f"PX{serial}{correios_check_digit(serial)}BR"


def test_a_tracking_code_is_corrected_and_recorded_old_to_new(
    order_factory, lojista_actor, django_capture_on_commit_callbacks
):
    # given a dispatched order with a mistyped tracking code
    order = order_factory(status=OrderStatus.DESPACHADO)
    new_code = correios_code()
    statuses_before = list(order.status_changes.values_list("to_status", flat=True))

    # when staff correct it
    with django_capture_on_commit_callbacks(execute=True):
        correction = order_correct_dispatch(
            order, by=lojista_actor, fields={"tracking_code": new_code}, note="Digitei errado"
        )

    # then the order carries the new code, the correction says old → new, the status history
    # is untouched, and the customer gets the corrected link
    order.refresh_from_db()
    assert order.tracking_code == new_code
    assert order.status == OrderStatus.DESPACHADO
    assert correction.changes == {"tracking_code": ["AA123456785BR", new_code]}
    assert correction.actor_display == "Lúcia Lojista"
    assert correction.internal_note == "Digitei errado"
    assert list(order.status_changes.values_list("to_status", flat=True)) == statuses_before
    email = EmailOutbox.objects.get(template=CORRECTION_TEMPLATE)
    assert email.to_email == order.customer_email
    assert email.context["codigo_rastreio"] == new_code
    assert new_code in email.context["link_rastreio"]
    rendered = render_email(CORRECTION_TEMPLATE, email.context)
    assert new_code in rendered.subject
    assert email.context["link_rastreio"] in rendered.text
    assert "AA123456785BR" in rendered.text  # "antes: …"


def test_a_correction_without_notify_queues_no_email(order_factory, lojista_actor):
    order = order_factory(status=OrderStatus.TRACKING)
    order_correct_dispatch(
        order, by=lojista_actor, fields={"carrier": "Correios PAC"}, notify=False
    )
    assert not EmailOutbox.objects.filter(template=CORRECTION_TEMPLATE).exists()


def test_invalid_fields_are_refused_like_a_dispatch(order_factory, lojista_actor):
    order = order_factory(status=OrderStatus.DESPACHADO)
    with pytest.raises(OrderProcessingError) as refused:
        order_correct_dispatch(order, by=lojista_actor, fields={"nfe_key": "123"})
    assert refused.value.code == RefusalCode.INVALID_FIELDS
    assert "nfe_key" in refused.value.fields
    assert not DispatchCorrection.objects.exists()


def test_nothing_changed_is_refused(order_factory, lojista_actor):
    order = order_factory(status=OrderStatus.DESPACHADO)
    with pytest.raises(OrderProcessingError, match="Nenhum dado do despacho mudou"):
        order_correct_dispatch(order, by=lojista_actor, fields={"carrier": "Correios"})


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (OrderStatus.APROVADO, RefusalCode.NOT_ALLOWED),
        (OrderStatus.CANCELADO, RefusalCode.NOT_ALLOWED),
        (OrderStatus.CONCLUIDO, RefusalCode.FINAL_STATUS),
    ],
)
def test_staff_may_not_correct_an_order_that_is_not_in_transit(
    status, code, order_factory, lojista_actor
):
    order = order_factory(status=status)
    with pytest.raises(OrderProcessingError) as refused:
        order_correct_dispatch(order, by=lojista_actor, fields={"carrier": "Jadlog"})
    assert refused.value.code == code


def test_support_may_correct_a_delivered_order(order_factory, suporte_actor):
    order = order_factory(status=OrderStatus.CONCLUIDO)
    correction = order_correct_dispatch(order, by=suporte_actor, fields={"carrier": "Jadlog"})
    assert correction.changes == {"carrier": ["Correios", "Jadlog"]}


def test_a_viewer_may_not_correct(order_factory, viewer):
    order = order_factory(status=OrderStatus.DESPACHADO)
    with pytest.raises(OrderProcessingError) as refused:
        order_correct_dispatch(order, by=Actor.person(viewer), fields={"carrier": "Jadlog"})
    assert refused.value.code == RefusalCode.PERMISSION_DENIED


def test_corrections_are_append_only(order_factory, lojista_actor):
    order = order_factory(status=OrderStatus.DESPACHADO)
    correction = order_correct_dispatch(order, by=lojista_actor, fields={"carrier": "Jadlog"})
    with pytest.raises(AppendOnlyError):
        correction.save()
    with pytest.raises(AppendOnlyError):
        correction.delete()
