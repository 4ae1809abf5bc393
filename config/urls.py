from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

import brain.api.urls
import brain.urls
import capacity.api.urls
import capacity.urls
import dataproducts.api.urls
import dataproducts.urls
import finance.api.urls
import finance.urls
import supplychain.api.urls
import supplychain.urls
import tenants.api.urls
import tenants.urls

# Every app adds its brain pages to `brain_pages` and its brain API to `brain_api`; the brain slug is
# resolved by tenants.middleware.BrainMiddleware before any view runs.
brain_pages = [*brain.urls.urlpatterns, *tenants.urls.brain_urlpatterns, path("capacity/", include(capacity.urls)),
               path("supply/", include(supplychain.urls)), path("finance/", include(finance.urls)), path("data/", include(dataproducts.urls)),
               path("reserves/", include(supplychain.urls.reserve_urlpatterns))]
brain_api_routers = [tenants.api.urls.brain_router, capacity.api.urls.router, supplychain.api.urls.router,
                     brain.api.urls.router,
                     finance.api.urls.router, dataproducts.api.urls.router]  # tests/test_cross_brain.py checks each has a case
brain_api = [url for router in brain_api_routers for url in router.urls]

urlpatterns = [
    path("", include(tenants.urls.urlpatterns)),
    path("b/<slug:brain_slug>/", include(brain_pages)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(tenants.api.urls.urlpatterns)),
    path("api/v1/brains/<slug:brain_slug>/", include(brain_api)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("admin/", admin.site.urls),
]

handler404 = "tenants.views.errors.not_found"
handler500 = "tenants.views.errors.server_error"
