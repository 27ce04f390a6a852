"""Staff edit each status's time limit (Prazos dos status); the late orders follow it."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from orders.deadlines import StatusDeadline


@admin.register(StatusDeadline)
class StatusDeadlineAdmin(admin.ModelAdmin):
    list_display = ["status", "limit_days", "working_days", "limit_col"]
    list_display_links = ["status"]
    # The limits are a handful of rows: edited right in the list.
    list_editable = ["limit_days", "working_days"]
    fields = ["status", "limit_days", "working_days"]

    @admin.display(description=_("na prática"))
    def limit_col(self, deadline: StatusDeadline) -> str:
        return deadline.limit_display
