"""Per-key rate limits: a fixed one-minute window counted in Redis (atomic INCR), 429 with Retry-After."""

import math
import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from tenants.models import ApiKey

WINDOW = 60


class ApiKeyRateThrottle(BaseThrottle):
    """Each API key has its own limit (ApiKey.rate_limit_per_minute); people on the web are not limited here."""

    def allow_request(self, request, view):
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True
        now = time.time()
        window = int(now // WINDOW)
        counter = f"throttle:api-key:{api_key.pk}:{window}"
        cache.add(counter, 0, timeout=WINDOW + 5)
        count = cache.incr(counter)
        self.retry_after = WINDOW - (now % WINDOW)
        return count <= api_key.rate_limit_per_minute

    def wait(self):
        return math.ceil(self.retry_after)
