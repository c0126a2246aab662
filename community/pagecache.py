"""Whole-page cache for anonymous visitors, kept in the shared cache and dropped the moment data changes.

A public page an anonymous visitor asks for is looked up together with the
version numbers of the sections it shows (news, wishes, volunteers, whistles)
in ONE cache read. A stored page carries the versions it was built from; if
any has moved on, the page is rebuilt. Saving or deleting anything of an app
bumps its section's version after the transaction commits (signals, below), so
a published article or a claimed wish shows at once and no page has to be
found to be dropped. What is kept is built from the primary database, never from a
replica that may lag behind the change. Signed-in visitors, POSTs, pages that set cookies or use a
CSRF token, and requests with query parameters the pages do not read are never
served from or stored in the cache.

The two display modes (standard and elderly) are cached apart, and article
reads are still counted when the page comes from the cache.
"""

import hashlib
import logging
import re
import time
from contextvars import ContextVar
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from redis.exceptions import RedisError

from community import dbrouter

logger = logging.getLogger(__name__)
# A cache that fails (PostgreSQL or Redis unreachable) is a cache that missed: the page is built as usual.
CACHE_ERRORS = (DatabaseError, RedisError, OSError)

_building_kept_page = ContextVar("building_kept_page", default=False)

SECTIONS = ("news", "wishes", "volunteers", "whistles", "site")
PAGE_SECONDS = 600

# URL name → the sections its page shows.
CACHEABLE = {
    "home": SECTIONS,
    "about": ("site",),
    "privacy": ("site",),
    "news:index": ("news",),
    "news:column": ("news",),
    "news:article": ("news",),
    "news:search": ("news",),
    "volunteers:index": ("volunteers",),
    "volunteers:team": ("volunteers", "wishes"),
    "volunteers:workstation": ("volunteers",),
    "volunteers:activity": ("volunteers",),
    "volunteers:honour_roll": ("volunteers",),
    "volunteers:terms": ("site",),
    "volunteers:units": ("volunteers", "wishes", "whistles"),
    "volunteers:unit": ("volunteers", "wishes", "whistles"),
    "wishes:wall": ("wishes",),
    "wishes:detail": ("wishes",),
    "whistles:board": ("whistles",),
    "whistles:detail": ("whistles",),
}
# The query parameters each page reads, and what a value may look like. A request
# with any other parameter or value is answered but not kept, so that made-up
# URLs cannot fill the cache.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}")
PARAMETERS = {
    "news:index": {"page": PAGE_NUMBER},
    "news:column": {"page": PAGE_NUMBER},
    "news:search": {"page": PAGE_NUMBER, "q": re.compile(r"[^\x00-\x1f]{1,30}")},
    "wishes:wall": {
        "page": PAGE_NUMBER,
        "category": re.compile(r"[a-z]{0,12}"),
        "status": re.compile(r"[a-z]{0,12}"),
    },
    "whistles:board": {"page": PAGE_NUMBER},
}
# Saving these changes nothing a cached page shows (read counts may lag by PAGE_SECONDS).
IGNORED_MODELS = {"news.articleread"}
APP_SECTIONS = {"news": "news", "wishes": "wishes", "volunteers": "volunteers", "whistles": "whistles"}
# Shown on every kind of page (names, buildings): a change moves every section on.
EVERYWHERE_MODELS = {"community.user", "community.building", "community.grid", "community.image"}


def _version_key(section):
    return f"pv:{section}"


class _Bump:
    """What runs after a commit: one cache write moving on the versions of every changed section."""

    def __init__(self, sections):
        self.sections = set(sections)

    def __call__(self):
        now = time.time_ns()
        try:
            cache.set_many({_version_key(section): now for section in self.sections}, None)
        except CACHE_ERRORS:
            pass  # cached pages then live until they expire (PAGE_SECONDS)


def changed(*sections):
    """Mark sections as changed once the current transaction commits: their cached pages are stale."""
    transaction.on_commit(_Bump(sections))


def changed_at(section):
    """When the section last changed (a datetime), or None if that is not known."""
    version = cache.get(_version_key(section))
    return datetime.fromtimestamp(version / 1e9, tz=UTC) if version else None


