from django.contrib.auth import views as auth_views
from django.urls import path

from tenants.views import accounts, api_keys, console, memberships, notifications, webhooks

urlpatterns = [
    path("", accounts.HomeView.as_view(), name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("console/", console.ConsoleView.as_view(), name="console"),
    path("account/api-keys/", api_keys.ApiKeysView.as_view(), name="api-keys"),
]

brain_urlpatterns = [
    path("join/", memberships.JoinView.as_view(), name="brain-join"),
    path("operator/members/", memberships.OperatorMembersView.as_view(), name="operator-members"),
    path("notifications/", notifications.NotificationsView.as_view(), name="notifications"),
    path("notifications/unread/", notifications.UnreadCountView.as_view(), name="notifications-unread"),
    path("webhooks/", webhooks.WebhookEndpointsView.as_view(), name="webhooks"),
    path("webhooks/<int:pk>/", webhooks.WebhookEndpointView.as_view(), name="webhook-endpoint"),
]
