"""Where queries go when PostgreSQL has a read replica (``DATABASE_REPLICA_URL``).

Writes always go to the primary (``default``). A read goes to the replica
only while a web request that may use it is being answered, that is when

- the request is a GET, HEAD or OPTIONS: a POST reads what it is about to
  change, and what it has just written, from the primary;
- its visitor has not changed anything in the last few seconds: every POST
  (PUT, PATCH, DELETE) answers with a short-lived cookie, and while it lasts
  that browser's reads go to the primary, so that a person sees their own
  change at once however far the replica lags ("read your writes");
- no transaction is open on the primary (``transaction.atomic()``, and so
  ``select_for_update()``): what a transaction reads is what it locks and
  writes.

Everything else (management commands, ``run_jobs``, the shell, tests) reads
from the primary, because nothing allowed it to read from the replica.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
STICKY_COOKIE = "primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Who is signed in, with which rights, and whether they are locked out: from the primary always, so that
# a sign-out, a password change, a deactivation or a lockout holds at once on every machine, whatever the lag.
ALWAYS_PRIMARY = {"sessions", "auth", "axes", "community.user"}

# Set by ReadReplicaMiddleware for the request being answered, and reset after it.
# A context variable rather than a thread-local, so that it is right in threads and async code alike.
_replica_allowed = ContextVar("replica_allowed", default=False)


def read_alias():
    """Where a read of the portal's shared data (not accounts) goes now: the replica when this request may use it."""
    if _replica_allowed.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


class PrimaryReplicaRouter:
    """Reads to the replica when the current request allows it, everything else to the primary."""

    def db_for_read(self, model, **hints):
        if getattr(model._meta, "label_lower", "") in ALWAYS_PRIMARY or model._meta.app_label in ALWAYS_PRIMARY:
            return DEFAULT_DB_ALIAS
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: an object read from the replica may point at one from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica gets the schema by replication; migrations run on the primary only.
        return db == DEFAULT_DB_ALIAS


@contextmanager
def reads_from_primary():
    """Read from the primary inside this block, even in a request that may use the replica.

    For what is built once and then kept for everyone, e.g. a cached page or
    section rebuilt right after a change: built from a lagging replica, it
    would keep the old data for as long as it is cached.
    """
    token = _replica_allowed.set(False)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def primary_for_the_rest_of_the_request():
    """From now on until the request ends, read from the primary (a page about to be cached is built)."""
    _replica_allowed.set(False)


def _wrote_recently(request):
    """Whether the request carries a live "read your writes" cookie (not one that claims to last longer)."""
    try:
        until = int(request.COOKIES.get(STICKY_COOKIE, ""))
    except ValueError:
        return False
    now = time.time()
    return now < until <= now + settings.DATABASE_REPLICA_STICKY_SECONDS


class ReadReplicaMiddleware:
    """Lets a request read from the replica unless it may write or its visitor just did.

    Outermost in MIDDLEWARE, so that sessions, authentication and every view
    and template run inside the decision, and the cookie goes on every answer
    to a POST, whatever answered it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        token = _replica_allowed.set(safe and not _wrote_recently(request))
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if not safe:
            seconds = settings.DATABASE_REPLICA_STICKY_SECONDS
            response.set_cookie(
                STICKY_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                httponly=True,
                secure=settings.HTTPS,
                samesite="Lax",
            )
        return response
