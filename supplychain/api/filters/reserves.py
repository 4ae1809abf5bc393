"""List filters of the joint-reserve API (django-filter). They narrow what the caller may already see."""

import django_filters
from django.utils.translation import gettext_lazy as _

from supplychain.models import Drawdown, ReferencePrice, Replenishment, Reserve, ReserveShare


class ReserveFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Reserve.Status.choices)

    class Meta:
        model = Reserve
        fields = ["status"]


class ReserveShareFilter(django_filters.FilterSet):
    reserve = django_filters.NumberFilter(field_name="reserve", label=_("Reserve (its id)"))
    member = django_filters.NumberFilter(field_name="member", label=_("Member enterprise (its id)"))

    class Meta:
        model = ReserveShare
        fields = ["reserve", "member"]


class DrawdownFilter(django_filters.FilterSet):
    reserve = django_filters.NumberFilter(field_name="reserve", label=_("Reserve (its id)"))
    member = django_filters.NumberFilter(field_name="member", label=_("Member enterprise (its id)"))

    class Meta:
        model = Drawdown
        fields = ["reserve", "member"]


class ReferencePriceFilter(django_filters.FilterSet):
    reserve = django_filters.NumberFilter(field_name="reserve", label=_("Reserve (its id)"))

    class Meta:
        model = ReferencePrice
        fields = ["reserve"]


class ReplenishmentFilter(django_filters.FilterSet):
    reserve = django_filters.NumberFilter(field_name="reserve", label=_("Reserve (its id)"))
    status = django_filters.ChoiceFilter(choices=Replenishment.Status.choices)

    class Meta:
        model = Replenishment
        fields = ["reserve", "status"]
