"""Change requests over the API: the work order's buyer and supplier."""


from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action

from capacity.api.filters.change_requests import ChangeRequestFilter
from capacity.api.serializers.change_requests import (
    ChangeDecisionSerializer, ChangeRequestCreateSerializer, ChangeRequestSerializer,
)
from capacity.models import ChangeRequest
from capacity.selectors.change_requests import change_request_list
from capacity.selectors.work_orders import work_order_line_list
from capacity.services import change_requests
from tenants.api.base import BrainScopedViewSet
from tenants.errors import DomainError


@extend_schema_view(
    list=extend_schema(description="Change requests on lines of work orders you buy or make, newest first: "
                                   "each line's history of changes."),
)
class ChangeRequestViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Changes of a line's due date or quantity after award: one side asks, the other accepts or rejects,
    the asking side may withdraw while it waits."""

    queryset = ChangeRequest.objects.all()
    selector = change_request_list
    serializer_class = ChangeRequestSerializer
    filterset_class = ChangeRequestFilter

    @extend_schema(request=ChangeRequestCreateSerializer, responses={201: ChangeRequestSerializer})
    def create(self, request, brain_slug=None):
        """Ask for a new due date, a new quantity, or both, with a reason. The side (buyer or supplier) is
        yours on the line's work order; at most one request per line waits at a time (code change_pending)."""
        data = dict(self.valid(ChangeRequestCreateSerializer))
        line = (work_order_line_list(brain=request.brain, viewer=self.access)
                .filter(pk=data.pop("line")).first())
        if line is None:
            raise DomainError(_("No such line on your work orders."), field="line")
        return self.fresh(change_requests.change_request_ask(line=line, by=request.user, **data),
                          status.HTTP_201_CREATED)

    @extend_schema(request=ChangeDecisionSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, brain_slug=None, pk=None):
        """The other side agrees: the line takes the new values; the request keeps the old ones."""
        return self.fresh(change_requests.change_request_accept(
            change=self.get_object(), by=request.user, **self.valid(ChangeDecisionSerializer)))

    @extend_schema(request=ChangeDecisionSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, brain_slug=None, pk=None):
        """The other side refuses, saying why (response required)."""
        return self.fresh(change_requests.change_request_reject(
            change=self.get_object(), by=request.user, **self.valid(ChangeDecisionSerializer)))

    @extend_schema(request=None, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """The asking side takes its request back before it is decided."""
        return self.fresh(change_requests.change_request_withdraw(change=self.get_object(), by=request.user))
