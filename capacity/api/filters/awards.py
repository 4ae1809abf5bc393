"""List filters of purchase orders."""

import django_filters

from capacity.models import PurchaseOrder


class PurchaseOrderFilter(django_filters.FilterSet):
    rfq = django_filters.NumberFilter(field_name="rfq")
    supplier = django_filters.NumberFilter(field_name="supplier")

    class Meta:
        model = PurchaseOrder
        fields = ["rfq", "supplier"]
