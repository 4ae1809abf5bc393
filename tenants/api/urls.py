from django.urls import include, path
from rest_framework.routers import SimpleRouter

from tenants.api.views.accounts import MeView
from tenants.api.views.api_keys import ApiKeyViewSet
from tenants.api.views.brains import BrainViewSet, ProcessViewSet
from tenants.api.views.memberships import MembershipViewSet
from tenants.api.views.notifications import NotificationViewSet
from tenants.api.views.webhooks import WebhookDeliveryViewSet, WebhookEndpointViewSet, WebhookEventTypeView

router = SimpleRouter()
router.register("brains", BrainViewSet, basename="brain")
router.register("api-keys", ApiKeyViewSet, basename="api-key")

brain_router = SimpleRouter()
brain_router.register("processes", ProcessViewSet, basename="process")
brain_router.register("memberships", MembershipViewSet, basename="membership")
brain_router.register("notifications", NotificationViewSet, basename="notification")
brain_router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
brain_router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("webhook-event-types/", WebhookEventTypeView.as_view(), name="webhook-event-types"),
    path("", include(router.urls)),
]
