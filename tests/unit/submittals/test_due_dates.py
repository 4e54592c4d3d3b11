"""The annual due date arithmetic and the reminder thresholds (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from cers_app.submittals import due_dates
from cers_app.submittals.due_dates import ANNIVERSARY, AnnualRule
from cers_app.submittals.reminders import threshold_for

MARCH_1 = AnnualRule()
CREATED = dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (dt.date(2026, 11, 20), dt.date(2027, 3, 1)),
        (dt.date(2027, 2, 28), dt.date(2027, 3, 1)),
        (dt.date(2027, 3, 1), dt.date(2028, 3, 1)),
    ],
)
def test_a_calendar_rule_falls_on_the_next_such_date(after, expected):
    assert due_dates.next_occurrence(MARCH_1, CREATED, after) == expected


def test_an_anniversary_on_february_29_falls_on_february_28_in_other_years():
    rule = AnnualRule(ANNIVERSARY)

    assert due_dates.next_occurrence(rule, CREATED, dt.date(2026, 11, 20)) == dt.date(2027, 2, 28)
    assert due_dates.next_occurrence(rule, CREATED, dt.date(2027, 3, 1)) == dt.date(2028, 2, 29)


def test_an_annual_certification_moves_past_the_current_date_even_when_done_early():
    today = dt.date(2026, 11, 20)

    assert due_dates.moved_due_date(MARCH_1, CREATED, dt.date(2027, 3, 1), today) == dt.date(
        2028, 3, 1
    )
    assert due_dates.moved_due_date(MARCH_1, CREATED, None, today) == dt.date(2027, 3, 1)
    # late: the next date after the missed one, which may already be near
    assert due_dates.moved_due_date(MARCH_1, CREATED, dt.date(2025, 3, 1), today) == dt.date(
        2026, 3, 1
    )


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (None, True),
        (dt.date(2027, 2, 18), True),
        (dt.date(2027, 2, 19), False),
        (dt.date(2026, 1, 1), True),
    ],
)
def test_the_annual_tick_starts_on_within_90_days_or_late(due, expected):
    assert due_dates.annual_by_default(due, dt.date(2026, 11, 20)) is expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [(61, None), (60, 60), (31, 60), (30, 30), (8, 30), (7, 7), (0, 7), (-1, 0)],
)
def test_each_day_count_has_its_reminder(days, expected):
    assert threshold_for(days) == expected
