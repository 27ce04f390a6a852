"""Outbound webhooks in the admin: support registers endpoints; every delivery, with each
attempt's HTTP status and latency, can be looked at and re-sent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jetorders.admin_mixins import ViewOnlyAdminMixin
from orders.events import EVENT_KINDS

from .delivery import resend
from .endpoints import forget
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

EVENT_LABELS = {
    "order.status_changed": _("Mudança de status (order.status_changed)"),
    "order.tracking_event": _("Evento de rastreamento (order.tracking_event)"),
    "order.payment_event": _("Evento de pagamento (order.payment_event)"),
}


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("eventos"),
        choices=[(kind, EVENT_LABELS[kind]) for kind in EVENT_KINDS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "is_active", "events", "created_at"]
    list_filter = ["is_active"]
    readonly_fields = ["secret", "created_at", "updated_at"]
    fields = ["url", "description", "events", "is_active", "secret", "created_at", "updated_at"]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        # "Remover selecionados" deletes without Model.delete(): tell every process too.
        super().delete_queryset(request, queryset)
        forget()


class WebhookAttemptInline(ViewOnlyAdminMixin, admin.TabularInline):
    model = WebhookAttempt
    fields = ["number", "started_at", "status_code", "duration_ms", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "order", "endpoint", "kind", "status", "attempts"]
    list_display += ["last_status_code", "sent_at"]
    list_filter = ["status", "kind", "endpoint"]
    search_fields = ["order__number", "event_id"]
    list_select_related = ["order", "endpoint"]
    inlines = [WebhookAttemptInline]
    actions = ["resend_deliveries"]
    fields = [
        "event_id",
        "kind",
        "order",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "sent_at",
        "created_at",
        "payload",
    ]
    readonly_fields = fields

    @admin.action(description=_("Reenviar os webhooks selecionados"), permissions=["resend"])
    def resend_deliveries(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        # Only marks the rows and kicks a worker after commit: a slow receiver never holds
        # up this click.
        count = resend(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%d webhook será reenviado.", "%d webhooks serão reenviados.", count) % count,
            messages.SUCCESS,
        )

    def has_resend_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("integrations.resend_webhook")
