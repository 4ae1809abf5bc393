
app_name = "dataproducts"
# Pages under /b/<slug>/data/. One block per concept; each concept's views module adds its own paths.
urlpatterns: list = []

# --- products, revisions, consents (catalogue pages, revision pages, what my data fed) ---------------------
from django.urls import path  # noqa: E402

from dataproducts.views import consents as consent_views  # noqa: E402
from dataproducts.views import products as product_views  # noqa: E402
from dataproducts.views import revisions as revision_views  # noqa: E402

urlpatterns += [
    path("", product_views.CatalogueView.as_view(), name="products"),
    path("products/<int:pk>/", product_views.ProductView.as_view(), name="product"),
    path("revisions/<int:pk>/", revision_views.RevisionView.as_view(), name="revision"),
    path("settings/", product_views.SettingsView.as_view(), name="privacy-settings"),
    path("contributions/", consent_views.ContributionsView.as_view(), name="contributions"),
]

# --- access requests, subscriptions, downloads ----------------------------------------------------------
from django.urls import path

from dataproducts.views import access_requests as access_views

urlpatterns += [
    path("access/", access_views.AccessListView.as_view(), name="access"),
    path("access/requests/<int:pk>/", access_views.AccessRequestView.as_view(), name="access-request"),
    path("access/subscriptions/<int:pk>/", access_views.SubscriptionView.as_view(), name="subscription"),
    path("products/<int:pk>/access/", access_views.ProductAccessView.as_view(), name="product-access"),
    path("products/<int:pk>/download.<str:kind>", access_views.DownloadView.as_view(), name="download"),
]

# --- usage and statements -------------------------------------------------------------------------------
from dataproducts.views import usage as usage_views  # noqa: E402

urlpatterns += [
    path("usage/", usage_views.UsageView.as_view(), name="usage"),
    path("usage/statements/<int:pk>/", usage_views.UsageStatementView.as_view(), name="usage-statement"),
]

# --- capability centre (components, listings, installations, ratings) -----------------------------------
from dataproducts.views import components as component_views  # noqa: E402

urlpatterns += [
    path("capability/", component_views.CapabilityCentreView.as_view(), name="components"),
    path("capability/new/", component_views.ComponentSubmitView.as_view(), name="component-new"),
    path("capability/review/", component_views.ReviewQueueView.as_view(), name="component-review"),
    path("capability/elsewhere/", component_views.OfferedElsewhereView.as_view(), name="components-elsewhere"),
    path("capability/installations/", component_views.InstallationListView.as_view(), name="installations"),
    path("capability/<int:pk>/", component_views.ComponentView.as_view(), name="component"),
    path("capability/<int:pk>/open/", component_views.ComponentOpenView.as_view(), name="component-open"),
]
