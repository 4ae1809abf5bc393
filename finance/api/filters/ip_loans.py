"""List filters of IP-pledge loans and their documents."""

import django_filters

from finance.models import IpLoanApplication, IpLoanDocument


class IpLoanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=IpLoanApplication.Status.choices)
    applicant = django_filters.NumberFilter(field_name="applicant")
    bank = django_filters.NumberFilter(field_name="bank")
    patent = django_filters.CharFilter(field_name="pledges__patent_number", distinct=True,
                                       label="patent number pledged")

    class Meta:
        model = IpLoanApplication
        fields = ["status", "applicant", "bank", "patent"]


class IpLoanDocumentFilter(django_filters.FilterSet):
    application = django_filters.NumberFilter(field_name="application")

    class Meta:
        model = IpLoanDocument
        fields = ["application"]
