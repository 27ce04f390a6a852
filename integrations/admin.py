"""Admin for the integration API's tokens: support sees them and revokes a leaked one."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import ApiTokenForm
from .models import ApiScope, ApiToken
from .tokens import ordered_scopes


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["name", "prefix", "scopes_display", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    # The scopes are the one thing staff change; the secret itself is never shown again.
    fields = ["name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description=_("permissões"))
    def scopes_display(self, token: ApiToken) -> str:
        labels = [str(ApiScope(scope).label) for scope in ordered_scopes(token.scopes or [])]
        return ", ".join(labels) or "—"

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
