import pytest

from tests.html_checker import HtmlChecker


@pytest.fixture(scope="session")
def html_checker():
    """A running Nu HTML Checker; ``html_checker.assert_valid(html)``."""
    checker = HtmlChecker()
    yield checker
    checker.stop()


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder for this test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _empty_shared_cache_after_committed_tests(request, django_db_blocker):
    """Tests that commit (live server, transactional) leave the cache table behind: the flush between
    tests empties only model tables. Pages cached by one such test must not reach the next."""
    yield
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        from django.core.cache import cache

        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture(autouse=True)
def _fresh_article_read_buffer(monkeypatch):
    """Each test counts article reads in its own buffer. Reads a test leaves unwritten are dropped with it,
    instead of being written at exit into a test database that no longer exists."""
    from news import reads

    monkeypatch.setattr(reads, "buffer", reads.ReadBuffer())


@pytest.fixture(autouse=True)
def _no_random_cache_culling(monkeypatch):
    """A cache write deletes expired entries once in CULL_ONE_WRITE_IN writes, at random. Tests that count
    queries must not see that extra statement by chance; the test of culling sets its own odds."""
    from community import cache

    monkeypatch.setattr(cache, "CULL_ONE_WRITE_IN", float("inf"))
