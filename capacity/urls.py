from django.urls import path

from capacity import trial_views, views, work_order_views
from capacity.delivery_views import WorkOrderDeliveriesView

app_name = "capacity"
urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="projects"),
    path("projects/<int:pk>/", views.ProjectView.as_view(), name="project"),
    path("projects/<int:pk>/rfqs/new/", views.RfqCreateView.as_view(), name="rfq-new"),
    path("imports/<int:pk>/", views.BomImportView.as_view(), name="bom-import"),
    path("rfqs/", views.RfqListView.as_view(), name="rfqs"),
    path("rfqs/<int:pk>/", views.RfqView.as_view(), name="rfq"),
    path("quote/<int:pk>/", views.QuoteView.as_view(), name="quote"),
    path("purchase-orders/<int:pk>/", views.PurchaseOrderView.as_view(), name="purchase-order"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("suppliers/", views.SupplierDirectoryView.as_view(), name="suppliers"),
    path("work-orders/", work_order_views.WorkOrderListView.as_view(), name="work-orders"),
    path("work-orders/<int:pk>/", work_order_views.WorkOrderView.as_view(), name="work-order"),
    path("projects/<int:pk>/board/", views.ProjectBoardView.as_view(), name="project-board"),
    path("board-settings/", views.BoardSettingsView.as_view(), name="board-settings"),
    path("projects/<int:pk>/trials/", trial_views.ProjectTrialsView.as_view(), name="project-trials"),
    path("trials/<int:pk>/", trial_views.TrialView.as_view(), name="trial"),
    path("work-orders/<int:pk>/deliveries/", WorkOrderDeliveriesView.as_view(), name="work-order-deliveries"),
]
