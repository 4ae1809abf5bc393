"""Per-key rate limits: a fixed one-minute window counted in Redis (atomic INCR), 429 with Retry-After."""

import logging
import math
import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from tenants.models import ApiKey

WINDOW = 60
logger = logging.getLogger("industry_brain.api")


class ApiKeyRateThrottle(BaseThrottle):
    """Each API key has its own limit (ApiKey.rate_limit_per_minute); people on the web are not limited here."""

    def allow_request(self, request, view):
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True
        now = time.time()
        window = int(now // WINDOW)
        counter = f"throttle:api-key:{api_key.pk}:{window}"
        try:
            cache.add(counter, 0, timeout=WINDOW + 5)
            count = cache.incr(counter)
        except Exception as error:  # Redis down: serve rather than fail every machine client
            logger.warning("rate limit not counted: %s", error)
            return True
        self.retry_after = WINDOW - (now % WINDOW)
        return count <= api_key.rate_limit_per_minute

    def wait(self):
        return math.ceil(self.retry_after)
