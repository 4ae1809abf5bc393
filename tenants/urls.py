from django.contrib.auth import views as auth_views
from django.urls import path

from tenants import views, webhook_views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("console/", views.ConsoleView.as_view(), name="console"),
    path("account/api-keys/", views.ApiKeysView.as_view(), name="api-keys"),
]

brain_urlpatterns = [
    path("join/", views.JoinView.as_view(), name="brain-join"),
    path("operator/members/", views.OperatorMembersView.as_view(), name="operator-members"),
    path("notifications/", views.NotificationsView.as_view(), name="notifications"),
    path("notifications/unread/", views.UnreadCountView.as_view(), name="notifications-unread"),
    path("webhooks/", webhook_views.WebhookEndpointsView.as_view(), name="webhooks"),
    path("webhooks/<int:pk>/", webhook_views.WebhookEndpointView.as_view(), name="webhook-endpoint"),
]
