"""Settings for the test suite: the portal's own (read from the environment as always), and what only tests need."""

from community.settings import *  # noqa: F403
from community.settings import DATABASE_URL, DATABASES, postgres_database

# A fast password hasher, so that the suite stays quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests read X-Page-Cache to see whether a page came from the cache.
PAGE_CACHE_HEADER = True

if "replica" not in DATABASES:
    # The test database again, read-only like a real standby, so that tests/community/test_replica.py
    # can switch the router on and see which connection each query used (and that no write reaches it).
    DATABASES["replica"] = postgres_database(DATABASE_URL, variable="DATABASE_URL")
    DATABASES["replica"]["OPTIONS"]["options"] += " -c default_transaction_read_only=on"
    # The replica is the test database itself: no second copy is created.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}

# The in-process copy of kept pages listens for committed versions on a connection of its own, which cannot see
# what a test's transaction wrote: tests of it run the portal in gunicorn processes (tests/test_page_copy.py).
PAGE_COPY_ENABLED = PARTS_COPY_ENABLED = False
SIGNED_IN_COPY_ENABLED = False  # the same holds for the copy of sessions and people (tests/test_page_copy.py)
