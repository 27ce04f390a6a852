"""How the admin shows dates and statuses (money: orders.formatting.brl)."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString


def short_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def two_line_datetime(value: datetime | None) -> str:
    """Date over time, so date columns stay narrow in lists."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return format_html(
        "{}<br>{}",
        formats.date_format(local, "SHORT_DATE_FORMAT"),
        formats.time_format(local, "H:i"),
    )


def status_badge(status: str, label: str) -> SafeString:
    return format_html('<span class="jet-status jet-status--{}">{}</span>', status, label)
