"""Site-wide middleware."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts


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
