"""营业中: whether a place is open and when that changes, in Asia/Shanghai time, around midnight, on a day off,
over a lunch break and on a holiday."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from places.hours import opening, week
from places.models import Closure, OpeningHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 7 December 2026 … Sunday 13 December.
MONDAY = date(2026, 12, 7)


def at(day, hour, minute=0):
    """A moment on ``day`` (of December 2026) at the given time in Shanghai."""
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def rows(*spans, days=range(7)):
    return [
        OpeningHours(weekday=day, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes))
        for opens, closes in spans
        for day in days
    ]


# A clinic: weekdays 8:00–12:00 and 14:30–17:30, Saturday morning, closed on Sunday.
CLINIC = rows(("08:00", "12:00"), ("14:30", "17:30"), days=range(5)) + rows(("08:00", "12:00"), days=[5])
# A late shop: every day from 18:00 to 2:00 the next morning.
LATE_SHOP = rows(("18:00", "02:00"))


def test_the_community_keeps_shanghai_time():
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_open_and_closed_follow_shanghai_time_not_utc():
    # 01:30 UTC is 9:30 in Shanghai: the clinic is open, although at 01:30 it would not be.
    with time_machine.travel(datetime(2026, 12, 7, 1, 30, tzinfo=UTC), tick=False):
        now = opening(CLINIC, [])
    assert (now.is_open, now.label, now.next_change) == (True, "营业中", "12:00 关门")
    # 10:00 UTC is 18:00 in Shanghai: closed since 17:30.
    with time_machine.travel(datetime(2026, 12, 7, 10, 0, tzinfo=UTC), tick=False):
        evening = opening(CLINIC, [])
    assert (evening.is_open, evening.label, evening.next_change) == (False, "休息中", "明天 8:00 开门")
    assert evening.changes_at == at(8, 8)


def test_the_lunch_break_closes_the_place_until_the_afternoon():
    before = opening(CLINIC, [], at(7, 11, 59))
    lunch = opening(CLINIC, [], at(7, 12, 0))
    afternoon = opening(CLINIC, [], at(7, 14, 30))
    assert (before.is_open, before.changes_at) == (True, at(7, 12))
    assert (lunch.is_open, lunch.changes_at, lunch.next_change) == (False, at(7, 14, 30), "14:30 开门")
    assert (afternoon.is_open, afternoon.next_change) == (True, "17:30 关门")


def test_on_a_closed_day_the_next_opening_is_named_by_its_weekday():
    sunday = opening(CLINIC, [], at(13, 10))
    assert (sunday.is_open, sunday.next_change) == (False, "明天 8:00 开门")
    saturday_afternoon = opening(CLINIC, [], at(12, 15))
    assert (saturday_afternoon.is_open, saturday_afternoon.next_change) == (False, "周一 8:00 开门")
    assert saturday_afternoon.changes_at == at(14, 8)


def test_a_place_open_past_midnight_is_open_until_its_closing_the_next_morning():
    late = opening(LATE_SHOP, [], at(7, 23, 59))
    assert (late.is_open, late.changes_at, late.next_change) == (True, at(8, 2), "明天 2:00 关门")
    after_midnight = opening(LATE_SHOP, [], at(8, 0, 30))
    assert (after_midnight.is_open, after_midnight.next_change) == (True, "2:00 关门")
    closed = opening(LATE_SHOP, [], at(8, 2, 0))
    assert (closed.is_open, closed.changes_at, closed.next_change) == (False, at(8, 18), "18:00 开门")


def test_closing_at_midnight_is_said_as_24_00_of_today():
    evening = opening(rows(("08:00", "00:00")), [], at(7, 23, 0))
    assert (evening.is_open, evening.changes_at, evening.next_change) == (True, at(8, 0), "24:00 关门")


def test_round_the_clock_every_day_never_changes_until_a_closure():
    always = rows(("00:00", "00:00"))
    assert opening(always, [], at(7, 3)).next_change == "24 小时营业"
    assert opening(always, [], at(7, 3)).changes_at is None
    holiday = Closure(first_day=date(2026, 12, 9), last_day=date(2026, 12, 9), reason="设备检修")
    before = opening(always, [holiday], at(8, 15))
    assert (before.is_open, before.changes_at, before.next_change) == (True, at(9, 0), "24:00 关门")
    during = opening(always, [holiday], at(9, 15))
    assert (during.is_open, during.closed_for, during.next_change) == (False, "设备检修", "明天 0:00 开门")


def test_a_holiday_closes_the_day_and_the_page_says_why():
    new_year = [Closure(first_day=MONDAY, last_day=date(2026, 12, 8), reason="元旦放假")]
    holiday = opening(CLINIC, new_year, at(7, 10))
    assert (holiday.is_open, holiday.closed_for) == (False, "元旦放假")
    assert holiday.changes_at == at(9, 8) and holiday.next_change == "周三 8:00 开门"


def test_a_closure_does_not_cut_short_the_night_that_began_before_it():
    closure = [Closure(first_day=date(2026, 12, 8), last_day=date(2026, 12, 8), reason="盘点")]
    night = opening(LATE_SHOP, closure, at(8, 1))
    assert (night.is_open, night.changes_at) == (True, at(8, 2))
    evening = opening(LATE_SHOP, closure, at(8, 19))
    assert (evening.is_open, evening.closed_for, evening.changes_at) == (False, "盘点", at(9, 18))


def test_a_place_without_hours_is_closed_without_a_next_opening():
    nothing = opening([], [], at(7, 10))
    assert (nothing.is_open, nothing.changes_at, nothing.next_change) == (False, None, "近期不营业")


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (CLINIC, [("周一至周五", "8:00–12:00、14:30–17:30"), ("周六", "8:00–12:00"), ("周日", "休息")]),
        (LATE_SHOP, [("周一至周日", "18:00–次日2:00")]),
        (rows(("00:00", "00:00"), days=[5, 6]), [("周一至周五", "休息"), ("周六、周日", "24 小时")]),
    ],
)
def test_the_week_is_written_with_days_of_the_same_hours_together(hours, expected):
    assert week(hours) == expected
