import django_filters

from dataproducts.models import Component, ComponentListing, Installation


class ListingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ComponentListing.Status.choices)
    kind = django_filters.ChoiceFilter(field_name="component__kind", choices=Component.Kind.choices)

    class Meta:
        model = ComponentListing
        fields = ["status", "kind"]


class InstallationFilter(django_filters.FilterSet):
    listing = django_filters.NumberFilter(field_name="listing")
    live = django_filters.BooleanFilter(field_name="uninstalled_at", lookup_expr="isnull", label="not uninstalled")

    class Meta:
        model = Installation
        fields = ["listing", "live"]
