"""The order list's "de / até" filter on the order's date, typed as dd/mm/aaaa.

A bad or inverted range is told to the lojista in Portuguese and filters nothing, never a 500
(and never the admin's bare "?e=1"). The export reads the same range (export.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PARAM_FROM = "criado_de"
PARAM_TO = "criado_ate"
PARAMS = (PARAM_FROM, PARAM_TO)

# dd/mm/aaaa as people type it (one-digit day or month too); ISO for links built by code.
BRAZILIAN = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class DateRangeError(ValueError):
    """A range the lojista must fix; its message is the Portuguese text to show."""


@dataclass(frozen=True)
class DateRange:
    start: date | None = None
    end: date | None = None  # inclusive: "até 30/11" includes the whole of 30/11

    def __bool__(self) -> bool:
        return self.start is not None or self.end is not None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start 00:00, the day after end 00:00) in the store's time zone."""
        low = high = None
        if self.start:
            low = timezone.make_aware(datetime.combine(self.start, time.min))
        if self.end and self.end < date.max:
            high = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))
        return low, high

    def q(self) -> Q:
        low, high = self.bounds()
        condition = Q()
        if low:
            condition &= Q(created_at__gte=low)
        if high:
            condition &= Q(created_at__lt=high)
        return condition


def parse_day(text: str, which: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    if match := BRAZILIAN.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        day = month = year = 0
    try:
        return date(year, month, day)
    except ValueError:
        raise DateRangeError(
            _("%(which)s inválida: “%(text)s”. Use o formato dd/mm/aaaa, por exemplo 05/11/2026.")
            % {"which": which, "text": text[:20]}
        ) from None


def date_range_from(query: QueryDict | dict[str, Any]) -> DateRange:
    """The range in a list's query string; DateRangeError when it cannot be used."""
    start = parse_day(str(query.get(PARAM_FROM) or ""), _("Data inicial"))
    end = parse_day(str(query.get(PARAM_TO) or ""), _("Data final"))
    if start and end and start > end:
        raise DateRangeError(
            _(
                "Período invertido: a data inicial (%(start)s) é depois da data final "
                "(%(end)s). Troque as datas de lugar."
            )
            % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
        )
    return DateRange(start, end)


def safe_date_range(query: QueryDict) -> DateRange:
    """The range, or no range when it is invalid (the filter reports the error)."""
    try:
        return date_range_from(query)
    except DateRangeError:
        return DateRange()


def _typed(day: date) -> str:
    return day.strftime("%d/%m/%Y")


class CreatedRangeFilter(admin.ListFilter):
    """Quick periods and a "de / até" form over `created_at`, in the list's sidebar."""

    title = gettext_lazy("data do pedido")
    template = "admin/orders/order/date_range_filter.html"

    def __init__(self, request: HttpRequest, params: dict, model: Any, model_admin: Any) -> None:
        super().__init__(request, params, model, model_admin)
        # Popping the parameters tells the changelist they are this filter's (and active).
        for name in PARAMS:
            if name in params:
                self.used_parameters[name] = params.pop(name)[-1].strip()
        self.typed_from = self.used_parameters.get(PARAM_FROM, "")
        self.typed_to = self.used_parameters.get(PARAM_TO, "")
        self.error = ""
        try:
            self.range = date_range_from(self.used_parameters)
        except DateRangeError as error:
            self.range = DateRange()
            self.error = str(error)

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return list(PARAMS)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.error:
            # Once per request, even if the changelist builds its queryset twice.
            if not getattr(request, "_jet_date_error_shown", False):
                request._jet_date_error_shown = True
                messages.error(request, self.error)
            return queryset
        return queryset.filter(self.range.q()) if self.range else queryset

    def choices(self, changelist: Any):
        # The other parameters of the list ride along as hidden fields of the form.
        self.hidden = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in PARAMS
            for value in values
        ]
        today = timezone.localdate()
        periods = [
            (_("Qualquer data"), None, None),
            (_("Hoje"), today, today),
            (_("Últimos 7 dias"), today - timedelta(days=6), today),
            (_("Este mês"), today.replace(day=1), today),
            (_("Este ano"), today.replace(month=1, day=1), today),
        ]
        for label, start, end in periods:
            new = {PARAM_FROM: _typed(start), PARAM_TO: _typed(end)} if start else {}
            yield {
                "selected": not self.error and self.range == DateRange(start, end),
                "query_string": changelist.get_query_string(new, remove=list(PARAMS)),
                "display": label,
            }
