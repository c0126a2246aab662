from django.utils.functional import SimpleLazyObject

from community import dbrouter
from community.contributions import waiting_total
from community.notifications import unread_count
from community.pages import is_elderly, site_details


def site(request):
    """What every page shows: the community's details, the display mode, the unread count."""
    return {
        "community": site_details(),
        "elderly_mode": is_elderly(request),
        # The primary database is down: pages come from the replica and nothing can be changed (a banner says so).
        "read_only_mode": dbrouter.read_only(),
        "nav_section": _section(request),
        # Counted with the user (community/backends.py); shown in the header for people signed in.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(request.user)),
        # What waits for the person on 我的, kept per person until one of those queues changes.
        "waiting_count": SimpleLazyObject(lambda: waiting_total(request.user)),
    }


def _section(request):
    """Which main-navigation item the page belongs to: an app's namespace, or a page name."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    return match.namespace or match.url_name or ""
