from django.urls import path

from supplychain.views.group_buys import GroupBuyListView, GroupBuyNewView, GroupBuyView
from supplychain.views.reserves import ReserveCreateView, ReserveListView, ReserveView

# Pooled buying's pages, mounted at /b/<brain>/supply/ by config.urls.
app_name = "supplychain"
urlpatterns = [
    path("", GroupBuyListView.as_view(), name="group-buys"),
    path("new/", GroupBuyNewView.as_view(), name="group-buy-new"),
    path("<int:pk>/", GroupBuyView.as_view(), name="group-buy"),
]

# Joint reserves' pages, mounted at /b/<brain>/reserves/ by config.urls, in their own namespace ("reserves:list").
reserve_urlpatterns = ([
    path("", ReserveListView.as_view(), name="list"),
    path("new/", ReserveCreateView.as_view(), name="new"),
    path("<int:pk>/", ReserveView.as_view(), name="detail"),
], "reserves")
