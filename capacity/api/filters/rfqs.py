"""List filters of RFQs, questions and quotes."""

import django_filters

from capacity.models import Question, Quote, Rfq


class RfqFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project")

    class Meta:
        model = Rfq
        fields = ["status", "project", "open_to_all"]


class QuestionFilter(django_filters.FilterSet):
    rfq = django_filters.NumberFilter(field_name="rfq")
    answered = django_filters.BooleanFilter(method="filter_answered")

    class Meta:
        model = Question
        fields = ["rfq", "answered"]

    def filter_answered(self, queryset, name, value):
        return queryset.exclude(answer="") if value else queryset.filter(answer="")


class QuoteFilter(django_filters.FilterSet):
    rfq = django_filters.NumberFilter(field_name="rfq")

    class Meta:
        model = Quote
        fields = ["rfq"]
