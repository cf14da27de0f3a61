"""Calendar arithmetic the rules need: whole months (the six months of 8.3.2 b, validity, surveillance)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (negative: back); the 31st becomes the month's last day."""
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    m += 1
    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))
