"""What the home page shows, gathered from every app and kept in the shared cache.

The sections are built in a few queries and kept for HOME_SECONDS, or until
anything they show changes (community/pagecache.py), so that a published
article or a claimed wish shows at once.
"""

from community import pagecache

HOME_KEY = "home:sections:html"
HOME_SECONDS = 300


def build():
    """The sections' data in two queries: the news, and everything else together."""
    from community.insight import impact_figures_query
    from community.models import Building, User
    from community.together import fetch_together, instances
    from news.models import Article
    from volunteers.models import Activity, Team, upcoming_for_home
    from wishes.models import Status, Wish

    found = fetch_together(
        impact=impact_figures_query(),
        activities=upcoming_for_home().values(
            "id", "title", "starts_at", "place", "status", "capacity", "signup_count", "team__name"
        ),
        open_wishes=Wish.objects.filter(status=Status.PUBLISHED)
        .order_by("-published_at")
        .values(
            "id",
            "title",
            "status",
            "category",
            "needed_by",
            "resident_name",
            "building__name",
            "owner__id",
            "owner__display_name",
        )[:3],
    )
    impact = found["impact"][0]
    return {
        "news": Article.objects.home_sections(),
        "activities": instances(Activity, found["activities"], team=Team),
        "open_wishes": instances(Wish, found["open_wishes"], building=Building, owner=User),
        "thanked_units": impact.pop("thanked_units") or [],
        "impact": impact,
    }


def sections():
    """The home page's sections as HTML, the same for everyone, rebuilt once anything they show has changed."""
    return pagecache.cached_html(HOME_KEY, pagecache.SECTIONS, "community/_home_sections.html", build, HOME_SECONDS)
