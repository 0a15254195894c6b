"""Working days on China's calendar: weekends, public holidays and 调休 make-up working days.

Every statutory clock of the platform (letters, disclosure requests, service applications)
counts with these functions. The national schedule comes from the `chinesecalendar` package;
`WorkdayOverride` rows entered by an administrator win over it, and cover years the package
does not know yet. For such a year without overrides only weekends count as rest days, and
`is_confirmed(year)` says so, so that the admin can show a warning.
"""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from django.core.cache import cache

OVERRIDES_CACHE_KEY = "workday-overrides"


def _overrides():
    from home.models import WorkdayOverride

    def load():
        return dict(WorkdayOverride.objects.values_list("date", "is_workday"))

    return cache.get_or_set(OVERRIDES_CACHE_KEY, load, 300)


def forget_overrides():
    cache.delete(OVERRIDES_CACHE_KEY)


@lru_cache(maxsize=4096)
def _national_workday(day):
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None  # the package has no data for this year


def is_confirmed(year):
    """True when the national schedule for `year` is known (package data or overrides)."""
    return _national_workday(date(year, 6, 1)) is not None or any(d.year == year for d in _overrides())


def is_workday(day, overrides=None):
    overrides = _overrides() if overrides is None else overrides
    if day in overrides:
        return overrides[day]
    national = _national_workday(day)
    return national if national is not None else day.weekday() < 5


def add_workdays(start, count):
    """The date `count` working days after `start` (the day itself does not count).

    A letter received on Friday with a 2-working-day limit is due on Tuesday; received on the
    eve of the 国庆 holiday, the clock only starts after the holiday.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    overrides = _overrides()
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_workday(day, overrides):
            remaining -= 1
    return day


def workdays_between(start, end):
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    overrides = _overrides()
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_workday(day, overrides):
            days += 1
    return days
