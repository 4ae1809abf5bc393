"""Access requests and subscriptions over the API: a member asks (purpose, days) and may withdraw; operators
approve (granting the subscription: send an Idempotency-Key) or decline with a reason, and revoke subscriptions.
Each answer carries its audit trail."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action

from dataproducts.api.filters.access_requests import AccessRequestFilter, SubscriptionFilter
from dataproducts.api.serializers.access_requests import (
    AccessDecisionSerializer,
    AccessRequestDetailSerializer,
    AccessRequestMakeSerializer,
    AccessRequestSerializer,
    SubscriptionDetailSerializer,
    SubscriptionSerializer,
)
from dataproducts.models import AccessRequest, Subscription
from dataproducts.selectors.subscriptions import access_request_list, readable_product_list, subscription_list
from dataproducts.services import access_requests, subscriptions
from tenants.api.base import BrainScopedViewSet


class AccessRequestViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Requests for access to products: your enterprise's (operators: the brain's queue)."""

    queryset = AccessRequest.objects.all()
    selector = access_request_list
    serializer_class = AccessRequestSerializer
    filterset_class = AccessRequestFilter

    def get_serializer_class(self):
        return AccessRequestDetailSerializer if self.action != "list" else AccessRequestSerializer

    @extend_schema(request=AccessRequestMakeSerializer, responses={201: AccessRequestDetailSerializer})
    def create(self, request, brain_slug=None):
        """A member asks for access to a product on request or a paid one (open products need none). 400 `pending`
        while one of its requests for the product waits."""
        data = self.valid(AccessRequestMakeSerializer)
        product = get_object_or_404(readable_product_list(brain=request.brain, viewer=self.access),
                                    pk=data.pop("product"))
        made = access_requests.access_request_make(product=product, by=request.user, **data)
        return self.fresh(made, status.HTTP_201_CREATED)

    @extend_schema(request=AccessDecisionSerializer, responses=AccessRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, brain_slug=None, pk=None):
        """An operator approves: the subscription is granted at once, at today's prices (send an
        Idempotency-Key: a retry must not grant twice)."""
        note = self.valid(AccessDecisionSerializer)["reason"]
        return self.fresh(access_requests.access_request_approve(request=self.get_object(), by=request.user,
                                                                 note=note))

    @extend_schema(request=AccessDecisionSerializer, responses=AccessRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, brain_slug=None, pk=None):
        """An operator declines, with the reason the member reads (required)."""
        return self.fresh(access_requests.access_request_decline(request=self.get_object(), by=request.user,
                                                                 **self.valid(AccessDecisionSerializer)))

    @extend_schema(request=None, responses=AccessRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, brain_slug=None, pk=None):
        """The requesting enterprise withdraws its request while it waits."""
        return self.fresh(access_requests.access_request_withdraw(request=self.get_object(), by=request.user))


class SubscriptionViewSet(BrainScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Subscriptions to products: your enterprise's (operators: the brain's), with the prices agreed."""

    queryset = Subscription.objects.all()
    selector = subscription_list
    serializer_class = SubscriptionSerializer
    filterset_class = SubscriptionFilter

    def get_serializer_class(self):
        return SubscriptionDetailSerializer if self.action != "list" else SubscriptionSerializer

    @extend_schema(request=AccessDecisionSerializer, responses=SubscriptionDetailSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, brain_slug=None, pk=None):
        """An operator ends a subscription now, with the reason the member reads (required): reads stop at once."""
        return self.fresh(subscriptions.subscription_revoke(subscription=self.get_object(), by=request.user,
                                                            **self.valid(AccessDecisionSerializer)))
