"""The default cache: Django's database cache, with one statement per write.

Django's DatabaseCache counts the whole table and reads the row before every
write (3–5 statements). Here a write is one INSERT … ON CONFLICT, and expired
entries are removed by a periodic job (and, rarely, by a write), so that caching
a page never costs more queries than it saves. Reads are Django's own (one query).
"""

import base64
import pickle
import random
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now

CULL_ONE_WRITE_IN = 500


class PostgresCache(DatabaseCache):
    def _row(self, key, value, timeout):
        """(key, encoded value, expiry) as the table stores them; ``key`` already made."""
        timeout = self.get_backend_timeout(timeout)
        expires = (
            datetime.max.replace(tzinfo=UTC) if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        ).replace(microsecond=0)
        return key, base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1"), expires

    def _upsert(self, rows, *, only_if_expired=False):
        """One INSERT … ON CONFLICT for all ``rows``; now and then it also deletes expired entries."""
        now = tz_now().replace(microsecond=0)
        connection = connections[router.db_for_write(self.cache_model_class)]
        table = connection.ops.quote_name(self._table)
        condition = f" WHERE {table}.expires < %s" if only_if_expired else ""
        with connection.cursor() as cursor:
            if random.random() < 1 / CULL_ONE_WRITE_IN:
                cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES {', '.join(['(%s, %s, %s)'] * len(rows))} "
                f"ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires" + condition,
                [value for row in rows for value in row] + ([now] if only_if_expired else []),
            )
            return cursor.rowcount

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        if mode == "touch":
            return super()._base_set(mode, key, value, timeout)
        return self._upsert([self._row(key, value, timeout)], only_if_expired=mode == "add") == 1

    def get_many_with_versions(self, keys, sections, expiries=None):
        """(the live entries among ``keys``, {section: version}) in one statement: kept pages and the versions
        of the sections they must have been built from (community/sections.py). ``expiries``, a dict if given,
        receives when each entry found expires."""
        made = {self.make_and_validate_key(key): key for key in keys}
        connection = connections[router.db_for_read(self.cache_model_class)]
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT cache_key, value, expires, NULL FROM {table} WHERE cache_key = ANY(%s) "
                "UNION ALL SELECT section, NULL, NULL, version FROM community_sectionversion WHERE section = ANY(%s)",
                [list(made), list(sections)],
            )
            rows = cursor.fetchall()
        now = tz_now()
        found, versions = {}, dict.fromkeys(sections, 0)
        for name, value, expires, version in rows:
            if version is not None:
                versions[name] = version
            elif expires >= now:
                found[made[name]] = pickle.loads(base64.b64decode(value.encode("latin1")))  # noqa: S301 -- our own rows
                if expiries is not None:
                    expiries[made[name]] = expires
        return found, versions

    def set_rows(self, rows):
        """Several entries [(key, value, seconds)], each with its own lifetime, in one statement."""
        latest = {self.make_and_validate_key(key): (value, seconds) for key, value, seconds in rows}
        self._upsert([self._row(key, value, seconds) for key, (value, seconds) in latest.items()])


def store_many(rows):
    """Write [(key, value, seconds)] to the default cache in as few round trips as the backend allows.

    The PostgreSQL cache writes them in one statement; another backend (Redis) in
    one ``set_many`` per distinct lifetime (a pipeline each).
    """
    if not rows:
        return
    backend = caches["default"]
    if isinstance(backend, PostgresCache):
        backend.set_rows(rows)
        return
    by_seconds = {}
    for key, value, seconds in rows:
        by_seconds.setdefault(seconds, {})[key] = value
    for seconds, values in by_seconds.items():
        backend.set_many(values, seconds)


def delete_expired(now=None):
    """Remove expired cache rows (a periodic job); returns how many."""
    if not settings.CACHES["default"]["BACKEND"].endswith("PostgresCache"):
        return 0
    connection = connections["default"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(settings.CACHES['default']['LOCATION'])} WHERE expires < %s",
            [now or tz_now()],
        )
        return cursor.rowcount
