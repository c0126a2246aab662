"""What the home page shows, gathered from every app and kept in the shared cache.

The sections are built in a few queries and kept for HOME_SECONDS, or until
anything they show changes (community/pagecache.py), so that a published
article or a claimed wish shows at once.
"""

from django.template.loader import render_to_string

from community import pagecache

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
    """The home page's sections as HTML, the same for everyone, rebuilt once anything they show has changed."""
    return pagecache.cached(
        HOME_KEY, pagecache.SECTIONS, lambda: render_to_string("community/_home_sections.html", build()), HOME_SECONDS
    )
