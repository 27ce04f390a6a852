"""How the admin shows money, dates and statuses."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString


def brl(value: Decimal | int) -> str:
    return "R$ " + formats.number_format(value, 2, use_l10n=True, force_grouping=True)


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
