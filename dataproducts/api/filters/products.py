"""List filters of the catalogue, revisions, contributions and opt-outs."""

import django_filters

from dataproducts.models import Contribution, DataProduct, OptOut, Revision


class DataProductFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DataProduct.Status.choices)
    access = django_filters.ChoiceFilter(choices=DataProduct.Access.choices)
    definition = django_filters.CharFilter()

    class Meta:
        model = DataProduct
        fields = ["status", "access", "definition"]


class RevisionFilter(django_filters.FilterSet):
    product = django_filters.NumberFilter(field_name="product")
    status = django_filters.ChoiceFilter(choices=Revision.Status.choices)

    class Meta:
        model = Revision
        fields = ["product", "status"]


class ContributionFilter(django_filters.FilterSet):
    product = django_filters.NumberFilter(field_name="revision__product")
    revision = django_filters.NumberFilter(field_name="revision")

    class Meta:
        model = Contribution
        fields = ["product", "revision"]


class OptOutFilter(django_filters.FilterSet):
    product = django_filters.NumberFilter(field_name="product")

    class Meta:
        model = OptOut
        fields = ["product"]
