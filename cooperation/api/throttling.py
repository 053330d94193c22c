"""Anonymous rate limit of the API, per client address."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from ..security import client_address


class ClientAddressThrottle(AnonRateThrottle):
    """settings.API_RATE requests (e.g. "600/hour") per client address, as
    ``security.client_address`` decides it (behind DJANGO_TRUSTED_PROXIES,
    the visitor's own address, not the proxy's). Counted in the default
    cache, which Redis shares between workers when REDIS_URL is set. Over
    the limit the answer is 429 with Retry-After (rest_framework)."""

    scope = "api"

    def get_rate(self) -> str | None:
        # Read per request (not once at import as rest_framework does), so
        # that a changed setting applies at once; None: no limit.
        return settings.API_RATE

    def get_ident(self, request) -> str:
        return client_address(request)
