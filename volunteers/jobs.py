"""Volunteering's periodic jobs: reminding those signed up the day before their activity."""

from datetime import timedelta

from community.periodic import periodic_job
from volunteers import models


@periodic_job(every=timedelta(minutes=30), description="活动前一天提醒报名的人（没有邮箱的直接进电话通知名单）")
def remind_attendees(now):
    return f"{models.send_reminders(now)} sign-ups reminded"
