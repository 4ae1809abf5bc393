"""List filters of certificates and transfers."""

import django_filters

from finance.models import Certificate, CertificateTransfer


class CertificateFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Certificate.Status.choices)
    payable = django_filters.NumberFilter(field_name="payable")
    holder = django_filters.NumberFilter(field_name="holder")
    live = django_filters.BooleanFilter(method="filter_live", label="live")

    class Meta:
        model = Certificate
        fields = ["status", "payable", "holder", "live"]

    def filter_live(self, queryset, name, value):
        """Not split (true), or split only (false)."""
        split = queryset.filter(status=Certificate.Status.SPLIT)
        return queryset.exclude(pk__in=split) if value else split


class CertificateTransferFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(choices=CertificateTransfer.Outcome.choices)
    certificate = django_filters.NumberFilter(field_name="certificate")

    class Meta:
        model = CertificateTransfer
        fields = ["outcome", "certificate"]
