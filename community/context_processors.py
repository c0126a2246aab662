from django.conf import settings
from django.utils.functional import SimpleLazyObject

from community.notifications import unread_count
from community.views import ELDERLY_COOKIE


def site(request):
    """What every page shows: the community's details, the display mode, the unread count."""
    return {
        "community": {
            "name": settings.COMMUNITY_NAME,
            "address": settings.COMMUNITY_ADDRESS,
            "phone": settings.COMMUNITY_PHONE,
            "office_hours": settings.COMMUNITY_OFFICE_HOURS,
            "icp_number": settings.ICP_NUMBER,
            "psb_number": settings.PSB_NUMBER,
        },
        "elderly_mode": request.COOKIES.get(ELDERLY_COOKIE) == "1",
        "nav_section": _section(request),
        # One query, and only on pages that show it (the header does, for people signed in).
        "unread_notifications": SimpleLazyObject(lambda: unread_count(request.user)),
    }


def _section(request):
    """Which main-navigation item the page belongs to: an app's namespace, or a page name."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    return match.namespace or match.url_name or ""
