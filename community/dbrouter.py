"""Where queries go when PostgreSQL has a read replica (``DATABASE_REPLICA_URL``), and what a failing part changes.

Writes always go to the primary (``default``). A read goes to the replica
only while a web request that may use it is being answered, that is when

- the request is a GET, HEAD or OPTIONS: a POST reads what it is about to
  change, and what it has just written, from the primary;
- the replica answers and is not more than ``DATABASE_REPLICA_MAX_LAG_SECONDS``
  behind (each worker looks at most every ``DATABASE_REPLICA_CHECK_SECONDS``);
- it has replayed the visitor's own last change: the answer to every POST
  carries the primary's WAL position after it (a cookie), and until the
  replica has replayed that far, that browser reads from the primary. So a
  person always sees their own change, for exactly as long as the replica
  lags ("read your writes");
- no transaction is open on the primary (``transaction.atomic()``, and so
  ``select_for_update()``): what a transaction reads is what it locks.

Who is signed in, with which rights, and lockouts are read from the primary,
so that a sign-out or a lockout holds at once on every machine.

When a part fails:

- replica down or lagging: left out, its reads go to the primary; a GET that
  the replica answered with 404 or 503 is answered again from the primary
  (a page built from the primary may link to a row the replica lacks yet);
- primary down: for ``PRIMARY_RETRY_SECONDS`` the worker reads everything,
  sessions included, from the replica (read-only: pages carry a banner, and a
  change is answered with a 503 page that shows what the person typed).

Everything else (management commands, ``run_jobs``, the shell, tests) reads
from the primary, because nothing allowed it to read from the replica.
"""

import logging
import math
import re
import time
from collections import deque
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from community.pages import database_unavailable_response

logger = logging.getLogger(__name__)

REPLICA = "replica"
WROTE_COOKIE = "wrote_at"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A WAL position as PostgreSQL writes it, e.g. 0/3000148.
_LSN = re.compile(r"([0-9A-F]{1,8})/([0-9A-F]{1,8})")
# A person's own change older than this no longer steers their reads (a replica that far behind is left out).
WROTE_COOKIE_SECONDS = 24 * 3600

# Who is signed in, with which rights and second factor: from the primary always, so that
# a sign-out, a password change, a deactivation or a lockout holds at once on every machine, whatever the lag.
ALWAYS_PRIMARY = {"sessions", "auth", "otp_totp", "otp_static", "community.user"}

# Set by ReadReplicaMiddleware for the request being answered, and reset after it.
# Context variables rather than thread-locals, so that they are right in threads and async code alike.
_replica_allowed = ContextVar("replica_allowed", default=False)
_read_only = ContextVar("read_only", default=False)


@dataclass
class _Health:
    """What this worker knows of the databases (each worker finds out for itself; it costs two queries)."""

    replica_checked: float = -math.inf
    replica_usable: bool = True
    replica_lag: float = 0.0
    # How far the replica has replayed (None: it is no standby at all, e.g. the tests' mirror: always current).
    replica_replayed: int | None = None
    primary_down_until: float = 0.0
    # (when, the primary's WAL position then) at each check: the replica is as far behind as the oldest
    # position it has not replayed yet.
    primary_positions: deque = field(default_factory=lambda: deque(maxlen=1000))


health = _Health()


def position(text):
    """A WAL position ("0/3000148") as a number, or None for anything else."""
    match = _LSN.fullmatch(text or "")
    return (int(match.group(1), 16) << 32) + int(match.group(2), 16) if match else None


def read_alias():
    """Where a read of the portal's shared data (not accounts) goes now."""
    if _read_only.get():
        return REPLICA
    if _replica_allowed.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


def read_only():
    """Whether this request is answered from the replica because the primary is down."""
    return _read_only.get()


class PrimaryReplicaRouter:
    """Reads to the replica when the current request allows it, everything else to the primary."""

    def db_for_read(self, model, **hints):
        if _read_only.get():
            return REPLICA
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


def _one_row(alias, sql):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def answers(alias):
    """Whether the database answers now: a connection that broke (the server restarted) is dropped and made anew."""
    connection = connections[alias]
    for _attempt in range(2):
        try:
            _one_row(alias, "SELECT 1")
            return True
        except DatabaseError:
            if connection.in_atomic_block:
                return False
            connection.close()
    return False


