"""One date format, dd/mm/aaaa hh:mm, wherever Django formats a date for staff."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats, timezone, translation


def test_dates_read_the_brazilian_short_way_everywhere():
    moment = datetime(2026, 11, 26, 14, 30, tzinfo=ZoneInfo("America/Sao_Paulo"))

    with translation.override("pt-br"):
        long_form = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        date_only = formats.date_format(moment.date(), "DATE_FORMAT")

    assert long_form == "26/11/2026 14:30"
    assert date_only == "26/11/2026"
