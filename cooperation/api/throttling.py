"""Anonymous rate limit of the API, per client address."""

import math
import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from ..caching import count_and_get_many
from ..security import client_address


class ClientAddressThrottle(BaseThrottle):
    """settings.API_RATE requests (e.g. "600/hour") per client address, as
    ``security.client_address`` decides it (behind DJANGO_TRUSTED_PROXIES,
    the visitor's own address, not the proxy's), in fixed windows of the
    rate's period (the hour, from the clock's full hour). Counted in the
    default cache, which Redis shares between workers when REDIS_URL is set,
    with one count per request (a counter per address and window, not
    rest_framework's list of every request's time, read and written back
    each time), in the same cache operation as what the view reads first
    (``caching.count_and_get_many``). Over the limit the answer is 429 with
    Retry-After: the seconds until the window ends (rest_framework)."""

    def allow_request(self, request, view) -> bool:
        # Read per request (not once at import as rest_framework does), so
        # that a changed setting applies at once; None: no limit.
        rate = settings.API_RATE
        if rate is None:
            return True
        # rest_framework's reading of "600/hour" (it uses nothing of self).
        allowed, period = SimpleRateThrottle.parse_rate(None, rate)
        now = time.time()
        window = int(now // period)
        self.wait_seconds = (window + 1) * period - now
        key = f"api:throttle:{client_address(request)}:{period}:{window}"
        # What the view will read from the cache, read with the count: one
        # round trip with Redis (PublicApiView.keys_read_with_throttle).
        reading = getattr(view, "keys_read_with_throttle", None)
        keys = reading(request) if reading is not None else []
        count, found = count_and_get_many(key, period + 1, keys)
        if keys:
            view.read_with_throttle = found
        return count <= allowed

    def wait(self) -> float:
        return max(1, math.ceil(self.wait_seconds))
