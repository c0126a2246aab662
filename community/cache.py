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

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now

CULL_ONE_WRITE_IN = 500


class PostgresCache(DatabaseCache):
    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        if mode == "touch":
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        expires = (
            datetime.max.replace(tzinfo=UTC) if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        ).replace(microsecond=0)
        now = tz_now().replace(microsecond=0)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        connection = connections[router.db_for_write(self.cache_model_class)]
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            if random.random() < 1 / CULL_ONE_WRITE_IN:
                cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])
            only_if_expired = f" WHERE {table}.expires < %s" if mode == "add" else ""
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "
                f"ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires"
                + only_if_expired,
                [key, encoded, expires, now] if mode == "add" else [key, encoded, expires],
            )
            return cursor.rowcount == 1


def delete_expired(now=None):
    """Remove expired cache rows (a periodic job); returns how many."""
    from django.conf import settings

    if not settings.CACHES["default"]["BACKEND"].endswith("PostgresCache"):
        return 0
    connection = connections["default"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(settings.CACHES['default']['LOCATION'])} WHERE expires < %s",
            [now or tz_now()],
        )
        return cursor.rowcount
