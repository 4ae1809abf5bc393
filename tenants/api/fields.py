"""Serializer fields every app's API shares."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from tenants.models import Enterprise


@extend_schema_field(OpenApiTypes.STR)
class PersonField(serializers.Field):
    """A user as a name (full name, else user name): who it was, not how to reach them."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, user):
        return str(user)


def money(**kwargs) -> serializers.DecimalField:
    """An amount as it goes out: a string with two places ("18000.00"), never a float."""
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kwargs)


class EnterpriseBriefSerializer(serializers.ModelSerializer):
    """An enterprise as other objects name it."""

    class Meta:
        model = Enterprise
        fields = ["id", "legal_name", "short_name", "verified"]
        read_only_fields = fields
