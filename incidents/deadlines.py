"""The breach clock, counted in Japan time from the day *we* became aware (the clock
runs from the outsourcer's awareness, not the vendor's). Pure: dates in, dates out.

- 速報 (preliminary report, 施行規則第8条第1項): "promptly" (速やかに). The PPC's
  general guidelines (通則編 3-5-3-3) read it as roughly 3 to 5 days (概ね3～5日以内)
  from awareness. The law sets no number: our own target is an organisation setting,
  and the screen says so.
- 確報 (final report, 施行規則第8条第2項): within 30 days, or 60 days in the malicious
  case (第7条第3号). Counted as the guidelines count it (通則編 3-5-3-4): the day we
  became aware is day 1, Saturdays, Sundays and holidays count, and when the 30th (60th)
  day falls on a Saturday, Sunday, national holiday or the year-end closure of public
  offices (12月29日～1月3日), the deadline is the next day that is none of these.
- 本人通知 (notice to the people affected, 法第26条第2項, 施行規則第10条): "promptly,
  as the situation allows"; our target is an organisation setting too.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

JAPAN = ZoneInfo("Asia/Tokyo")
GUIDELINE_QUICK_DAYS = (3, 5)  # 概ね3～5日以内


def awareness_day(aware_at: datetime) -> date:
    """The calendar day in Japan of a moment (23:30 JST on the 31st is the 31st, even
    though it is still the 31st 14:30 in UTC; 00:30 JST on the 1st is the 1st)."""
    if aware_at.tzinfo is None:
        raise ValueError("awareness must be a time with its zone")
    return aware_at.astimezone(JAPAN).date()


@cache
def _national_holidays(year: int):
    return holidays.country_holidays("JP", years=year)


def is_closed_day(day: date) -> bool:
    """Saturday, Sunday, a national holiday (振替休日 included) or 12月29日～1月3日."""
    if day.weekday() >= 5:
        return True
    if (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3):
        return True
    return day in _national_holidays(day.year)


def next_open_day(day: date) -> date:
    while is_closed_day(day):
        day += timedelta(days=1)
    return day


def nth_day(start: date, n: int) -> date:
    """The n-th day counting ``start`` as day 1."""
    return start + timedelta(days=n - 1)


def final_report_due(start: date, days: int) -> date:
    return next_open_day(nth_day(start, days))


@dataclass(frozen=True)
class Deadlines:
    aware_on: date
    quick_target: date  # our judgement of "promptly"
    quick_guideline: tuple[date, date]  # the guidelines' 3 to 5 days
    notice_target: date
    final_day: date | None  # the 30th or 60th day, before moving off a closed day
    final_due: date | None


def deadlines_for(
    aware_at: datetime, *, final_days: int | None, quick_days: int, notice_days: int
) -> Deadlines:
    start = awareness_day(aware_at)
    final_day = nth_day(start, final_days) if final_days else None
    return Deadlines(
        aware_on=start,
        quick_target=start + timedelta(days=quick_days),
        quick_guideline=tuple(start + timedelta(days=d) for d in GUIDELINE_QUICK_DAYS),
        notice_target=start + timedelta(days=notice_days),
        final_day=final_day,
        final_due=next_open_day(final_day) if final_day else None,
    )


def days_left(due: date, today: date) -> int:
    """0 on the day itself, negative once missed."""
    return (due - today).days
