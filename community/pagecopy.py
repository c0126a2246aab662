"""Each web process's own copy of the pages kept for anonymous visitors, served before any other middleware.

The shared page cache (community/pagecache.py) costs every hit a round trip
to PostgreSQL, for the page and the versions of the sections it shows. This
copy answers the same requests from the process's memory, with the whole
response as it was sent (every header: CSP, security headers, ETag), so that
a hit costs what a dictionary lookup costs.

It stays honest the way the shared cache does, by versions: an entry is
served only while the versions it was built from are the current ones.
Where the shared cache reads them from PostgreSQL, this copy hears of them:
the statement that moves a section's version on (community/versions.py) also
sends ``NOTIFY page_versions`` in the same transaction, which PostgreSQL
delivers once it commits, and never for one that rolled back. Each process
keeps one connection to the primary (a replica never receives NOTIFY) that
LISTENs on the channel; before a lookup, it takes in what arrived (without
waiting). The channel reads every version once after it starts listening,
so nothing can fall between the two.

While the channel is down (the connection dropped, PostgreSQL restarted),
nothing is served from the copy: every request takes the shared cache's path,
which asks PostgreSQL; the channel tries again every few seconds.

What the copy of pages holds is public (the pages every anonymous visitor
gets). The copy of parts holds what ``pagecache.cached`` keeps: parts shown to
everyone, and a few kept per person and role (the queues on 我的, which name
residents), under keys that only that person's requests look up. Both are
bounded (``PAGE_COPY_MAX_BYTES``) and lost with the process, which is why a
web process may still be replaced at any time.
"""

import logging
import pickle
import select
import time
from collections import OrderedDict
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from community.pages import is_elderly

logger = logging.getLogger(__name__)

CHANNEL = "page_versions"
RETRY_SECONDS = 5
DRAIN_ROUNDS = 1000


class _Channel:
    """This process's LISTEN connection to the primary and the section versions it has heard of."""

    def __init__(self):
        self.connection = None
        self.versions = {}
        self.retry_at = 0.0
        # Other copies kept honest by notifications on channels of their own (community/signedin.py):
        # {channel: (called with each payload, called to forget everything when nobody listened)}.
        self.others = {}

    def listen(self, name, heard, forget):
        """Also listen on channel ``name``: ``heard(payload)`` for each notification, ``forget()`` whenever the
        channel was down (what was kept meanwhile may have changed unheard)."""
        self.others[name] = (heard, forget)
        if self.connection is not None:
            self.close()  # the next lookup connects again, listening on every channel

    def current(self):
        """{section: version} as PostgreSQL has committed them, or None while the channel is down."""
        if self.connection is None and not self._connect():
            return None
        try:
            pgconn = self.connection.pgconn
            # What the socket holds, without waiting. A server that ended the connection sent its last message
            # and then closed it: libpq reads the message on one call and meets the end on the next, so the socket
            # is read again for as long as it has more. A burst that does not end is not half-read and trusted.
            for _round in range(DRAIN_ROUNDS):
                pgconn.consume_input()
                while (notice := pgconn.notifies()) is not None:
                    name, payload = notice.relname.decode(), notice.extra.decode()
                    if name == CHANNEL:
                        self._heard(payload)
                    elif name in self.others:
                        self.others[name][0](payload)
                if pgconn.status != psycopg.pq.ConnStatus.OK:
                    raise psycopg.OperationalError("the listening connection is gone")
                if not select.select([pgconn.socket], [], [], 0)[0]:
                    break
            else:
                return None
        except psycopg.Error:
            logger.warning("The page-version channel dropped; serving without the in-process copy", exc_info=True)
            self.close()
            return None
        return self.versions

    def _heard(self, payload):
        for pair in payload.split(","):
            section, _sep, version = pair.partition("=")
            if version and int(version) > self.versions.get(section, 0):
                self.versions[section] = int(version)

    def _connect(self):
        if time.monotonic() < self.retry_at:
            return False
        self.retry_at = time.monotonic() + RETRY_SECONDS
        try:
            params = connections[DEFAULT_DB_ALIAS].get_connection_params()
            params["application_name"] = "page-copy-listener"
            # The connection only listens, so a cut that sends no reset (a firewall forgetting an idle flow)
            # would look like silence: TCP keepalives find it out within about half a minute.
            params |= {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
            params["tcp_user_timeout"] = 30_000
            connection = psycopg.Connection.connect(**params, autocommit=True)
            for name in (CHANNEL, *self.others):
                connection.execute(f"LISTEN {name}")
            # Listening first, then reading: a change that commits in between is both read and heard.
            rows = connection.execute("SELECT section, version FROM community_sectionversion").fetchall()
        except psycopg.Error:
            logger.warning("Could not listen for page versions; serving without the in-process copy", exc_info=True)
            return False
        self.connection, self.versions = connection, dict(rows)
        self._forget()  # kept while nobody listened: nothing says it is still current
        return True

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except psycopg.Error:
                pass
        self.connection, self.versions = None, {}
        self._forget()

    def _forget(self):
        pages.clear()
        parts.clear()
        for _heard, forget in self.others.values():
            forget()


@dataclass
class Entry:
    """A kept page as it was sent, and what decides whether it still is the page."""

    sections: tuple
    versions: tuple
    expires: float  # time.monotonic()
    headers: list
    content: bytes
    on_hit: object = None
    kwargs: dict | None = None

    @property
    def size(self):
        return len(self.content)

    def is_current(self, versions, now):
        return _is_current(self, versions, now)

    def response(self, request):
        if self.on_hit is not None:
            self.on_hit(self.kwargs)
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response.headers[name] = value
        if settings.PAGE_CACHE_HEADER:
            response["X-Page-Cache"] = "copy"
        return get_conditional_response(request, etag=response.get("ETag"), response=response) or response


def _is_current(entry, versions, now):
    return now < entry.expires and all(
        versions.get(section, 0) == version for section, version in zip(entry.sections, entry.versions, strict=True)
    )


@dataclass
class Part:
    """A kept part of pages (pagecache.cached): what signed-in pages are made of, and the per-person counts."""

    sections: tuple
    versions: tuple
    expires: float  # time.monotonic()
    value: object
    size: int
    pickled: bool


class Bounded:
    """Entries by key, the least recently used dropped first once their sizes (``size_of``) add up to more than
    ``limit()``."""

    def __init__(self, limit, size_of=lambda entry: entry.size):
        self.entries = OrderedDict()
        self.size = 0
        self.limit, self.size_of = limit, size_of

    def __contains__(self, key):
        return key in self.entries

    def get(self, key):
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key, entry):
        self.drop(key)
        self.entries[key] = entry
        self.size += self.size_of(entry)
        while self.size > self.limit() and self.entries:
            self.drop(next(iter(self.entries)))

    def drop(self, key):
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= self.size_of(entry)

    def clear(self):
        self.entries.clear()
        self.size = 0


