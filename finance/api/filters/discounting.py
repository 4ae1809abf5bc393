"""List filters of discount programmes, offers and clearing runs."""

import django_filters

from finance.models import ClearingRun, DiscountOffer, DiscountProgramme


class DiscountProgrammeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DiscountProgramme.Status.choices)
    buyer = django_filters.NumberFilter(field_name="buyer")

    class Meta:
        model = DiscountProgramme
        fields = ["status", "buyer"]


class DiscountOfferFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DiscountOffer.Status.choices)
    programme = django_filters.NumberFilter(field_name="programme")
    recurring = django_filters.BooleanFilter()

    class Meta:
        model = DiscountOffer
        fields = ["status", "programme", "recurring"]


class ClearingRunFilter(django_filters.FilterSet):
    programme = django_filters.NumberFilter(field_name="programme")

    class Meta:
        model = ClearingRun
        fields = ["programme"]
