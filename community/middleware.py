"""Site-wide middleware: security headers, the database-outage page, staff session expiry."""

import logging
import time

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.db import InterfaceError, OperationalError

from community import dbrouter
from community.pages import database_unavailable_response

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, relaxed for styles only inside the Django admin.

    The admin's own templates and its rich-text editor set inline style
    attributes; the public site does not, so it keeps ``style-src 'self'``.
    Scripts stay strict everywhere: 'self' plus a per-request nonce.
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith("/admin/"):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts


class PermissionsPolicyMiddleware:
    """Deny powerful browser features the portal never uses (camera, microphone, location …)."""

    POLICY = ", ".join(
        f"{feature}=()"
        for feature in (
            "camera",
            "microphone",
            "geolocation",
            "payment",
            "usb",
            "serial",
            "magnetometer",
            "gyroscope",
            "accelerometer",
            "display-capture",
        )
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class DatabaseOutageMiddleware:
    """While PostgreSQL is unreachable, every page answers a friendly 503 with Retry-After.

    Connections fail within DB_CONNECT_TIMEOUT, so no worker hangs; when the
    database is back, the next request reconnects (no restart needed).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.warning("Database unavailable: %s", exception.__class__.__name__)
            return database_unavailable_response(request)
        return None


class PrivatePagesMiddleware:
    """A signed-in person's pages carry ``Cache-Control: private, no-store``: they may show contact details
    (a claimed wish, the call list) that no proxy, shared computer or back button should keep."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # A response that says how it may be kept (a private photo, a download) keeps its own words.
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "private, no-store"
        return response


class StaffSessionTimeoutMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request (residents' do not).

    The expiry slides forward at most once a minute, so that a staff member's
    every page view does not also write their session.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Read-only (the primary is down): the session cannot be written; the expiry slides on later.
        if user is not None and user.is_authenticated and user.is_staff and not dbrouter.read_only():
            now = int(time.time())
            if now - request.session.get("_staff_seen", 0) >= self.REFRESH_SECONDS:
                request.session["_staff_seen"] = now
                request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)
