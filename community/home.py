"""What the home page shows, gathered from every app and kept in the shared cache.

The sections are built in a few queries and cached for HOME_SECONDS; a change
that must show at once (an article saved, a wish moving on, a sign-up) drops
the cached copy after its transaction commits, so the next visitor rebuilds it.
"""

from django.core.cache import cache
from django.db import transaction

HOME_KEY = "home:sections"
HOME_SECONDS = 300


def build():
    from community.insight import count_impact_figures
    from news.models import Article
    from volunteers.models import upcoming_for_home
    from wishes.models import Status, Wish

    impact = count_impact_figures()
    return {
        "news": Article.objects.home_sections(),
        "activities": upcoming_for_home(),
        "open_wishes": list(Wish.objects.filter(status=Status.PUBLISHED).for_wall().order_by("-published_at")[:3]),
        "thanked_units": impact.pop("thanked_units") or [],
        "impact": impact,
    }


def sections():
    data = cache.get(HOME_KEY)
    if data is None:
        data = build()
        cache.set(HOME_KEY, data, HOME_SECONDS)
    return data


def forget():
    """Drop the cached home page once the current transaction commits."""
    transaction.on_commit(lambda: cache.delete(HOME_KEY))
