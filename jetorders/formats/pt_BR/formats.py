"""Dates as Brazilian staff write them, the same on every page: 26/11/2026 14:30.

Django's own pt-BR formats spell long dates out ("26 de Novembro de 2026 às 14:30"), which the
admin shows wherever a date is not formatted by our code (the e-mail outbox, payment events,
API tokens). Loaded through FORMAT_MODULE_PATH; what is not set here stays Django's.
"""

from __future__ import annotations

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
# The admin's date drill-down ("‹ 2026  27/11"), not "27 de Novembro".
MONTH_DAY_FORMAT = "d/m"
