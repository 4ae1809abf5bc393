"""List filters of API keys."""

import django_filters
from django.utils.translation import gettext_lazy as _

from tenants.models import ApiKey


class ApiKeyFilter(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise", label=_("Keys of this enterprise (id)"))
    active = django_filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull", label=_("Not revoked"))

    class Meta:
        model = ApiKey
        fields = ["enterprise", "active"]