channel = _Channel()
pages = Bounded(lambda: settings.PAGE_COPY_MAX_BYTES)
parts = Bounded(lambda: settings.PAGE_COPY_MAX_BYTES)
# Headers that belong to one response, not to the page.
_NOT_KEPT = {"set-cookie", "date", "x-page-cache"}


def request_key(request):
    """The key of an anonymous GET as the copy knows it, or None when the request may not be answered from it.

    The same conditions as the shared cache's, read without resolving the
    URL: a page reaches the copy only after the shared cache's middleware,
    which resolved it, said it was kept (``remember``).
    """
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    mode = "e" if is_elderly(request) else "s"
    return (mode, request.scheme, host, request.get_full_path())


def copied_parts(wanted):
    """{key: (value, versions)} for ``wanted`` ({key: its sections}), if this process has every one of them
    current; else None (the caller reads them all from the shared cache)."""
    if not settings.PARTS_COPY_ENABLED or not all(key in parts for key in wanted):
        return None
    versions = channel.current()
    if versions is None:
        return None
    now, found = time.monotonic(), {}
    for key, sections in wanted.items():
        part = parts.get(key)
        if part is None or part.sections != tuple(sections) or not _is_current(part, versions, now):
            return None
        value = pickle.loads(part.value) if part.pickled else part.value  # noqa: S301 -- our own value
        found[key] = (value, part.versions)
    return found


def keep_part(key, sections, versions, value, expires_in):
    """Keep a part read from or written to the shared cache, built from ``versions`` of ``sections``."""
    if not settings.PARTS_COPY_ENABLED or expires_in <= 0 or channel.current() is None:
        return
    # HTML and counts are handed out as they are; anything else as a copy of its own for each request, so that a
    # view changing what it was given cannot change what the next request gets.
    pickled = not isinstance(value, str | int)
    kept = pickle.dumps(value) if pickled else value
    size = len(kept) if isinstance(kept, str | bytes) else 100  # an int and its entry
    parts.put(key, Part(tuple(sections), tuple(versions), time.monotonic() + expires_in, kept, size, pickled))


def remember(request, *, sections, versions, expires_in, on_hit=None, kwargs=None):
    """The shared cache's middleware served or built a kept page for this request: the copy may keep it."""
    request._page_copy = (sections, versions, expires_in, on_hit, kwargs)


class PageCopyMiddleware:
    """First of all middleware: answer from the copy when it has the current page; else keep what goes out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_COPY_ENABLED:
            return self.get_response(request)
        key = request_key(request)
        if key is not None:
            entry = pages.get(key)
            if entry is not None:
                versions = channel.current()
                if versions is not None and entry.is_current(versions, time.monotonic()):
                    return entry.response(request)
                pages.drop(key)
        response = self.get_response(request)
        kept = getattr(request, "_page_copy", None)
        if (
            key is not None
            and kept is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and channel.current() is not None
        ):
            sections, versions, expires_in, on_hit, kwargs = kept
            headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_KEPT]
            entry = Entry(sections, versions, time.monotonic() + expires_in, headers, response.content, on_hit, kwargs)
            pages.put(key, entry)
        return response
