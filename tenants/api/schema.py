"""The OpenAPI generator: drf-spectacular's, plus what every operation shares (the Idempotency-Key header
on POST, If-None-Match on detail reads, and the error answers every operation can give)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

from tenants.api.conditional import IF_NONE_MATCH
from tenants.api.idempotency import IDEMPOTENCY_KEY


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (tenants.api.errors)."""

    code = serializers.CharField(help_text="A stable code, e.g. `invalid`, `not_found`, `permission_denied`.")
    detail = serializers.CharField(help_text="A human-readable message, in the request's language.")
    fields = serializers.DictField(child=serializers.JSONField(),
                                   help_text="Messages per input field at fault (empty when none is).")

    class Meta:
        ref_name = "Error"


# What any operation may answer besides its success (tenants.api.errors.exception_handler):
# 400 invalid input or a refused domain rule, 401 no or a bad credential, 403 a role or key scope that
# may not act, 404 an object or brain the caller may not see, 429 over the key's rate limit.
COMMON_ERRORS = {
    "400": "Invalid input, or a rule of the domain refused the request.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "The caller may not do this (role, or a read-only key).",
    "404": "Not found, or not visible to the caller (another brain's object is 404 too).",
    "429": "Over the API key's rate limit; retry after `Retry-After` seconds.",
}
POST_ERRORS = {
    "422": "The Idempotency-Key was used before with another request.",
}


class AutoSchema(SpectacularAutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST":
            parameters = [*parameters, IDEMPOTENCY_KEY]
        if self._is_retrieve():
            parameters = [*parameters, IF_NONE_MATCH]
        return parameters

    def _is_retrieve(self):
        return self.method == "GET" and getattr(self.view, "action", None) == "retrieve"

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {**COMMON_ERRORS, **(POST_ERRORS if self.method == "POST" else {})}
        for code, description in errors.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        if self._is_retrieve() and "304" not in responses:
            responses["304"] = {"description": "Not Modified: the If-None-Match ETag is current (no body)."}
        return responses
