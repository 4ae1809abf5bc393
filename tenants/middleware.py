"""Resolve the brain named in the URL and run the rest of the request in its tenant context."""

import re

from django.db import connection, transaction
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from tenants.context import set_context
from tenants.models import ApiCall, Brain

# /b/<slug>/… (web), /api/v1/brains/<slug>/… (API), /ws/b/<slug>/… (WebSocket, see consumers)
BRAIN_IN_PATH = re.compile(r"^/(?:b|api/v1/brains)/(?P<slug>[^/]+)/")


class BrainMiddleware:
    """Opens the request's transaction and sets the tenant context in it.

    The whole view runs inside, so `set_config(..., true)` covers every query it makes. Membership is
    checked by the base views (tenants.views.base.BrainView, tenants.api.base.BrainScopedViewSet), which
    know the authenticated user also for API keys.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.brain = None
        match = BRAIN_IN_PATH.match(request.path_info)
        with transaction.atomic():
            user = request.user
            identity = {"user_id": user.pk, "enterprise_id": user.enterprise_id} if user.is_authenticated else {}
            if match:
                request.brain = Brain.objects.filter(slug=match["slug"]).first()
                if request.brain is None:
                    if request.path_info.startswith("/api/"):
                        return JsonResponse(
                            {"code": "not_found", "detail": _("Not found."), "fields": {}}, status=404
                        )
                    raise Http404(_("No such brain."))
                set_context(brain_id=request.brain.pk, **identity)
            elif identity:
                set_context(**identity)
            response = self.get_response(request)
            # Leave no context behind for whatever shares this transaction (in tests, the test's own).
            if not connection.needs_rollback and (match or identity):
                set_context(brain_id=None, user_id=None, enterprise_id=None)
            return response


class ApiAuditMiddleware:
    """Records every write made with an API key (who, which brain, what, the outcome), after the request's
    transaction has ended, so that refused and rolled-back attempts are kept as well."""

    SAFE = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        api_key = getattr(request, "api_key", None)
        if api_key is not None and request.method not in self.SAFE:
            brain = getattr(request, "brain", None)
            ApiCall.objects.create(
                api_key=api_key, brain_slug=brain.slug if brain else "", method=request.method, path=request.path[:300],
                status_code=response.status_code, idempotency_key=getattr(request, "idempotency_key", ""),
                replayed=getattr(request, "idempotent_replay", False))
        return response
