"""Serializer fields every app's API shares."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.STR)
class PersonField(serializers.Field):
    """A user as a name (full name, else user name): who it was, not how to reach them."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, user):
        return str(user)
