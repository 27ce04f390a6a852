"""Late orders in the order list and on the order page: the "Atrasados" filter and badge.

The time limits are read once per request (one small query) and turned into cutoffs; the
list marks each row in the same SELECT (a CASE on the indexed columns), never row by row.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from orders.deadlines import late_condition, status_cutoffs

LATE_PARAM = "atrasado"


def request_cutoffs(request: HttpRequest) -> dict[str, datetime]:
    """The cutoffs for this request, read once however often the admin asks."""
    if not hasattr(request, "_jet_late_cutoffs"):
        request._jet_late_cutoffs = status_cutoffs(timezone.now())
    return request._jet_late_cutoffs


def with_late_flag(queryset: QuerySet, request: HttpRequest) -> QuerySet:
    """Each order annotated with `is_late`."""
    cutoffs = request_cutoffs(request)
    if not cutoffs:
        return queryset.annotate(is_late=Value(False, output_field=BooleanField()))
    flag = Case(
        When(late_condition(cutoffs), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return queryset.annotate(is_late=flag)


def late_badge(order: object) -> SafeString:
    """An "Atrasado" badge (a word, not only a colour) when the order is late."""
    if not getattr(order, "is_late", False):
        return mark_safe("")
    return format_html(
        ' <span class="jet-late" title="{}">{}</span>',
        _("Passou do prazo do status"),
        _("Atrasado"),
    )


class LateFilter(admin.SimpleListFilter):
    title = _("prazo")
    parameter_name = LATE_PARAM

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("sim", _("Atrasados"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "sim":
            return queryset.late(timezone.now(), request_cutoffs(request))
        return queryset
