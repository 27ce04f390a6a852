"""The "Processar pedido" admin view: fetch, check, call order_process, redirect or re-render."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from orders.actors import Actor
from orders.errors import OrderProcessingError, RefusalCode
from orders.formatting import brl
from orders.models import Order, OrderStatusChange
from orders.permissions import may_open_processing
from orders.rules import allowed_next_statuses, check_not_stale, refused_statuses
from orders.services import order_process
from orders.statuses import OrderStatus, is_final, staff_label

from .confirmation import CONFIRM_DIGEST, Confirmation, audience_context, is_confirmed
from .forms import ProcessOrderForm
from .timeline import final_status_notice

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin


def submit_processing(order: Order, form: ProcessOrderForm, actor: Actor) -> OrderStatusChange:
    """Run the change only if the order is still in the status the form was opened with.

    The service compares that status on the locked row, so two people (or a double click)
    cannot both act on what they saw.
    """
    data = form.cleaned_data
    return order_process(
        order,
        to_status=data["to_status"],
        by=actor,
        fields=form.status_fields(),
        message=data["message"],
        note=data["note"],
        override_reason=data.get("override_reason", ""),
        notify=data.get("notify", True),
        expected_status=data["expected_status"],
    )


def success_message(change: OrderStatusChange, *, notified: bool) -> str:
    values = {
        "number": change.order.number,
        "a": OrderStatus(change.from_status).label,
        "b": OrderStatus(change.to_status).label,
    }
    if change.is_override:
        text = _("Pedido %(number)s alterado pelo suporte de %(a)s para %(b)s; motivo registrado.")
    else:
        text = _("Pedido %(number)s passou de %(a)s para %(b)s.")
    if notified:
        email = _("O cliente receberá um e-mail com a atualização.")
    else:
        email = _("O cliente não foi avisado por e-mail.")
    return f"{text % values} {email}"


def _stale_message(order: Order, opened_with: str | None) -> str:
    """The service's own refusal, when the form was opened on another status; else ""."""
    try:
        check_not_stale(order, opened_with)
    except OrderProcessingError as error:
        return error.message
    return ""


def process_order_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    order = model_admin.get_object(request, unquote(object_id))
    if order is None:
        return model_admin._get_obj_does_not_exist_redirect(request, model_admin.opts, object_id)
    if not (model_admin.has_view_permission(request, order) and may_open_processing(request.user)):
        raise PermissionDenied
    order_url = reverse("admin:orders_order_change", args=[order.pk])
    actor = Actor.person(request.user)
    allowed = allowed_next_statuses(order, actor)
    if not allowed:
        notice = (
            final_status_notice(order.status)
            if is_final(order.status)
            else _("Não há mudança de status possível para este pedido agora.")
        )
        stale = _stale_message(order, request.POST.get("expected_status") or None)
        if request.method == "POST" and stale:
            notice = f"{stale} {notice}"
        messages.error(request, notice)
        return HttpResponseRedirect(order_url)

    form = ProcessOrderForm(order=order, allowed=allowed)
    if request.method == "POST":
        if _stale_message(order, request.POST.get("expected_status", "")):
            # Checked before the choices: a status chosen then may not be offered now.
            return _stale_response(model_admin, request, order, actor)
        form = ProcessOrderForm(request.POST, request.FILES, order=order, allowed=allowed)
        if form.is_valid():
            confirmation = form.confirmation()
            if not is_confirmed(request, confirmation):
                # Warned before, not after: nothing is saved or e-mailed until confirmed.
                if hasattr(form.chosen_fields_form, "keep_upload_as_text"):
                    form.chosen_fields_form.keep_upload_as_text()
                return _render(model_admin, request, order, form, confirmation=confirmation)
            try:
                change = submit_processing(order, form, actor)
            except OrderProcessingError as error:
                if error.code == RefusalCode.STALE:
                    order.refresh_from_db()
                    return _stale_response(model_admin, request, order, actor)
                form.add_refusal(error)
            else:
                messages.success(
                    request, success_message(change, notified=form.cleaned_data.get("notify", True))
                )
                for warning in form.warnings():
                    messages.warning(request, warning)
                return HttpResponseRedirect(order_url)
    return _render(model_admin, request, order, form)


def _stale_response(
    model_admin: ModelAdmin, request: HttpRequest, order: Order, actor: Actor
) -> HttpResponse:
    stale_message = _stale_message(order, request.POST.get("expected_status", ""))
    allowed = allowed_next_statuses(order, actor)
    if not allowed:
        messages.error(request, stale_message)
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))
    form = ProcessOrderForm(order=order, allowed=allowed)
    form.initial.update(message=request.POST.get("message", ""), note=request.POST.get("note", ""))
    return _render(model_admin, request, order, form, stale_message)


def _render(
    model_admin: ModelAdmin,
    request: HttpRequest,
    order: Order,
    form: ProcessOrderForm,
    stale_message: str = "",
    confirmation: Confirmation | None = None,
) -> HttpResponse:
    title = _("Alterar pedido finalizado") if form.is_override else _("Processar pedido")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "subtitle": str(order),
        "order": order,
        "order_total": brl(order.total),
        "form": form,
        "status_forms": [
            (status, OrderStatus(status).label, fields_form)
            for status, fields_form in form.status_forms.items()
        ],
        "stale_message": stale_message,
        # The statuses not offered, greyed out, each with why: the machine explained.
        "refused": [
            (staff_label(status), reason)
            for status, reason in refused_statuses(order, Actor.person(request.user))
        ],
        "media": model_admin.media,
        "confirmation": confirmation,
        "confirm_digest_name": CONFIRM_DIGEST,
        "check_url": reverse("admin:orders_order_check_dispatch"),
        **audience_context(),
    }
    return TemplateResponse(request, "admin/orders/order/process_form.html", context)
