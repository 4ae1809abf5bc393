"""The OpenAPI generator: drf-spectacular's, plus what every operation shares (the Idempotency-Key header
on POST)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from tenants.api.conditional import IF_NONE_MATCH
from tenants.api.idempotency import IDEMPOTENCY_KEY


class AutoSchema(SpectacularAutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST":
            parameters = [*parameters, IDEMPOTENCY_KEY]
        if self.method == "GET" and getattr(self.view, "action", None) == "retrieve":
            parameters = [*parameters, IF_NONE_MATCH]
        return parameters
