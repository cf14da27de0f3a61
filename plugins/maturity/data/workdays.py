"""Working days in mainland China: public holidays and the weekend days worked in exchange (调休).

The maintained ``chinesecalendar`` package knows the State Council's schedule for the years it
covers; the authority can add dates for later years in its settings. For a year known to
neither, weekends are the only days off, and callers are told so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar


@dataclass
class WorkingCalendar:
    holidays: frozenset[dt.date] = frozenset()  # extra days off (e.g. next year's holidays)
    workdays: frozenset[dt.date] = frozenset()  # extra working weekend days (调休)
    unknown_years: set[int] = field(default_factory=set)  # years counted with weekends only

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if not self._configured(day.year):
                self.unknown_years.add(day.year)
            return day.weekday() < 5

    def _configured(self, year: int) -> bool:
        return any(d.year == year for d in self.holidays | self.workdays)

    def last_day(self, start: dt.date, working_days: int) -> dt.date:
        """The ``working_days``-th working day counting from ``start`` (start counts when it is one)."""
        day, counted = start, 0
        while True:
            if self.is_working_day(day):
                counted += 1
                if counted >= working_days:
                    return day
            day += dt.timedelta(days=1)
