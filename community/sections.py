"""Sections of the site and when they last changed: the version numbers that tell kept pages they are stale.

A section is a part of the site that pages show ("news", "wishes", …, and
"site": people's public names, buildings and photos, shown on every page).
Whatever changes a section says so with ``changed``: models that pages show
inherit ``ShownModel``, whose saves, deletes and bulk writes report their
``page_sections``. The sections changed in a transaction are collected and
moved on in one cache write after it commits (community/pagecache.py reads
the versions).
"""

import logging
import time
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# A cache that fails (PostgreSQL or Redis unreachable) is a cache that missed: the page is built as usual.
CACHE_ERRORS = (DatabaseError, RedisError, OSError)
# Shown on every page (people's public names, buildings, photos): part of every kept page's versions.
SITE = "site"


def version_key(section):
    return f"pv:{section}"


def _pending():
    """The sections changed in the primary connection's current transaction, not yet written."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not hasattr(connection, "pagecache_pending"):
        connection.pagecache_pending = set()
    elif not connection.run_on_commit:
        # Nothing waits for a commit: what is left belonged to a transaction that rolled back.
        connection.pagecache_pending.clear()
    return connection.pagecache_pending


def _write_pending():
    """After the commit: one cache write moving on the versions of every section changed in the transaction."""
    pending = connections[DEFAULT_DB_ALIAS].pagecache_pending
    sections, now = set(pending), time.time_ns()
    pending.clear()
    if not sections:
        return  # written already by an earlier callback of the same transaction
    try:
        cache.set_many({version_key(section): now for section in sections}, None)
    except CACHE_ERRORS:
        logger.warning("Could not mark %s changed: kept pages live until they expire", sorted(sections))


def changed(*sections):
    """Mark ``sections`` changed: their kept pages are stale once the current transaction commits.

    Outside a transaction the version moves at once. Inside one, the sections
    are collected and written in one cache write after the commit; a
    transaction that rolls back changes nothing.
    """
    _pending().update(sections)
    transaction.on_commit(_write_pending, using=DEFAULT_DB_ALIAS)


def changed_at(section):
    """When the section last changed (a datetime), or None if that is not known."""
    version = cache.get(version_key(section))
    return datetime.fromtimestamp(version / 1e9, tz=UTC) if version else None


class ShownQuerySet(models.QuerySet):
    """Rows that public pages show: bulk writes report the model's sections changed, as saves do."""

    def update(self, **kwargs):
        changed(*self.model.page_sections)
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        changed(*self.model.page_sections)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        changed(*self.model.page_sections)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def delete(self):
        changed(*self.model.page_sections)
        return super().delete()

    delete.queryset_only = True


class ShownModel(models.Model):
    """A model whose rows kept pages show: every save, delete and bulk write reports its ``page_sections``."""

    page_sections: tuple = ()

    objects = ShownQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        changed(*self.page_sections)

    def delete(self, *args, **kwargs):
        changed(*self.page_sections)
        return super().delete(*args, **kwargs)
