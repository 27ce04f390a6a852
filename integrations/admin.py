"""Admin for the integration API's tokens: support sees them and revokes a leaked one."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiToken


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


# The carrier scans' admin and the order page's "Rastreamento" section; outbound webhooks.
from .carriers import admin as _carriers_admin  # noqa: E402, F401
from .outbound import admin as _outbound_admin  # noqa: E402, F401
