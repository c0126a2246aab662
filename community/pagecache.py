"""Whole-page cache for anonymous visitors, kept in the shared cache and dropped the moment data changes.

A public view says that its page may be kept, which sections of the site it
shows and which query parameters it reads (``kept_page = KeptPage(...)``). An
anonymous visitor's page is looked up together with the version numbers of
those sections (and of "site", which every page shows: names, buildings,
photos): in ONE query with the PostgreSQL cache; with Redis, the page from
Redis and the versions from PostgreSQL. A stored page carries the versions it
was built from; if any has moved on, the page is rebuilt.

Whatever changes a section says so (community/sections.py): the versions
move on in PostgreSQL in the transaction of the change (community/versions.py),
so that a published article or a claimed wish shows at once, no page has to
be found to be dropped, and a cache that missed the change can never serve
the old page. What is kept is built from the primary database, never from a
replica that may lag behind the change. Signed-in visitors, POSTs, pages that
set cookies or use a CSRF token, and requests with query parameters the page
does not read are never served from or stored in the cache.

The two display modes (standard and elderly) are cached apart.
"""

import hashlib
import logging
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from community import dbrouter, pagecopy
from community.cache import PostgresCache, store_many
from community.pages import is_elderly
from community.sections import CACHE_ERRORS, SITE
from community.versions import current_versions

logger = logging.getLogger(__name__)

_building_kept_page = ContextVar("building_kept_page", default=False)
# The earliest moment something being built shows changes by time alone (an activity's deadline passing).
_valid_until = ContextVar("kept_valid_until", default=None)

PAGE_SECONDS = 600
# A page number as the kept pages accept it (?page=3).
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}")


@dataclass(frozen=True)
class KeptPage:
    """How a public view's page is kept for anonymous visitors.

    ``sections``: what the page shows, besides "site" (a change to any of them
    makes it stale); ``slots``: contribution slots whose parts the page shows
    (their sections count too); ``parameters``: the query parameters the page
    reads and what a value may look like (a request with any other parameter or
    value is answered but not kept, so that made-up URLs cannot fill the
    cache); ``on_hit``: called with the view's keyword arguments when a kept
    copy is served (an article still counts its reads).
    """

    sections: tuple = ()
    parameters: dict = field(default_factory=dict)
    slots: tuple = ()
    on_hit: Callable | None = None

    def all_sections(self):
        contributed = (part.section for slot in self.slots for part in slot if part.section)
        return tuple(dict.fromkeys((SITE, *self.sections, *contributed)))


def valid_until(moment):
    """What is being built shows a label that changes at ``moment`` by time alone: keep it no longer than that.

    Kept pages and parts built now expire at the earliest such moment (or after
    their usual time, whichever comes first), so that a kept page never shows a
    deadline as still open after it passed.
    """
    if moment is None:
        return
    current = _valid_until.get()
    if current is None or moment < current:
        _valid_until.set(moment)


def _seconds_until(moment, seconds):
    if moment is None:
        return seconds
    return max(1, min(seconds, int((moment - timezone.now()).total_seconds())))


@dataclass
class _ThisRequest:
    """What one request reads from and writes to the cache, so that it asks in as few round trips as it can.

    ``expected``: keys it will ask for (with their sections), fetched with its
    first lookup; ``found``: what that lookup brought for them; ``writes``:
    entries to store, written together when the response is ready.
    """

    expected: dict = field(default_factory=dict)
    found: dict = field(default_factory=dict)
    writes: list = field(default_factory=list)


_this_request = ContextVar("page_cache_request", default=None)


def expect(key, sections):
    """This request will ask for ``key`` (kept under ``sections``): bring it with the request's first lookup."""
    state = _this_request.get()
    if state is not None and key not in state.found:
        state.expected[key] = (SITE, *sections)


def _lookup(key, sections, *, copy=True):
    """(what is kept under ``key`` if it was built from the sections' current versions, else None; the versions).

    One cache query for the value and the versions together, and for whatever
    else this request said it expects; none when this process's copy
    (community/pagecopy.py) has all of them current. ``copy=False``: a whole
    page, which the copy keeps as a response of its own.
    """
    state = _this_request.get()
    if state is not None and key in state.found:
        return state.found.pop(key)
    wanted = {key: sections}
    if state is not None:
        wanted |= {other: wanted_sections for other, wanted_sections in state.expected.items() if other != key}
        state.expected = {}
    results = pagecopy.copied_parts(wanted) if copy else None
    if results is None:
        results = _read_and_copy(wanted, copy=copy)
    if state is not None:
        state.found |= {other: result for other, result in results.items() if other != key}
    return results[key]


def _read_and_copy(wanted, *, copy):
    """{key: (value if current else None, versions)} for ``wanted`` ({key: sections}), read from the cache; what
    is current is also given to this process's copy, if ``copy``."""
    expiries = {}
    found, current = _read(list(wanted), {section for each in wanted.values() for section in each}, expiries)
    results = {}
    for each, each_sections in wanted.items():
        versions = tuple(current[section] for section in each_sections)
        stored = found.get(each)
        value = stored[1] if stored is not None and stored[0] == versions else None
        results[each] = (value, versions)
        if copy and value is not None and each in expiries:
            seconds = (expiries[each] - timezone.now()).total_seconds()
            pagecopy.keep_part(each, each_sections, versions, value, seconds)
    return results


