"""List filters of credit lines, financing requests and quotes."""

import django_filters

from finance.models import CreditLine, FinancingQuote, FinancingRequest


class CreditLineFilter(django_filters.FilterSet):
    buyer = django_filters.NumberFilter(field_name="buyer")

    class Meta:
        model = CreditLine
        fields = ["buyer"]


class FinancingRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FinancingRequest.Status.choices)

    class Meta:
        model = FinancingRequest
        fields = ["status"]


class FinancingQuoteFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FinancingQuote.Status.choices)
    request = django_filters.NumberFilter(field_name="request")

    class Meta:
        model = FinancingQuote
        fields = ["status", "request"]
