"""List filters of payables."""

import django_filters

from finance.models import Payable


class PayableFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Payable.Status.choices)
    debtor = django_filters.NumberFilter(field_name="debtor")
    creditor = django_filters.NumberFilter(field_name="creditor")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    beyond_legal_terms = django_filters.BooleanFilter()

    class Meta:
        model = Payable
        fields = ["status", "debtor", "creditor", "due_before", "due_after", "beyond_legal_terms"]
