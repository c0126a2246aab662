"""The lending box's periodic job: reminding borrowers before the due date and when a loan is overdue."""

from datetime import timedelta

from community.periodic import periodic_job
from lending.models import send_reminders


@periodic_job(every=timedelta(hours=1), description="提醒居民按时归还百宝箱借用的物品")
def remind_borrowers(now):
    due, overdue = send_reminders(now)
    return f"{due} day-before reminders, {overdue} overdue reminders"
