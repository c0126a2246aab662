"""Sections of the site and when they last changed: the version numbers that tell kept pages they are stale.

A section is a part of the site that pages show ("news", "wishes", …, and
"site": people's public names, buildings and photos, shown on every page).
Whatever changes a section says so with ``changed``: models that pages show
inherit ``ShownModel``, whose saves, deletes and bulk writes report their
``page_sections``. The sections changed in a transaction are collected and,
just before it commits, get new versions in PostgreSQL (SectionVersion) in
the same transaction (community/postgres/base.py), once each: a change
cannot commit without them, and a rolled-back one moves nothing. Caches
(PostgreSQL's or Redis) only hold pages tagged with the versions they were
built from; community/pagecache.py compares the tags with these rows on
every lookup, so a cache that missed a change (Redis down, restarted with
old data) can never serve the old page.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, models, transaction
from redis.exceptions import RedisError

from community.versions import after_commit, pending

logger = logging.getLogger(__name__)
# A cache that fails (PostgreSQL or Redis unreachable) is a cache that missed: the page is built as usual.
CACHE_ERRORS = (DatabaseError, RedisError, OSError)
# Shown on every page (people's public names, buildings, photos): part of every kept page's versions.
SITE = "site"


def changed(*sections):
    """Mark ``sections`` changed: their kept pages are stale once the current transaction commits.

    Outside a transaction the versions move at once. Inside one, the sections
    are collected and their versions moved once each, in the transaction, just
    before it commits; a transaction that rolls back changes nothing.
    """
    pending().update(sections)
    transaction.on_commit(after_commit, using=DEFAULT_DB_ALIAS)


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
