from django.urls import path

from capacity.views import awards, board, deliveries, profiles, projects, rfqs, trials, work_orders

app_name = "capacity"
urlpatterns = [
    path("projects/", projects.ProjectListView.as_view(), name="projects"),
    path("projects/<int:pk>/", projects.ProjectView.as_view(), name="project"),
    path("projects/<int:pk>/rfqs/new/", rfqs.RfqCreateView.as_view(), name="rfq-new"),
    path("imports/<int:pk>/", projects.BomImportView.as_view(), name="bom-import"),
    path("rfqs/", rfqs.RfqListView.as_view(), name="rfqs"),
    path("rfqs/<int:pk>/", rfqs.RfqView.as_view(), name="rfq"),
    path("quote/<int:pk>/", rfqs.QuoteView.as_view(), name="quote"),
    path("purchase-orders/<int:pk>/", awards.PurchaseOrderView.as_view(), name="purchase-order"),
    path("profile/", profiles.ProfileView.as_view(), name="profile"),
    path("suppliers/", profiles.SupplierDirectoryView.as_view(), name="suppliers"),
    path("work-orders/", work_orders.WorkOrderListView.as_view(), name="work-orders"),
    path("work-orders/<int:pk>/", work_orders.WorkOrderView.as_view(), name="work-order"),
    path("projects/<int:pk>/board/", board.ProjectBoardView.as_view(), name="project-board"),
    path("board-settings/", board.BoardSettingsView.as_view(), name="board-settings"),
    path("projects/<int:pk>/trials/", trials.ProjectTrialsView.as_view(), name="project-trials"),
    path("trials/<int:pk>/", trials.TrialView.as_view(), name="trial"),
    path("work-orders/<int:pk>/deliveries/", deliveries.WorkOrderDeliveriesView.as_view(), name="work-order-deliveries"),
]
