"""Each web process's copy of the sessions and people it has seen, so that knowing who asks costs no query.

Every signed-in request used to read its session from PostgreSQL, decode it,
then read the person (with their unread count) and, for staff, their
permissions: two or three round trips and much of the request's time, for
rows that change a few times a day. This process keeps what it read, and
PostgreSQL says when it changed: triggers on the session, person,
notification and permission tables (migration 0017) send ``NOTIFY
signed_in`` in the transaction of every change, whichever path made it (a
sign-out, a password or role change, a new notification, an erased account),
delivered when it commits. The process listens on the connection the kept
pages' copy already holds (community/pagecopy.py) and takes in what arrived
before every lookup.

- While that channel is down, nothing is served from this copy: sessions and
  people are read from PostgreSQL as before, and what was kept is forgotten.
- A value read from PostgreSQL is kept only if no notification of its kind
  arrived while it was being read; otherwise the change may have come just
  after the read, and the next request reads again.
- Entries are copied out, never handed over: a view that changes the person
  (a form filled in but not saved) changes only its own request's copy.
- Only what the primary said outside a transaction is kept, for a minute at
  most (``MAX_SECONDS``) and never past the session's expiry. The copy is
  bounded (``MAX_ENTRIES`` of each kind, the least recently used dropped
  first) and lost with the process.

``SESSION_ENGINE = "community.signedin"``: Django's database sessions, with
this copy in front; the person is kept by ``community.backends``.
"""

import copy
import hashlib
import time

from django.conf import settings
from django.contrib.sessions.backends import db
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

from community import pagecopy

CHANNEL = "signed_in"
MAX_ENTRIES = 10_000
# However current the channel says it is, nothing is kept longer: a notification lost in a way nobody noticed
# would be honoured for at most this long.
MAX_SECONDS = 60


class _Kept:
    """Values by key, at most ``MAX_ENTRIES`` (the least recently used dropped first), each for ``MAX_SECONDS``."""

    def __init__(self):
        self.entries = pagecopy.Bounded(lambda: MAX_ENTRIES, size_of=lambda entry: 1)
        self.heard = 0  # notifications of this kind so far: a read that overlapped one is not kept

    def get(self, key):
        entry = self.entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if time.monotonic() >= expires:
            self.entries.drop(key)
            return None
        return value

    def put(self, key, value, *, heard_before, read_from):
        """Keep ``value``, read from database ``read_from`` after ``heard_before`` notifications, unless one
        came since; only what the primary said outside a transaction (a replica may not have replayed a change
        already heard of; a transaction may roll back what it read)."""
        if (
            read_from != DEFAULT_DB_ALIAS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
            or pagecopy.channel.current() is None
            or self.heard != heard_before
        ):
            return
        self.entries.put(key, (time.monotonic() + MAX_SECONDS, value))

    def drop(self, keys):
        self.heard += 1
        if keys == "*":
            self.entries.clear()
        else:
            for key in keys.split(","):
                self.entries.drop(key)

    def clear(self):
        self.heard += 1
        self.entries.clear()


sessions = _Kept()  # first 16 hex digits of md5(session key) -> (session key, data, expiry as epoch seconds)
people = _Kept()  # user id (as text) -> the User, with unread_notifications and (staff) their permissions


def _heard(payload):
    """``s:<keys>`` or ``u:<ids>`` (comma-separated, or ``*`` for all) changed: drop them."""
    kind, _sep, keys = payload.partition(":")
    kept = {"s": sessions, "u": people}.get(kind)
    if kept is not None:
        kept.drop(keys)


def forget():
    """Drop everything kept (the channel was down; or a benchmark counting a cold request's queries)."""
    sessions.clear()
    people.clear()


pagecopy.channel.listen(CHANNEL, _heard, forget)


def in_use():
    """Whether lookups may be answered from the copy now (it is switched on and the channel is up)."""
    return settings.SIGNED_IN_COPY_ENABLED and pagecopy.channel.current() is not None


def session_id(session_key):
    """How the triggers name a session in their notifications (the key itself never travels)."""
    return hashlib.md5(session_key.encode(), usedforsecurity=False).hexdigest()[:16]


def kept_person(user_id):
    """A copy of the kept person with this id, or None."""
    if not in_use():
        return None
    person = people.get(str(user_id))
    if person is None:
        return None
    person = copy.copy(person)
    person.came_from_copy = True
    return person


def keep_person(user, *, heard_before):
    people.put(str(user.pk), copy.copy(user), heard_before=heard_before, read_from=user._state.db)


class SessionStore(db.SessionStore):
    """Django's database sessions, answered from this process's copy while it is current."""

    def load(self):
        if not self.session_key or not in_use():
            return super().load()
        key = session_id(self.session_key)
        kept = sessions.get(key)
        # The whole key is compared: the short name of the notifications only finds the entry.
        if kept is not None and kept[0] == self.session_key and time.time() < kept[2]:
            self.came_from_copy = True
            return copy.deepcopy(kept[1])
        heard_before = sessions.heard
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        sessions.put(
            key,
            (self.session_key, copy.deepcopy(data), stored.expire_date.timestamp()),
            heard_before=heard_before,
            read_from=stored._state.db,
        )
        return data


class WhereFromHeaderMiddleware:
    """``X-Signed-In-Copy``: which of the session and the person came from the copy (with PAGE_CACHE_HEADER, for
    development and tests only)."""

    def __init__(self, get_response):
        if not settings.PAGE_CACHE_HEADER:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session, user = getattr(request, "session", None), getattr(request, "user", None)
        if session is not None and session.accessed and user is not None and user.is_authenticated:
            parts = [name for name, part in (("session", session), ("person", user)) if hasattr(part, "came_from_copy")]
            response["X-Signed-In-Copy"] = ",".join(parts) or "none"
        return response
