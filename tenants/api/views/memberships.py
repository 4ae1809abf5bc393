"""Memberships: an enterprise applies to join a brain; operators admit, reject, suspend, reinstate and verify."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from tenants.api.base import BrainScopedViewSet
from tenants.api.serializers.memberships import MembershipDecisionSerializer, MembershipSerializer
from tenants.errors import NotAllowed
from tenants.models import Membership
from tenants.selectors.memberships import membership_list
from tenants.services import memberships


class MembershipViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Members of the brain. Operators see every application; members see active members."""

    queryset = Membership.objects.all()
    selector = membership_list
    serializer_class = MembershipSerializer
    filterset_fields = ["status"]
    open_to_non_members = ("create",)  # an enterprise applies before it is a member

    @extend_schema(request=MembershipSerializer, responses={201: MembershipSerializer})
    def create(self, request, brain_slug=None):
        """Apply to join this brain (enterprise administrators)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if request.user.enterprise is None:
            raise NotAllowed(_("Only an administrator of the enterprise may apply for it."))
        membership = memberships.membership_apply(
            brain=request.brain, enterprise=request.user.enterprise, by=request.user,
            roles=serializer.validated_data["roles"], note=serializer.validated_data.get("note", ""),
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    def _decide(self, decision):
        serializer = MembershipDecisionSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        membership = memberships.membership_decide(
            membership=self.get_object(), decision=decision, note=serializer.validated_data["note"],
            by=self.request.user,
        )
        return Response(self.get_serializer(membership).data)

    @extend_schema(request=MembershipDecisionSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def admit(self, request, brain_slug=None, pk=None):
        return self._decide("admit")

    @extend_schema(request=MembershipDecisionSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, brain_slug=None, pk=None):
        return self._decide("reject")

    @extend_schema(request=MembershipDecisionSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, brain_slug=None, pk=None):
        return self._decide("suspend")

    @extend_schema(request=MembershipDecisionSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, brain_slug=None, pk=None):
        return self._decide("reinstate")

    @extend_schema(request=None, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, brain_slug=None, pk=None):
        membership = self.get_object()
        memberships.enterprise_verify(membership=membership, by=request.user)
        membership.enterprise.refresh_from_db()
        return Response(self.get_serializer(membership).data)
