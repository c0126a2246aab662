"""Password guessing limits, on every login form (the portal's and the admin's).

Only failures count, in fixed windows, in PostgreSQL (so that every machine
agrees and a lockout survives a restart):

- per account, across all addresses: a guesser spreading tries over many
  addresses gets no more than one at a single address;
- per address, set high, so that a care home behind one router is not held
  back by one resident's typos;
- per known device instead of per account: a browser that has signed in to the
  account before carries a signed cookie naming it, and keeps getting through
  with the right password while strangers are held back (OWASP's device-cookie
  scheme); its own failures are limited separately.

The check runs before any password hash (``LoginGuardBackend`` comes first in
AUTHENTICATION_BACKENDS); ``LoginGuardMiddleware`` turns a refusal into a 429
with Retry-After and gives a browser that signed in its device cookie. The
account holder hears of failed attempts at most once a day.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.clients import client_ip
from community.notifications import notify
from community.privacy import canonical_login
from community.ratelimit import Limit, account_digest, forget, hits, seconds_left, stored_counts

DEVICE_COOKIE = "known_device"
DEVICE_COOKIE_SALT = "community.login_guard.device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
# A shared family tablet may know a few accounts; the oldest is forgotten first.
DEVICE_COOKIE_ACCOUNTS = 5
NOTICE_LIMIT = Limit(1, 24 * 3600)


def _limit(name):
    return Limit(settings.LOGIN_FAILURE_LIMITS[name], settings.LOGIN_LOCKOUT_MINUTES * 60)


def _known_devices(request):
    """{account digest: device id} from the browser's signed cookie; {} if absent, forged or expired."""
    try:
        entries = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_AGE
        )
        return {str(account): str(device) for account, device in entries}
    except (signing.BadSignature, TypeError, ValueError):
        return {}


@dataclass(frozen=True)
class Attempt:
    """One try at signing in: the counters it is held to and counts towards if it fails."""

    rules: tuple  # ((counter key, Limit), …)
    account: str

    @classmethod
    def of(cls, request, login_name):
        account = account_digest(login_name) if login_name else ""
        device = _known_devices(request).get(account) if account else None
        if device:
            # Not the address's limit: strangers behind the same router must not lock the owner's phone out. All
            # the account's known devices together get a few times one device's tries (cookies can be collected).
            rules = [
                (f"login-fail:device:{device}", _limit("device")),
                (f"login-fail:devices:{account}", Limit(3 * _limit("device").count, _limit("device").seconds)),
            ]
        else:
            rules = [(f"login-fail:ip:{client_ip(request)}", _limit("address"))]
            if account:
                rules.append((f"login-fail:account:{account}", _limit("account")))
        return cls(tuple(rules), account)

    def wait(self, now=None):
        """Seconds until this attempt may be checked, 0 if it may be now."""
        now = now or timezone.now()
        counts = stored_counts(self.rules, now)
        waits = [seconds_left(limit, now) for (key, limit) in self.rules if counts.get(key, 0) >= limit.count]
        return max(waits, default=0)

    def failed(self, now=None):
        """Count the failure; True if it just held the account back from strangers (its holder is told)."""
        counts = hits(self.rules, now or timezone.now(), store="postgres")
        return any(
            key.startswith("login-fail:account:") and count == limit.count
            for (key, limit), count in zip(self.rules, counts, strict=True)
        )


def forget_failures(user):
    """The owner proved who they are (a password reset): strangers' failures no longer hold the account."""
    forget(f"login-fail:account:{account_digest(user.get_username())}")


def remember_device(request, response, user):
    """Give this browser (or keep) its signed cookie naming ``user``'s account."""
    account = account_digest(user.get_username())
    known = _known_devices(request)
    device = known.pop(account, None) or secrets.token_urlsafe(12)
    entries = [*list(known.items())[-(DEVICE_COOKIE_ACCOUNTS - 1) :], (account, device)]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(entries, salt=DEVICE_COOKIE_SALT, compress=True),
        max_age=DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class LoginGuardBackend:
    """First of the authentication backends: refuses an attempt past a limit before any password is hashed."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not settings.RATE_LIMITS_ENABLED:
            return None
        attempt = Attempt.of(request, username)
        wait = attempt.wait()
        if wait:
            request.login_wait = wait
            raise PermissionDenied  # Django stops trying the other backends
        request.login_attempt = attempt
        return None

    def get_user(self, user_id):
        return None


@receiver(user_login_failed, dispatch_uid="community.login_guard.failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    attempt = getattr(request, "login_attempt", None)
    if attempt is None:  # refused before the password was checked: not a new failure
        return
    if attempt.failed():
        _tell_the_holder(credentials.get("username") or "", attempt)


def _tell_the_holder(login_name, attempt, now=None):
    """Wrong passwords held the account back from strangers: its holder hears of it, at most once a day.

    Only then, not at every typo: a script trying one password on many phone numbers must not fill the staff's
    call list with elderly residents to phone about it."""
    user = (
        get_user_model()
        ._default_manager.filter(username__iexact=canonical_login(login_name), is_active=True)
        .only("pk", "email", "is_active")
        .first()
    )
    if user is None:
        return
    (sent,) = hits([(f"login-notice:user:{user.pk}", NOTICE_LIMIT)], now or timezone.now(), store="postgres")
    if sent == 1:
        notify(
            user,
            _("有人尝试登录您的账号，但密码不正确"),
            url=reverse("password_change"),
            body=_("如果不是您本人，请修改密码；陌生设备多次输错后会被暂时挡住，您常用的手机或电脑不受影响。"),
        )


@receiver(user_logged_in, dispatch_uid="community.login_guard.signed_in")
def _note_sign_in(sender, request, user, **kwargs):
    if request is not None:
        request.login_guard_signed_in = user


class LoginGuardMiddleware:
    """Answers a refused attempt with 429 and Retry-After; gives a browser that signed in its device cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        wait = getattr(request, "login_wait", 0)
        if wait:
            return locked_out(request, wait)
        user = getattr(request, "login_guard_signed_in", None)
        if user is not None:
            remember_device(request, response, user)
        return response


def locked_out(request, wait):
    minutes = max(1, (wait + 59) // 60)
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response
