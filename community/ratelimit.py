"""Abuse limits: how often one client or one account may do something.

Counters live in a shared store so that every worker and machine agrees:
Redis when REDIS_URL is set (atomic INCR), otherwise a PostgreSQL table
updated with one atomic upsert per hit. Never process memory.

Limits are settings (``RATE_LIMITS``): for each action, a limit per client
(IP address, honouring TRUSTED_PROXY_COUNT) and per account. Staff are
limited by account only, so that a grid worker entering wishes for many
residents (代录) from the office is not throttled as one client.
"""

import hashlib
import re
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from community.clients import client_ip
from community.privacy import canonical_login

_PERIOD_RE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text):
        """ "10/h" → 10 per hour; "5/10m" → 5 per ten minutes."""
        match = _PERIOD_RE.match(text)
        if not match:
            raise ValueError(f"Bad rate limit {text!r}: use e.g. '10/h' or '5/10m'")
        count, multiple, unit = match.groups()
        return cls(int(count), int(multiple or 1) * _SECONDS[unit])


def _window(limit, now):
    return int(now.timestamp()) // limit.seconds * limit.seconds


def seconds_left(limit, now):
    """Seconds until the window ``now`` falls in ends (what Retry-After says)."""
    return _window(limit, now) + limit.seconds - int(now.timestamp())


def forget(key):
    """Drop a PostgreSQL-kept counter in every window (the owner proved who she is: her failures go)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM community_ratecounter WHERE key = %s", [key])


def stored_counts(rules, now):
    """{key: count} of ``(key, limit)`` counters kept in PostgreSQL, in their current windows, read without
    counting (one query): for limits checked before the thing they count happens (login failures)."""
    if not rules:
        return {}
    rows = " OR ".join(["(key = %s AND period = %s AND window_start = to_timestamp(%s))"] * len(rules))
    parameters = [value for key, limit in rules for value in (key, limit.seconds, _window(limit, now))]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, count FROM community_ratecounter WHERE {rows}", parameters)  # noqa: S608
        return dict(cursor.fetchall())


def hits(rules, now, *, store=None):
    """Count one hit of each ``(key, limit)`` in its current window; return the counts so far, in order.

    PostgreSQL counts them all in one statement, so that a limit costs one query however many rules it has.
    ``store="postgres"``: there even with Redis (counters that must survive a restart, such as login failures).
    """
    if settings.REDIS_URL and store != "postgres":
        counts = [
            cache.count_hit(f"rl:{key}:{limit.seconds}:{_window(limit, now)}", limit.seconds + 5)
            for key, limit in rules
        ]
        if None not in counts:
            return counts
        # Redis is not answering: count in PostgreSQL meanwhile (a limit may then allow a little more once).
    rows = ", ".join(["(%s, %s, to_timestamp(%s), 1)"] * len(rules))
    parameters = [value for key, limit in rules for value in (key, limit.seconds, _window(limit, now))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO community_ratecounter (key, period, window_start, count)
            VALUES {rows}
            ON CONFLICT (key, period, window_start) DO UPDATE SET count = community_ratecounter.count + 1
            RETURNING key, period, count
            """,
            parameters,
        )
        counted = {(key, period): count for key, period, count in cursor.fetchall()}
    return [counted[key, limit.seconds] for key, limit in rules]


def account_digest(account):
    """A typed account name as a fixed-size key: whatever was typed (NUL bytes, 10,000 characters)."""
    # Upper case, as PostgreSQL's UPPER compares login names (iexact): "admın" and "admin" are one account there.
    normalized = canonical_login(account).upper()
    return hashlib.sha256(normalized.encode("utf-8", "replace")).hexdigest()[:32]


def check(request, action, *, account=None, now=None):
    """Count this attempt at ``action``; return the seconds to wait if a limit is exceeded, else 0.

    ``account`` names the account when it is not the signed-in user (e.g. the
    user name typed into the login form).
    """
    rules = settings.RATE_LIMITS.get(action)
    if not rules or not settings.RATE_LIMITS_ENABLED:
        return 0
    now = now or timezone.now()
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    keys = []
    if rules.get("client") and not (signed_in and user.is_staff):
        keys.append((f"{action}:ip:{client_ip(request)}", Limit.parse(rules["client"])))
    account_key = f"user:{user.pk}" if signed_in else (f"name:{account_digest(account)}" if account else None)
    if rules.get("account") and account_key:
        keys.append((f"{action}:{account_key}", Limit.parse(rules["account"])))
    if not keys:
        return 0
    wait = 0
    for (_key, limit), count in zip(keys, hits(keys, now), strict=True):
        if count > limit.count:
            wait = max(wait, seconds_left(limit, now))
    return wait


def too_many_requests(request, wait):
    """HTTP 429 with a message in Chinese and Retry-After."""
    minutes = max(1, (wait + 59) // 60)
    response = render(
        request,
        "429.html",
        {"title": _("操作太频繁了"), "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def rate_limited(action, *, methods=("POST",), account_field=None):
    """Limit a view's ``methods`` by the rules of ``action`` in RATE_LIMITS.

    ``account_field``: for anonymous forms (login, password reset), the POST
    field that names the account being tried.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                account = request.POST.get(account_field, "") if account_field else None
                wait = check(request, action, account=account)
                if wait:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
