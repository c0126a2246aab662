"""The PostgreSQL cache: one statement per write, correct add semantics, expired rows removed."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import cache as postgres_cache
from community.cache import delete_expired

pytestmark = pytest.mark.django_db


def test_a_write_is_one_statement_and_reads_back():
    with CaptureQueriesContext(connection) as queries:
        cache.set("greeting", {"text": "你好"}, 60)
    assert len(queries) == 1
    assert cache.get("greeting") == {"text": "你好"}
    cache.set("greeting", "再见", 60)
    assert cache.get("greeting") == "再见"


def test_add_only_writes_a_missing_or_expired_key():
    assert cache.add("once", 1, 60) is True
    assert cache.add("once", 2, 60) is False
    assert cache.get("once") == 1
    cache.set("stale", "old", -1)
    assert cache.add("stale", "new", 60) is True
    assert cache.get("stale") == "new"


def test_expired_rows_are_deleted_by_the_job():
    cache.set("gone", 1, -1)
    cache.set("kept", 1, 60)
    assert delete_expired() >= 1
    assert cache.get("kept") == 1


def test_now_and_then_a_write_also_deletes_expired_rows(monkeypatch):
    cache.set("gone", 1, -1)
    monkeypatch.setattr(postgres_cache, "CULL_ONE_WRITE_IN", 1)
    with CaptureQueriesContext(connection) as queries:
        cache.set("kept", 1, 60)
    assert len(queries) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM django_cache")
        keys = [key for (key,) in cursor.fetchall()]
    assert not any(key.endswith(":gone") for key in keys)
    assert cache.get("kept") == 1
