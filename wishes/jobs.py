"""The micro-wish periodic jobs: expiring claims, confirming automatically, erasing old contact details."""

from datetime import timedelta

from django.conf import settings

from community.periodic import periodic_job
from wishes import models


@periodic_job(every=timedelta(minutes=30), description="释放认领超时未实现的心愿")
def release_stale_claims(now):
    return f"{models.release_stale_claims(now)} claims released"


@periodic_job(every=timedelta(hours=1), description="自动确认实现后长期未确认的心愿")
def confirm_overdue_wishes(now):
    return f"{models.confirm_overdue(now)} wishes confirmed automatically"


@periodic_job(every=timedelta(hours=6), description="删除已结束心愿中过期的联系方式")
def erase_old_contacts(now):
    cutoff = now - timedelta(days=settings.WISH_CONTACT_RETENTION_DAYS)
    erased = models.Wish.objects.filter(
        status__in=models.FINISHED_STATUSES, finished_at__lt=cutoff, contact_erased_at__isnull=True
    ).update(contact_phone="", contact_address="", contact_erased_at=now)
    return f"contact details of {erased} wishes erased"
