""" "Corrigir dados do despacho": the dispatch fields again, through order_correct_dispatch.

A correction is not a status change: the order keeps its status and its history; the
correction is recorded on the timeline with each field's old and new value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from orders.actors import Actor
from orders.errors import OrderProcessingError
from orders.formatting import brl
from orders.models import Order
from orders.rules import check_dispatch_correction
from orders.services import order_correct_dispatch
from orders.status_fields import DISPATCH_FIELDS

from .confirmation import (
    CONFIRM_DIGEST,
    Confirmation,
    audience_context,
    build_confirmation,
    is_confirmed,
)
from .forms import AdminDispatchFieldsForm

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin


class DispatchCorrectionForm(AdminDispatchFieldsForm):
    """The dispatch form, filled with the order's data, plus message, note and notify."""

    message = forms.CharField(
        label=gettext_lazy("Mensagem ao cliente"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Opcional. Vai no e-mail ao cliente."),
    )
    note = forms.CharField(
        label=gettext_lazy("Observação interna"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Opcional. Só a equipe vê (por exemplo, por que foi corrigido)."),
    )
    notify = forms.BooleanField(
        label=gettext_lazy("Avisar o cliente por e-mail"),
        required=False,
        initial=True,
        help_text=gettext_lazy("O e-mail traz os dados corrigidos e o novo link de rastreio."),
    )

    def dispatch_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) or "" for name in DISPATCH_FIELDS}

    def confirmation(self, *, buyer_document: str = "") -> Confirmation | None:
        """The warnings of the corrected data, to be confirmed before it is saved."""
        return build_confirmation(
            warnings=self.warnings(buyer_document=buyer_document),
            to_status="",
            notify=self.cleaned_data["notify"],
            reason="",
            message=self.cleaned_data["message"],
            values=self.dispatch_values(),
        )


def correct_dispatch_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    order = model_admin.get_object(request, unquote(object_id))
    if order is None:
        return model_admin._get_obj_does_not_exist_redirect(request, model_admin.opts, object_id)
    if not model_admin.has_view_permission(request, order):
        raise PermissionDenied
    order_url = reverse("admin:orders_order_change", args=[order.pk])
    actor = Actor.person(request.user)
    try:
        check_dispatch_correction(order, actor)
    except OrderProcessingError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(order_url)

    initial = {name: getattr(order, name) for name in DISPATCH_FIELDS}
    form = DispatchCorrectionForm(initial=initial)
    if request.method == "POST":
        form = DispatchCorrectionForm(request.POST, request.FILES, initial=initial)
        if form.is_valid():
            confirmation = form.confirmation(buyer_document=order.buyer_document)
            if not is_confirmed(request, confirmation):
                # Warned before, not after: nothing is saved or e-mailed until confirmed.
                form.keep_upload_as_text()
                return _render(model_admin, request, order, form, confirmation)
            try:
                correction = order_correct_dispatch(
                    order,
                    by=actor,
                    fields=form.dispatch_values(),
                    notify=form.cleaned_data["notify"],
                    note=form.cleaned_data["note"],
                    message=form.cleaned_data["message"],
                )
            except OrderProcessingError as error:
                _add_refusal(form, error)
            else:
                messages.success(request, _success_message(order, correction.changes, form))
                for warning in form.warnings(buyer_document=order.buyer_document):
                    messages.warning(request, warning)
                return HttpResponseRedirect(f"{order_url}#andamento")
    return _render(model_admin, request, order, form)


def _add_refusal(form: DispatchCorrectionForm, error: OrderProcessingError) -> None:
    form.add_error(None, error.message)
    for name, field_messages in error.fields.items():
        form.add_error(name if name in form.fields else None, field_messages)


def _success_message(order: Order, changes: dict, form: DispatchCorrectionForm) -> str:
    text = ngettext(
        "Dados do despacho do pedido %(number)s corrigidos (%(count)d campo).",
        "Dados do despacho do pedido %(number)s corrigidos (%(count)d campos).",
        len(changes),
    ) % {"number": order.number, "count": len(changes)}
    if form.cleaned_data["notify"]:
        return f"{text} {_('O cliente receberá um e-mail com os dados corrigidos.')}"
    return f"{text} {_('O cliente não foi avisado por e-mail.')}"


def _render(
    model_admin: ModelAdmin,
    request: HttpRequest,
    order: Order,
    form: DispatchCorrectionForm,
    confirmation: Confirmation | None = None,
) -> HttpResponse:
    extra = {"message", "note", "notify"}
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Corrigir dados do despacho"),
        "subtitle": str(order),
        "order": order,
        "order_total": brl(order.total),
        "form": form,
        "dispatch_fields": [field for field in form if field.name not in extra],
        "extra_fields": [form[name] for name in ("message", "note", "notify")],
        "media": model_admin.media,
        "confirmation": confirmation,
        "confirm_digest_name": CONFIRM_DIGEST,
        "check_url": reverse("admin:orders_order_check_dispatch"),
        **audience_context(),
    }
    return TemplateResponse(request, "admin/orders/order/correct_dispatch_form.html", context)
