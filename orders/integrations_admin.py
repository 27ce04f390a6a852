"""Admin for the integrations: payment events to look at, and API tokens to revoke."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiToken, PaymentEvent


@admin.register(PaymentEvent)
class PaymentEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "order", "provider", "kind", "outcome", "needs_attention"]
    list_filter = ["needs_attention", "outcome", "kind", "provider"]
    search_fields = ["order__number", "event_id"]
    list_select_related = ["order"]
    date_hierarchy = "created_at"
    actions = ["mark_resolved"]
    fields = [
        "created_at",
        "provider",
        "event_id",
        "kind",
        "order",
        "outcome",
        "detail",
        "needs_attention",
        "status_change",
        "payload",
    ]
    # Staff only clear the flag; what the gateway said stays as it was received.
    readonly_fields = [name for name in fields if name != "needs_attention"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PaymentEvent | None = None) -> bool:
        # The record of what a gateway told us is kept, like the status history.
        return False

    @admin.action(
        description=_("Marcar como resolvido (não requer mais atenção)"), permissions=["change"]
    )
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[PaymentEvent]) -> None:
        count = queryset.filter(needs_attention=True).update(needs_attention=False)
        self.message_user(
            request,
            ngettext(
                "%d evento marcado como resolvido.", "%d eventos marcados como resolvidos.", count
            )
            % count,
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A token's secret can be shown only once: `manage.py create_api_token NAME` does it.
        return False

    @admin.action(description=_("Revogar os tokens selecionados"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = queryset.active().update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%d token revogado.", "%d tokens revogados.", count) % count,
            messages.SUCCESS,
        )