def _lookup(key, sections):
    """(what is kept under ``key`` if it was built from the sections' current versions, else None; the versions).

    One cache query for the value and the versions together.
    """
    version_keys = [_version_key(section) for section in sections]
    found = cache.get_many([key, *version_keys])
    versions = tuple(found.get(version_key, 0) for version_key in version_keys)
    stored = found.get(key)
    return (stored[1] if stored is not None and stored[0] == versions else None), versions


def _keep(key, versions, value, seconds):
    try:
        cache.set(key, (versions, value), seconds)
    except CACHE_ERRORS:
        logger.warning("Could not keep %s in the cache", key, exc_info=True)


def cached(key, sections, build, seconds=PAGE_SECONDS):
    """``build()``'s result, kept until one of ``sections`` changes, for parts of pages signed-in people see too.

    One cache query when it is fresh, two more when it has to be built and
    stored. While a page that is kept whole is being built, its parts are not
    kept as well: that would only add those two queries.
    """
    if _building_kept_page.get():
        return build()  # the page being built reads from the primary already
    try:
        value, versions = _lookup(key, sections)
    except CACHE_ERRORS:
        return build()
    if value is None:
        with dbrouter.reads_from_primary():
            value = build()
        _keep(key, versions, value, seconds)
    return value


def cached_html(key, sections, template, build_context, seconds=PAGE_SECONDS):
    """``template`` rendered with ``build_context()``, kept as HTML like ``cached``: the same for everyone."""
    return cached(key, sections, lambda: render_to_string(template, build_context()), seconds)


def _model_changed(sender, **kwargs):
    label = sender._meta.label_lower
    if label in EVERYWHERE_MODELS:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= {"last_login"}:
            return  # signing in changes nothing anyone else sees
        changed(*SECTIONS)
    elif label not in IGNORED_MODELS:
        changed(APP_SECTIONS[sender._meta.app_label])


def connect_signals():
    """Listen to the models whose changes cached pages show (only those: others keep Django's fast deletes)."""
    from django.apps import apps

    watched = [model for label in APP_SECTIONS for model in apps.get_app_config(label).get_models()]
    watched += [apps.get_model(label) for label in EVERYWHERE_MODELS]
    for model in watched:
        post_save.connect(_model_changed, sender=model, dispatch_uid=f"pagecache_save_{model._meta.label_lower}")
        post_delete.connect(_model_changed, sender=model, dispatch_uid=f"pagecache_delete_{model._meta.label_lower}")


def _page_key(request, match):
    """The cache key of this request's page, or None if the page must not be kept."""
    from community.views import ELDERLY_COOKIE

    allowed = PARAMETERS.get(match.view_name, {})
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
    mode = "e" if request.COOKIES.get(ELDERLY_COOKIE) == "1" else "s"
    query = urlencode(sorted(request.GET.items()))
    # Host and scheme too: canonical and sharing links on the page are built from them.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"kept-page:{mode}:" + hashlib.sha256(address.encode()).hexdigest()[:40]


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _building_kept_page.set(False)
        try:
            response = self.get_response(request)
        finally:
            _building_kept_page.reset(token)
        marker = getattr(request, "_page_cache", None)
        if marker is not None and self._storable(request, response):
            page_key, versions = marker
            _keep(page_key, versions, (response.content, response["Content-Type"]), PAGE_SECONDS)
            if settings.PAGE_CACHE_HEADER:
                response["X-Page-Cache"] = "miss"
        return response

    def process_view(self, request, view, args, kwargs):
        match = request.resolver_match
        sections = CACHEABLE.get(match.view_name)
        page_key = sections and _page_key(request, match)
        if not page_key:
            return None
        try:
            stored, versions = _lookup(page_key, sections)
        except CACHE_ERRORS:
            return None  # the view meets the outage and answers it
        if stored is not None:
            if match.view_name == "news:article":
                from news import reads

                reads.count_read(kwargs["pk"])
            response = HttpResponse(stored[0], content_type=stored[1])
            if settings.PAGE_CACHE_HEADER:
                response["X-Page-Cache"] = "hit"
            return response
        request._page_cache = (page_key, versions)
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
