import pytest

from tests.html_checker import HtmlChecker


@pytest.fixture(scope="session")
def html_checker():
    """A running Nu HTML Checker; ``html_checker.assert_valid(html)``."""
    checker = HtmlChecker()
    yield checker
    checker.stop()
