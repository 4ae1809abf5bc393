"""Pages of joint reserves, mounted at /b/<brain>/reserves/ by config.urls."""

from django.urls import path

from supplychain import reserve_views as views

app_name = "reserves"
urlpatterns = [
    path("", views.ReserveListView.as_view(), name="list"),
    path("new/", views.ReserveCreateView.as_view(), name="new"),
    path("<int:pk>/", views.ReserveView.as_view(), name="detail"),
]
