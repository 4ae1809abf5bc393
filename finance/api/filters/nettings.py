"""List filters of nettings, positions and netted payables."""

import django_filters

from finance.models import Netting, NettingLeg, NettingParty


class NettingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Netting.Status.choices)
    due_from = django_filters.DateFilter(field_name="window_to", lookup_expr="gte", label="window ends on or after")
    due_until = django_filters.DateFilter(field_name="window_from", lookup_expr="lte",
                                          label="window starts on or before")

    class Meta:
        model = Netting
        fields = ["status", "due_from", "due_until"]


class NettingPositionFilter(django_filters.FilterSet):
    netting = django_filters.NumberFilter(field_name="netting")
    decision = django_filters.ChoiceFilter(choices=NettingParty.Decision.choices)

    class Meta:
        model = NettingParty
        fields = ["netting", "decision"]


class NettingLegFilter(django_filters.FilterSet):
    netting = django_filters.NumberFilter(field_name="netting")
    payable = django_filters.NumberFilter(field_name="payable")

    class Meta:
        model = NettingLeg
        fields = ["netting", "payable"]
