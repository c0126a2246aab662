from django.conf import settings

from community.views import ELDERLY_COOKIE


def site(request):
    """What every page shows: the community's details and the display mode. No queries."""
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
    }


def _section(request):
    """Which main-navigation item the page belongs to: an app's namespace, or a page name."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    return match.namespace or match.url_name or ""
