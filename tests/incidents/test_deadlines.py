"""The clock: Japan dates from our awareness, across month ends, leap days, the
Japan/UTC date change and closed days."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from incidents import deadlines

JST = ZoneInfo("Asia/Tokyo")


def test_awareness_at_2330_jst_is_that_day_in_japan_not_the_utc_one():
    moment = datetime(2026, 3, 31, 23, 30, tzinfo=JST)  # 14:30 UTC on the 31st
    assert deadlines.awareness_day(moment) == date(2026, 3, 31)
    after_midnight = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)  # 00:30 JST on 1 April
    assert deadlines.awareness_day(after_midnight) == date(2026, 4, 1)


def test_awareness_without_a_zone_is_refused():
    with pytest.raises(ValueError):
        deadlines.awareness_day(datetime(2026, 3, 31, 23, 30))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("aware_on", "days", "nth", "due"),
    [
        # Day 1 is the day of awareness: the 30th day of 1 April is 30 April (a Thursday).
        (date(2026, 4, 1), 30, date(2026, 4, 30), date(2026, 4, 30)),
        # Across a month end: 31 January + 29 days = 1 March 2026 (a Sunday) -> Monday 2 March.
        (date(2026, 1, 31), 30, date(2026, 3, 1), date(2026, 3, 2)),
        # A leap year: 31 January 2028 + 29 days = 29 February 2028 (a Tuesday).
        (date(2028, 1, 31), 30, date(2028, 2, 29), date(2028, 2, 29)),
        # The 60-day case over the leap day: 1 February 2028 + 59 days = 31 March (Friday).
        (date(2028, 2, 1), 60, date(2028, 3, 31), date(2028, 3, 31)),
        # The 30th day on 3 November 2026 (文化の日, a Tuesday) moves to the 4th.
        (date(2026, 10, 5), 30, date(2026, 11, 3), date(2026, 11, 4)),
        # Into the year-end closure: 29 December 2026 -> Monday 4 January 2027.
        (date(2026, 11, 30), 30, date(2026, 12, 29), date(2027, 1, 4)),
        # Golden Week 2026: 3 May (Sunday), 4, 5, 6 (振替休日) -> Thursday 7 May.
        (date(2026, 4, 4), 30, date(2026, 5, 3), date(2026, 5, 7)),
    ],
)
def test_the_final_report_deadline_is_counted_as_the_guidelines_count_it(aware_on, days, nth, due):
    assert deadlines.nth_day(aware_on, days) == nth
    assert deadlines.final_report_due(aware_on, days) == due


def test_the_deadlines_of_an_awareness_at_2330_jst_on_a_month_end():
    moment = datetime(2026, 8, 31, 23, 30, tzinfo=JST)
    clock = deadlines.deadlines_for(moment, final_days=30, quick_days=3, notice_days=5)
    assert clock.aware_on == date(2026, 8, 31)
    assert clock.quick_target == date(2026, 9, 3)
    assert clock.quick_guideline == (date(2026, 9, 3), date(2026, 9, 5))
    assert clock.final_day == date(2026, 9, 29)
    assert clock.final_due == date(2026, 9, 29)  # a Tuesday, open


def test_no_final_deadline_when_not_reportable():
    clock = deadlines.deadlines_for(
        datetime(2026, 1, 5, 9, tzinfo=JST), final_days=None, quick_days=3, notice_days=5
    )
    assert clock.final_due is None


def test_days_left_is_zero_on_the_day_and_negative_once_missed():
    assert deadlines.days_left(date(2026, 5, 7), date(2026, 5, 7)) == 0
    assert deadlines.days_left(date(2026, 5, 7), date(2026, 5, 8)) == -1
