"""The annual HMBP due date, as pure date arithmetic.

An agency's rule is a calendar date (March 1 every year) or the facility's anniversary (the
date of its first HMBP submittal, else the day it was created). The next due date is the
first occurrence of that month and day strictly after a given date; February 29 falls on
February 28 in other years.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

DATE, ANNIVERSARY = "date", "anniversary"
DEFAULT_ZONE = "America/Los_Angeles"
ANNUAL_WINDOW_DAYS = 90  # the Submit page proposes an annual certification this close to the date


@dataclass(frozen=True)
class AnnualRule:
    """When an agency wants the annual certification."""

    kind: str = DATE
    month: int = 3
    day: int = 1


def _on(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_occurrence(rule: AnnualRule, anniversary: dt.date, after: dt.date) -> dt.date:
    """The first due date strictly after `after` under `rule`."""
    month, day = (
        (anniversary.month, anniversary.day) if rule.kind == ANNIVERSARY else (rule.month, rule.day)
    )
    candidate = _on(after.year, month, day)
    return candidate if candidate > after else _on(after.year + 1, month, day)


def moved_due_date(
    rule: AnnualRule, anniversary: dt.date, current: dt.date | None, today: dt.date
) -> dt.date:
    """The due date after an annual certification: the next occurrence after the current due
    date, or after today when there is none."""
    return next_occurrence(rule, anniversary, current or today)


def annual_by_default(due: dt.date | None, today: dt.date) -> bool:
    """Whether the Submit page ticks "This is my annual certification" to begin with."""
    return due is None or (due - today).days <= ANNUAL_WINDOW_DAYS


def days_left(due: dt.date, today: dt.date) -> int:
    """Days until the due date; negative when overdue."""
    return (due - today).days
