from django.urls import path

from supplychain import views

app_name = "supplychain"
urlpatterns = [
    path("", views.GroupBuyListView.as_view(), name="group-buys"),
    path("new/", views.GroupBuyNewView.as_view(), name="group-buy-new"),
    path("<int:pk>/", views.GroupBuyView.as_view(), name="group-buy"),
]