def _read(keys, sections, expiries):
    """(the cache's entries among ``keys``, the sections' current versions from PostgreSQL).

    With the PostgreSQL cache, one statement (and ``expiries`` gets when each entry found expires). With Redis,
    the entries from Redis (none while it fails: a miss) and the versions from PostgreSQL, which holds them; so
    an entry Redis kept through a change it missed is never taken for current.
    """
    backend = caches["default"]
    if isinstance(backend, PostgresCache):
        return backend.get_many_with_versions(keys, sections, expiries)
    try:
        found = backend.get_many(keys)
    except CACHE_ERRORS:
        found = {}
    return found, current_versions(sections, using=dbrouter.read_alias())


def _keep(key, versions, value, seconds):
    """Store an entry: at the end of the request, with its other entries, or at once outside a request."""
    state = _this_request.get()
    if state is not None:
        state.writes.append((key, (versions, value), seconds))
    else:
        _store([(key, (versions, value), seconds)])


def _store(rows):
    try:
        store_many(rows)
    except CACHE_ERRORS:
        logger.warning("Could not keep %s in the cache", [row[0] for row in rows], exc_info=True)


def cached(key, sections, build, seconds=PAGE_SECONDS):
    """``build()``'s result, kept until one of ``sections`` changes, for parts of pages signed-in people see too.

    One cache query when it is fresh, two more when it has to be built and
    stored. While a page that is kept whole is being built, its parts are not
    kept as well: that would only add those two queries.
    """
    if _building_kept_page.get() or not settings.CACHED_PARTS_ENABLED:
        return build()  # the page being built reads from the primary already
    try:
        value, versions = _lookup(key, (SITE, *sections))
    except CACHE_ERRORS:
        return build()
    if value is None:
        token = _valid_until.set(None)
        try:
            with dbrouter.reads_from_primary():
                value = build()
            until = _valid_until.get()
        finally:
            _valid_until.reset(token)
        valid_until(until)  # the page around the part changes then too
        _keep(key, versions, value, _seconds_until(until, seconds))
        pagecopy.keep_part(key, (SITE, *sections), versions, value, _seconds_until(until, seconds))
    return value


def cached_html(key, sections, template, build_context, seconds=PAGE_SECONDS):
    """``template`` rendered with ``build_context()``, kept as HTML like ``cached``: the same for everyone."""
    return cached(key, sections, lambda: render_to_string(template, build_context()), seconds)


def _page_key(request, match, kept):
    """The cache key of this request's page, or None if the page must not be kept."""
    allowed = kept.parameters
    if (
        not settings.PAGE_CACHE_ENABLED
        or request.method != "GET"
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
        or any(
            name not in allowed or len(values) > 1 or not allowed[name].fullmatch(values[0])
            for name, values in request.GET.lists()
        )
        # Only the canonical address of a page (/news/12/, not /news/0012/).
        or request.path != reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    ):
        return None
    mode = "e" if is_elderly(request) else "s"
    query = urlencode(sorted(request.GET.items()))
    # Host and scheme too: canonical and sharing links on the page are built from them.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"kept-page:{mode}:" + hashlib.sha256(address.encode()).hexdigest()[:40]


def kept_page_of(view):
    """The view's ``KeptPage`` declaration (on its class, or on the function), if it has one."""
    return getattr(getattr(view, "view_class", view), "kept_page", None)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = _ThisRequest()
        building, until, this = _building_kept_page.set(False), _valid_until.set(None), _this_request.set(state)
        try:
            response = self.get_response(request)
            expires = _valid_until.get()
        finally:
            _building_kept_page.reset(building)
            _valid_until.reset(until)
            _this_request.reset(this)
        marker = getattr(request, "_page_cache", None)
        if marker is not None and self._storable(request, response):
            page_key, versions, sections, on_hit, kwargs = marker
            seconds = _seconds_until(expires, PAGE_SECONDS)
            # Kept with the moment it expires, so that a process copying it from a hit knows too.
            page = (response.content, response["Content-Type"], time.time() + seconds)
            state.writes.append((page_key, (versions, page), seconds))
            pagecopy.remember(
                request, sections=sections, versions=versions, expires_in=seconds, on_hit=on_hit, kwargs=kwargs
            )
            if settings.PAGE_CACHE_HEADER:
                response["X-Page-Cache"] = "miss"
        _store(state.writes)  # everything this request built, in one write
        return response

    def process_view(self, request, view, args, kwargs):
        kept = kept_page_of(view)
        page_key = kept and _page_key(request, request.resolver_match, kept)
        if not page_key:
            return None
        sections = kept.all_sections()
        try:
            stored, versions = _lookup(page_key, sections, copy=False)
        except CACHE_ERRORS:
            return None  # the view meets the outage and answers it
        if stored is not None:
            if kept.on_hit is not None:
                kept.on_hit(kwargs)
            response = HttpResponse(stored[0], content_type=stored[1])
            if len(stored) > 2:  # pages kept before their expiry was kept with them are not copied
                expires_in = stored[2] - time.time()
                pagecopy.remember(
                    request,
                    sections=sections,
                    versions=versions,
                    expires_in=expires_in,
                    on_hit=kept.on_hit,
                    kwargs=kwargs,
                )
            if settings.PAGE_CACHE_HEADER:
                response["X-Page-Cache"] = "hit"
            return response
        request._page_cache = (page_key, versions, sections, kept.on_hit, kwargs)
        _building_kept_page.set(True)
        # Built from a replica that lags behind the change that made it stale, the page would be kept,
        # stale, under the new versions.
        dbrouter.primary_for_the_rest_of_the_request()
        return None

    @staticmethod
    def _storable(request, response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # A page that shows a CSRF token (Django 5.2 marks the request so) belongs to one visitor.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(getattr(request, "session", None), "modified", False)
            and getattr(request, "_csp_nonce", None) is None
            and not request.user.is_authenticated
        )
