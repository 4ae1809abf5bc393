"""List filters of projects, parts and drawings."""

import django_filters
from django.utils.translation import gettext_lazy as _

from capacity.models import Drawing, Part, Project


class ProjectFilter(django_filters.FilterSet):
    class Meta:
        model = Project
        fields = ["status", "code"]


class PartFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project")
    parent = django_filters.NumberFilter(field_name="parent")
    top = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label=_("Top-level parts only"))
    material = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Part
        fields = ["project", "parent", "top", "part_no", "material", "standard_part"]


class DrawingFilter(django_filters.FilterSet):
    part = django_filters.NumberFilter(field_name="part")

    class Meta:
        model = Drawing
        fields = ["part"]
