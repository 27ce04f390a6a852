"""A status badge: the status's colour (static/orders/status.css), its symbol and its name.

One markup for the admin (list, order page, timeline, forms) and the customer's pages, so a
status looks the same wherever it is read; the colours live in one stylesheet.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

from .statuses import STATUS_SYMBOLS, OrderStatus, customer_label, staff_label


def status_badge(
    status: str, label: str | None = None, *, for_customer: bool = False
) -> SafeString:
    """`label` defaults to the staff name ("Tracking (em trânsito)") or the customer's one."""
    if label is None:
        label = customer_label(status) if for_customer else staff_label(status)
    symbol = STATUS_SYMBOLS.get(status, "") if status in OrderStatus.values else ""
    return format_html(
        '<span class="jet-status jet-status--{}"><span class="jet-status__symbol" '
        'aria-hidden="true">{}</span> {}</span>',
        status,
        symbol,
        label,
    )
