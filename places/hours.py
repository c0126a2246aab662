"""When a place is open, in the community's time (settings.TIME_ZONE, Asia/Shanghai).

One function, ``opening``, answers both "is it open now?" and "when does that change?", from a place's weekly
hours (places.models.OpeningHours) and its closures (places.models.Closure):

- a row whose closing time is at or before its opening time closes the next day (18:00–02:00 is open past
  midnight; 00:00–00:00 is a whole day);
- a closure cancels the openings that begin on its days (one that began the evening before still ends as usual);
- openings that touch or overlap are one: a place open 24 hours every day never changes.

A kept page showing the answer expires at the next change (community.pagecache.valid_until), and at midnight,
when "明天" becomes "今天".
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# How far ahead the next opening is looked for: a week and a day finds it for a place open one day a week.
HORIZON_DAYS = 8
WEEKDAYS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]


def clock(moment):
    """8:00, 17:30 (no leading zero, as shop signs write it)."""
    return f"{moment.hour}:{moment.minute:02d}"


def _at(day, moment):
    return datetime.combine(day, moment, tzinfo=timezone.get_default_timezone())


def _closed_on(closures, day):
    return next((closure for closure in closures if closure.first_day <= day <= closure.last_day), None)


def openings(hours, closures, first_day, last_day):
    """The place's openings that begin between ``first_day`` and ``last_day``, as merged (start, end) pairs."""
    spans = []
    day = first_day
    while day <= last_day:
        if _closed_on(closures, day) is None:
            for row in hours:
                if row.weekday == day.weekday():
                    start = _at(day, row.opens)
                    end = _at(day + timedelta(days=1) if row.closes <= row.opens else day, row.closes)
                    spans.append((start, end))
        day += timedelta(days=1)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Opening:
    """Whether a place is open at ``now`` and when that changes (None: not within the next week: a place open
    around the clock, or closed for longer); ``closed_for``: the reason of a closure today."""

    now: datetime
    is_open: bool
    changes_at: datetime | None
    closed_for: str = ""

    @property
    def label(self):
        return gettext("营业中") if self.is_open else gettext("休息中")

    @property
    def next_change(self):
        """17:30 关门 · 明天 8:00 开门 · 周一 8:00 开门 · 24 小时营业 · 近期不营业"""
        if self.changes_at is None:
            return gettext("24 小时营业") if self.is_open else gettext("近期不营业")
        when = self._when(timezone.localtime(self.changes_at))
        return (gettext("%(when)s 关门") if self.is_open else gettext("%(when)s 开门")) % {"when": when}

    def _when(self, moment):
        day, shown = moment.date(), clock(moment)
        if moment.time() == time(0) and self.is_open:
            day, shown = day - timedelta(days=1), "24:00"  # closing at midnight: tonight at 24:00
        days = (day - timezone.localtime(self.now).date()).days
        if days == 0:
            return shown
        if days == 1:
            return gettext("明天 %(time)s") % {"time": shown}
        if days < 7:
            return f"{WEEKDAYS[day.weekday()]} {shown}"
        return gettext("%(month)d月%(day)d日 %(time)s") % {"month": day.month, "day": day.day, "time": shown}


def opening(hours, closures, now=None):
    """Is the place open at ``now`` (default: this moment), and when does that change?"""
    now = timezone.localtime(now)
    today = now.date()
    last_day = today + timedelta(days=HORIZON_DAYS)
    horizon = _at(last_day + timedelta(days=1), time(0))
    spans = openings(hours, closures, today - timedelta(days=1), last_day)
    for start, end in spans:
        if start <= now < end:
            return Opening(now, True, end if end < horizon else None)
    following = next((start for start, _end in spans if start > now), None)
    closure = _closed_on(closures, today)
    return Opening(now, False, following, closure.reason if closure else "")


def next_midnight(now=None):
    """The coming midnight in the community's time: when "明天" becomes "今天" on a page."""
    return _at(timezone.localtime(now).date() + timedelta(days=1), time(0))


def span_text(opens, closes):
    """8:00–12:00 · 18:00–次日2:00 · 8:00–24:00 · 24 小时"""
    if opens == closes == time(0):
        return gettext("24 小时")
    if closes == time(0):
        return f"{clock(opens)}–24:00"
    if closes <= opens:
        return f"{clock(opens)}–" + gettext("次日%(time)s") % {"time": clock(closes)}
    return f"{clock(opens)}–{clock(closes)}"


def day_text(hours, weekday):
    """One weekday's hours: 8:00–12:00、14:30–17:30, or 休息."""
    spans = sorted((row.opens, row.closes) for row in hours if row.weekday == weekday)
    return "、".join(span_text(opens, closes) for opens, closes in spans) or gettext("休息")


def week(hours):
    """The weekly hours, weekdays with the same hours together: [("周一至周五", "8:00–17:30"), ("周六、周日", "休息")]."""
    rows, run = [], []
    for weekday in range(7):
        text = day_text(hours, weekday)
        if run and run[-1][1] == text and run[-1][0][-1] == weekday - 1:
            run[-1][0].append(weekday)
        else:
            run.append(([weekday], text))
    for days, text in run:
        if len(days) == 1:
            label = str(WEEKDAYS[days[0]])
        elif len(days) == 2:
            label = f"{WEEKDAYS[days[0]]}、{WEEKDAYS[days[1]]}"
        else:
            label = gettext("%(first)s至%(last)s") % {"first": WEEKDAYS[days[0]], "last": WEEKDAYS[days[-1]]}
        rows.append((label, text))
    return rows


def days_text(first_day, last_day):
    """12月31日 · 12月31日至1月2日"""
    first = gettext("%(month)d月%(day)d日") % {"month": first_day.month, "day": first_day.day}
    if first_day == last_day:
        return first
    last = gettext("%(month)d月%(day)d日") % {"month": last_day.month, "day": last_day.day}
    return gettext("%(first)s至%(last)s") % {"first": first, "last": last}
