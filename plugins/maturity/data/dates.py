"""Calendar arithmetic the rules need: whole months (the six months of 8.3.2 b, validity, surveillance)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (negative: back); the 31st becomes the month's last day."""
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    m += 1
    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


# Dates in data files and settings: a sane range, checked before any arithmetic, so that a typo
# such as 0001-01-01 or 9999-12-31 is reported instead of overflowing (six months before, 36 months after).
EARLIEST = dt.date(1949, 1, 1)
LATEST = dt.date(2200, 12, 31)


def check_date_range(day: dt.date) -> str | None:
    """Why ``day`` is outside the range dates may take (in Chinese); None when it is inside."""
    if day < EARLIEST or day > LATEST:
        return f"日期应在 {EARLIEST.year}–{LATEST.year} 年之间"
    return None
