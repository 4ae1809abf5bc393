"""List filters of supplier profiles."""

import django_filters
from django.utils.translation import gettext_lazy as _

from capacity.models import SupplierProfile


class SupplierProfileFilter(django_filters.FilterSet):
    process = django_filters.CharFilter(field_name="capacities__process__code", lookup_expr="iexact",
                                        label=_("Offers this process (code)"))
    material = django_filters.CharFilter(method="filter_material", label=_("Handles this material"))

    class Meta:
        model = SupplierProfile
        fields = ["process", "material", "region_code"]

    def filter_material(self, queryset, name, value):
        return queryset.filter(materials__contains=[value.strip().upper()])
