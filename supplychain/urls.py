from django.urls import path

from supplychain import reserve_views, views

# Pooled buying's pages, mounted at /b/<brain>/supply/ by config.urls.
app_name = "supplychain"
urlpatterns = [
    path("", views.GroupBuyListView.as_view(), name="group-buys"),
    path("new/", views.GroupBuyNewView.as_view(), name="group-buy-new"),
    path("<int:pk>/", views.GroupBuyView.as_view(), name="group-buy"),
]

# Joint reserves' pages, mounted at /b/<brain>/reserves/ by config.urls, in their own namespace ("reserves:list").
reserve_urlpatterns = ([
    path("", reserve_views.ReserveListView.as_view(), name="list"),
    path("new/", reserve_views.ReserveCreateView.as_view(), name="new"),
    path("<int:pk>/", reserve_views.ReserveView.as_view(), name="detail"),
], "reserves")
