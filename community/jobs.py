"""The site's own periodic jobs."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session

from community.cache import delete_expired
from community.models import RateCounter
from community.notifications import send_pending_emails
from community.periodic import periodic_job


@periodic_job(every=timedelta(hours=6), description="删除已过期的登录会话")
def clear_expired_sessions(now):
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return f"{deleted} expired sessions deleted"


@periodic_job(every=timedelta(minutes=1), description="发送待发的通知邮件")
def send_notification_emails(now):
    return f"{send_pending_emails(site_url=settings.SITE_URL)} emails sent"


@periodic_job(every=timedelta(hours=1), description="删除过期的频率计数和登录失败计数")
def clear_old_rate_counters(now):
    deleted, _ = RateCounter.objects.filter(window_start__lt=now - timedelta(days=2)).delete()
    return f"{deleted} old rate counters deleted"


@periodic_job(every=timedelta(minutes=30), description="删除过期的缓存")
def clear_expired_cache(now):
    return f"{delete_expired(now)} expired cache entries deleted"
