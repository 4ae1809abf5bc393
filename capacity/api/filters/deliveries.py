"""List filters of deliveries and delivered lines."""

import django_filters
from django.utils.translation import gettext_lazy

from capacity.models import Delivery, DeliveryLine


class DeliveryFilter(django_filters.FilterSet):
    work_order = django_filters.NumberFilter(field_name="work_order")

    class Meta:
        model = Delivery
        fields = ["work_order"]


class DeliveryLineFilter(django_filters.FilterSet):
    work_order = django_filters.NumberFilter(field_name="delivery__work_order")
    delivery = django_filters.NumberFilter(field_name="delivery")
    line = django_filters.NumberFilter(field_name="line", label=gettext_lazy("Work-order line (its id)"))
    outcome = django_filters.ChoiceFilter(choices=DeliveryLine.Outcome.choices)

    class Meta:
        model = DeliveryLine
        fields = ["work_order", "delivery", "line", "outcome"]
