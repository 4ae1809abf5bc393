"""The site's 404 and 500 pages (config.urls' handlers): JSON in the API's error format under /api/, a page
elsewhere."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def not_found(request, exception=None):
    """404 for the whole site: JSON in the API's error format under /api/, a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": _("Not found."), "fields": {}}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "server_error", "detail": _("Something went wrong on our side."), "fields": {}}, status=500
        )
    return render(request, "500.html", status=500)
