from datetime import timedelta

from community.periodic import periodic_job
from whistles.models import notify_overdue


@periodic_job(every=timedelta(minutes=15), description="提醒逾期未报到的单位和工作人员")
def remind_overdue_units(now):
    return f"{notify_overdue(now)} overdue calls notified"
