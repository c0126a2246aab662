"""Counting article reads per day without a database write on every page view.

Each worker process adds reads to a small in-memory buffer and writes the
buffer in one statement at most every FLUSH_SECONDS (and when the process
exits). Losing a few seconds of counts when a worker is killed is acceptable
for reading statistics; a write per view is not.
"""

import atexit
import logging
import threading
import time
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone

FLUSH_SECONDS = 60
FLUSH_AT_COUNT = 500


class ReadBuffer:
    def __init__(self):
        self._counts = Counter()
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()

    def add(self, article_id, *, now=None):
        day = timezone.localdate(now)
        with self._lock:
            self._counts[(article_id, day)] += 1
            due = time.monotonic() - self._last_flush >= FLUSH_SECONDS or sum(self._counts.values()) >= FLUSH_AT_COUNT
        if due:
            self.flush()

    def pending(self):
        with self._lock:
            return dict(self._counts)

    def flush(self):
        """Add the buffered counts to news_articleread in one upsert."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
            self._last_flush = time.monotonic()
        if not counts:
            return 0
        rows = [(article_id, day, count) for (article_id, day), count in counts.items()]
        placeholders = ", ".join(["(%s, %s, %s)"] * len(rows))
        params = [value for row in rows for value in row]
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # Articles deleted in the meantime are skipped by the join.
                cursor.execute(
                    f"""
                    INSERT INTO news_articleread (article_id, day, count)
                    SELECT v.article_id, v.day, v.count
                    FROM (VALUES {placeholders}) AS v(article_id, day, count)
                    JOIN news_article a ON a.id = v.article_id
                    ON CONFLICT (article_id, day)
                    DO UPDATE SET count = news_articleread.count + EXCLUDED.count
                    """,
                    params,
                )
        except Exception:
            # Keep the counts for the next attempt rather than lose them.
            with self._lock:
                self._counts.update(counts)
            raise
        return sum(counts.values())


buffer = ReadBuffer()


def count_read(article_id):
    buffer.add(article_id)


@atexit.register
def _flush_at_exit():
    try:
        buffer.flush()
    except Exception:  # the database may be gone at exit; the counts are lost then
        logging.getLogger(__name__).warning("Could not write buffered article reads at exit")
