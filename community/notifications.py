"""Telling people what happened: the in-site inbox, email through an outbox, and the staff call list.

``notify`` is called inside the transaction that changed something, so that
the inbox entry exists exactly when the change does. Email is never sent
there: the periodic job ``send_pending_emails`` sends what is pending, with a
short timeout, so that a slow or broken mail server never slows a page.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from community.models import Notification

logger = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 5


def notify(recipient, title, *, url="", body="", call_now=False):
    """Leave ``title`` (and ``body``) in ``recipient``'s inbox; email follows if they have an address.

    ``call_now``: without email, the recipient is on the staff call list at once, not after the usual delay.
    """
    if recipient is None or not recipient.is_active:
        return None
    wants_email = bool(recipient.email) and settings.EMAIL_ENABLED
    return Notification.objects.create(
        recipient=recipient,
        title=title[:200],
        body=body,
        url=url[:300],
        email_status=Notification.Email.PENDING if wants_email else Notification.Email.NONE,
        call_now=call_now,
    )


def unread_count(user):
    if not user.is_authenticated:
        return 0
    counted = getattr(user, "unread_notifications", None)  # LoginNameBackend.get_user counts them with the user
    return counted if counted is not None else Notification.objects.for_user(user).unread().count()


def send_pending_emails(*, limit=100, site_url=""):
    """Send pending notification emails; returns how many were sent.

    Rows are locked with SKIP LOCKED, so two overlapping runs never send the
    same mail twice; a failure is retried up to MAX_EMAIL_ATTEMPTS times.
    """
    sent = 0
    with transaction.atomic():
        pending = list(
            Notification.objects.filter(email_status=Notification.Email.PENDING)
            .select_related("recipient")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("created")[:limit]
        )
        for notification in pending:
            notification.email_attempts += 1
            try:
                send_mail(
                    subject=f"[{settings.COMMUNITY_NAME}] {notification.title}",
                    message=_email_text(notification, site_url),
                    from_email=None,
                    recipient_list=[notification.recipient.email],
                )
                notification.email_status = Notification.Email.SENT
                sent += 1
            except Exception:
                logger.warning("Notification email %s could not be sent", notification.pk, exc_info=True)
                if notification.email_attempts >= MAX_EMAIL_ATTEMPTS:
                    notification.email_status = Notification.Email.FAILED
            notification.save(update_fields=["email_status", "email_attempts"])
    return sent


def _email_text(notification, site_url):
    lines = [f"{notification.recipient.display_name}，您好：", "", notification.title]
    if notification.body:
        lines += ["", notification.body]
    if notification.url:
        lines += ["", f"查看详情：{site_url}{notification.url}"]
    lines += ["", f"—— {settings.COMMUNITY_NAME}居民服务门户（本邮件由系统发出，请勿直接回复）"]
    return "\n".join(lines)
