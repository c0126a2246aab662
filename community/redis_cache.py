"""Redis as an accelerator, never a single point of failure (``REDIS_URL``).

Django's Redis cache, with every command bounded (``REDIS_TIMEOUT_MS``, no
retries) and a circuit breaker per worker: the first command that fails or
times out opens it, and for ``REDIS_RETRY_SECONDS`` nobody waits on Redis:
reads miss, writes are dropped, rate limits count in PostgreSQL
(community/ratelimit.py). Then one command tries again.

Nothing Redis holds can be stale when it comes back: kept pages are checked
against the versions in PostgreSQL (community/versions.py), sessions live in
PostgreSQL, and rate-limit counts only ever delay.
"""

import logging
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)
REDIS_ERRORS = (RedisError, OSError)


class Breaker:
    """Open (Redis left alone) for a while after a failure; one process's view."""

    def __init__(self):
        self.open_until = 0.0

    @property
    def is_open(self):
        return time.monotonic() < self.open_until

    def trip(self, error):
        if not self.is_open:
            logger.warning("Redis is not answering (%s): working without it for %s s", error, self.seconds)
        self.open_until = time.monotonic() + self.seconds

    def close(self):
        self.open_until = 0.0

    @property
    def seconds(self):
        return settings.REDIS_RETRY_SECONDS


breaker = Breaker()


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose failures are misses, bounded in time, with the breaker above."""

    @cached_property
    def _cache(self):
        options = dict(self._options)
        seconds = settings.REDIS_TIMEOUT_MS / 1000
        options.setdefault("socket_connect_timeout", seconds)
        options.setdefault("socket_timeout", seconds)
        # redis-py retries a failed command with backoff by default: that would multiply the wait.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        return RedisCacheClient(self._servers, **options)

    def _guarded(self, command, fallback, *args, **kwargs):
        if breaker.is_open:
            return fallback
        try:
            return command(*args, **kwargs)
        except REDIS_ERRORS as error:
            breaker.trip(error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, False, key, version)

    def set(self, *args, **kwargs):
        return self._guarded(super().set, None, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._guarded(super().set_many, [], *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._guarded(super().add, False, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._guarded(super().touch, False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._guarded(super().delete, False, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._guarded(super().delete_many, None, *args, **kwargs)

    def clear(self):
        return self._guarded(super().clear, False)

    def count_hit(self, key, seconds):
        """Add one to a counter that lives ``seconds``; its new value, or None while Redis is not answering."""

        def count():
            made = self.make_and_validate_key(key)
            client = self._cache.get_client(made, write=True)
            pipe = client.pipeline()
            pipe.incr(made)
            pipe.expire(made, seconds, nx=True)
            return pipe.execute()[0]

        return self._guarded(count, None)

    def ping(self):
        """Whether Redis answers now (for the readiness report); trips the breaker if it does not."""
        return bool(self._guarded(lambda: self._cache.get_client(write=False).ping(), False))
