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
