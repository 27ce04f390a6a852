"""`{{ value|brl }}` in templates: the one money formatter (orders.formatting.brl)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from orders.formatting import brl as format_brl

register = template.Library()


@register.filter
def brl(value: Decimal | int | float | None) -> str:
    return "" if value is None else format_brl(value)
