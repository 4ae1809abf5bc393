"""Identity and tenancy: users, enterprises (global), brains (tenants) and what lives inside a brain. One module per
concept; every model is re-exported here, so the app label, `tenants.User` and the migrations do not depend on where
a model is written."""

from tenants.models.accounts import User, mobile_validator
from tenants.models.api_keys import ApiCall, ApiKey, RateLimitChange
from tenants.models.base import Bilingual, ChangeTracked
from tenants.models.brains import Brain, BrainOwned, BrainQuerySet, Counter, Process, slug_validator
from tenants.models.enterprises import Enterprise, region_validator, validate_credit_code
from tenants.models.idempotency import IdempotencyRecord
from tenants.models.memberships import Membership
from tenants.models.notifications import NOTIFICATION_TITLES, Notification
from tenants.models.outbox import OutboxEvent
from tenants.models.staff import BrainStaff
from tenants.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "NOTIFICATION_TITLES", "ApiCall", "ApiKey", "Bilingual", "Brain", "BrainOwned", "BrainQuerySet", "BrainStaff",
    "ChangeTracked", "Counter", "Enterprise", "IdempotencyRecord", "Membership", "Notification", "OutboxEvent",
    "Process", "RateLimitChange", "User", "WebhookAttempt", "WebhookDelivery", "WebhookEndpoint", "mobile_validator",
    "region_validator", "slug_validator", "validate_credit_code",
]
