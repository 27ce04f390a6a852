"""{% status_badge order.status %} (staff) and {% customer_status_badge order.status %}."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from orders.badges import status_badge as _badge

register = template.Library()


@register.simple_tag
def status_badge(status: str, label: str | None = None) -> SafeString:
    return _badge(status, label)


@register.simple_tag
def customer_status_badge(status: str, label: str | None = None) -> SafeString:
    return _badge(status, label, for_customer=True)
