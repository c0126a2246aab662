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
