"""The portal's settings, plus the benchmark's "ceiling" page.

``make bench`` serves the portal with these settings, so that the ceiling
(bench/urls.py) runs behind exactly the middleware every page runs behind,
while the portal's own URLconf never carries it. Everything else, including
DEBUG=0 and the other production settings, comes from the environment that
``python -m bench.environment`` writes.
"""

from community.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
# The search latency run sends 150 distinct searches from one address in a few seconds: counted as always
# (the limit's query is part of what a search costs), never refused.
RATE_LIMITS = {**RATE_LIMITS, "search": {"client": "1000000/m"}}  # noqa: F405
