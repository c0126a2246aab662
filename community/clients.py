"""Who is asking: the client address, honouring only the proxies we trust."""

from django.conf import settings


def client_ip(request) -> str:
    """The client's IP address.

    With TRUSTED_PROXY_COUNT = n, the last n proxies in front of the portal
    each appended the address they saw to X-Forwarded-For, so the client is the
    n-th entry from the right. Entries further left are whatever the client
    sent and cannot be trusted. With n = 0 the header is ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
