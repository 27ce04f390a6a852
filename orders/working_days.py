"""Working days in Brazil: Monday to Friday, except the national holidays.

Only national holidays count (the `holidays` package's public ones for Brazil): a store in
any state closes on them. Carnaval is an optional day there, not a national holiday, so it
is a working day here; a store that closes on it can give that status more days.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def _holidays(year: int) -> frozenset[date]:
    # National only: no `subdiv`, so no state holidays.
    return frozenset(holidays.Brazil(years=year, language="pt_BR"))


def holiday_name(day: date) -> str | None:
    """The national holiday on `day` in Portuguese, or None."""
    if day not in _holidays(day.year):
        return None
    return holidays.Brazil(years=day.year, language="pt_BR").get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (`start` itself never counts)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def earliest_on_time_day(today: date, days: int) -> date:
    """The first day on which an order may enter a status with a limit of `days` working
    days and still not be late `today`: entered before it, it is late.

    An order that entered on day D is late once its last day, add_working_days(D, days), is
    behind us. That last day only moves forward with D, so walking back from today finds the
    boundary in a few steps (the limit plus weekends and holidays).
    """
    day = today
    while add_working_days(day - timedelta(days=1), days) >= today:
        day -= timedelta(days=1)
    return day
