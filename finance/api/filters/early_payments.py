"""List filters of early payments."""

import django_filters

from finance.models import EarlyPayment


class EarlyPaymentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EarlyPayment.Kind.choices)
    payer = django_filters.NumberFilter(field_name="payer")
    settled = django_filters.BooleanFilter(field_name="settled_on", lookup_expr="isnull", exclude=True)
    matures_before = django_filters.DateFilter(field_name="matures_on", lookup_expr="lte")

    class Meta:
        model = EarlyPayment
        fields = ["kind", "payer", "settled", "matures_before"]
