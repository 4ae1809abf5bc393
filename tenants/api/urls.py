from django.urls import include, path
from rest_framework.routers import SimpleRouter

from tenants.api import views

router = SimpleRouter()
router.register("brains", views.BrainViewSet, basename="brain")
router.register("api-keys", views.ApiKeyViewSet, basename="api-key")

brain_router = SimpleRouter()
brain_router.register("processes", views.ProcessViewSet, basename="process")
brain_router.register("memberships", views.MembershipViewSet, basename="membership")
brain_router.register("notifications", views.NotificationViewSet, basename="notification")
brain_router.register("webhook-endpoints", views.WebhookEndpointViewSet, basename="webhook-endpoint")
brain_router.register("webhook-deliveries", views.WebhookDeliveryViewSet, basename="webhook-delivery")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("webhook-event-types/", views.WebhookEventTypeView.as_view(), name="webhook-event-types"),
    path("", include(router.urls)),
]
