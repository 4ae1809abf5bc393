"""List filters of access requests and subscriptions."""

import django_filters

from dataproducts.models import AccessRequest, Subscription


class AccessRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AccessRequest.Status.choices)
    product = django_filters.NumberFilter(field_name="product")

    class Meta:
        model = AccessRequest
        fields = ["status", "product"]


class SubscriptionFilter(django_filters.FilterSet):
    product = django_filters.NumberFilter(field_name="product")
    revoked = django_filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Subscription
        fields = ["product", "revoked"]
