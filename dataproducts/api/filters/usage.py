"""List filters of usage records and statements."""

import django_filters

from dataproducts.models import UsageRecord, UsageStatement


class UsageRecordFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UsageRecord.Kind.choices)
    subscription = django_filters.NumberFilter(field_name="subscription")
    installation = django_filters.NumberFilter(field_name="installation")
    product = django_filters.NumberFilter(field_name="subscription__product")
    enterprise = django_filters.NumberFilter(field_name="enterprise")
    statement = django_filters.NumberFilter(field_name="statement")
    billed = django_filters.BooleanFilter(field_name="statement", lookup_expr="isnull", exclude=True)
    at_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="on or after")
    at_until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="on or before")

    class Meta:
        model = UsageRecord
        fields = ["kind", "subscription", "installation", "product", "enterprise", "statement", "billed", "at_from",
                  "at_until"]


class UsageStatementFilter(django_filters.FilterSet):
    month = django_filters.DateFilter(field_name="month", input_formats=["%Y-%m", "%Y-%m-%d"])
    enterprise = django_filters.NumberFilter(field_name="enterprise")

    class Meta:
        model = UsageStatement
        fields = ["month", "enterprise"]
