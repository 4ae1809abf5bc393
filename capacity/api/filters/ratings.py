"""List filters of ratings."""

import django_filters
from django.utils.translation import gettext_lazy

from capacity.models import SupplierRating


class RatingFilter(django_filters.FilterSet):
    work_order = django_filters.NumberFilter(field_name="work_order")
    supplier = django_filters.NumberFilter(field_name="supplier", label=gettext_lazy("Supplier enterprise (its id)"))

    class Meta:
        model = SupplierRating
        fields = ["work_order", "supplier"]