def check_replica(*, force=False):
    """Look at the replica (at most every DATABASE_REPLICA_CHECK_SECONDS unless forced): up? how far behind?"""
    now = time.monotonic()
    if not force and now - health.replica_checked < settings.DATABASE_REPLICA_CHECK_SECONDS:
        return health
    health.replica_checked = now
    try:
        standby, replayed = _one_row(REPLICA, "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")
    except DatabaseError as error:
        connections[REPLICA].close()
        if health.replica_usable:
            logger.warning("Read replica unavailable (%s): reading from the primary", error.__class__.__name__)
        health.replica_usable, health.replica_lag = False, math.inf
        return health
    if not standby:
        health.replica_usable, health.replica_lag, health.replica_replayed = True, 0.0, None
        return health
    health.replica_replayed = position(replayed) or 0
    try:
        health.primary_positions.append(
            (now, position(_one_row(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text")[0]))
        )
    except DatabaseError:
        pass  # the primary's own failure is found where it is used
    positions = health.primary_positions
    while len(positions) > 1 and positions[0][1] <= health.replica_replayed:
        positions.popleft()  # replayed: no longer a measure of how far behind the replica is
    first_missing = next((when for when, primary in positions if primary > health.replica_replayed), None)
    health.replica_lag = 0.0 if first_missing is None else now - first_missing
    usable = health.replica_lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    if usable != health.replica_usable:
        logger.warning("Read replica %s (%.0f s behind)", "back in use" if usable else "left out", health.replica_lag)
    health.replica_usable = usable
    return health


def replica_replay_position():
    """How far the replica has replayed the primary's WAL now (one query)."""
    return position(_one_row(REPLICA, "SELECT pg_last_wal_replay_lsn()::text")[0])


def _replayed(written):
    """Whether the replica has replayed the primary's WAL up to ``written`` (asking it again if need be)."""
    if health.replica_replayed is None or health.replica_replayed >= written:
        return True
    try:
        health.replica_replayed = replica_replay_position()
    except DatabaseError:
        return False
    return health.replica_replayed is not None and health.replica_replayed >= written


def primary_is_down():
    return time.monotonic() < health.primary_down_until


def _mark_primary_down():
    if not primary_is_down():
        logger.error(
            "Primary database unavailable: read-only from the replica for %s s", settings.PRIMARY_RETRY_SECONDS
        )
    health.primary_down_until = time.monotonic() + settings.PRIMARY_RETRY_SECONDS


class ReadReplicaMiddleware:
    """Decides, per request, where reads go (see the module's notes); outermost in MIDDLEWARE, so that
    sessions, authentication and every view run inside the decision, and the cookie goes on every
    answer to a POST, whatever answered it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        if primary_is_down() and check_replica().replica_usable:
            return self._read_only(request, safe)
        check_replica()
        written = position(request.COOKIES.get(WROTE_COOKIE))
        allowed = safe and health.replica_usable and (written is None or _replayed(written))
        response = self._answer(request, allowed=allowed)
        if allowed and response.status_code in (404, 503):
            # The replica may lack what the primary has, or have failed: ask the primary.
            if response.status_code == 503 and not answers(REPLICA):
                check_replica(force=True)
            response = self._answer(request, allowed=False)
        if response.status_code == 503 and not answers(DEFAULT_DB_ALIAS):
            _mark_primary_down()
            if safe and check_replica(force=True).replica_usable:
                return self._read_only(request, safe)
        if not safe:
            self._remember_the_write(response)
        elif written is not None and allowed:
            response.delete_cookie(WROTE_COOKIE, samesite="Lax")  # the replica has caught up with it
        return response

    def _answer(self, request, *, allowed):
        token = _replica_allowed.set(allowed)
        try:
            return self.get_response(request)
        finally:
            _replica_allowed.reset(token)

    def _read_only(self, request, safe):
        if not safe:
            return database_unavailable_response(request, read_only=True)
        token = _read_only.set(True)
        try:
            return self.get_response(request)
        finally:
            _read_only.reset(token)

    @staticmethod
    def _remember_the_write(response):
        try:
            written = _one_row(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text")[0]
        except DatabaseError:
            return
        response.set_cookie(
            WROTE_COOKIE,
            written,
            max_age=WROTE_COOKIE_SECONDS,
            httponly=True,
            secure=settings.HTTPS,
            samesite="Lax",
        )
