"""ETag / If-None-Match on detail reads: a client syncing often gets 304 for what has not changed."""

import hashlib

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="The ETag of the copy you hold: the answer is 304 Not Modified, without a body, if it is current.")


def _matches(header: str, etag: str) -> bool:
    return header.strip() == "*" or etag in {tag.strip().removeprefix("W/") for tag in header.split(",")}


class ConditionalRetrieveMixin:
    """The ETag is a hash of the JSON the reader gets (so it differs by reader and language where the
    content does)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (request.method == "GET" and getattr(self, "action", None) == "retrieve"
                and isinstance(response, Response) and response.status_code == 200 and response.data is not None):
            etag = '"%s"' % hashlib.sha256(JSONRenderer().render(response.data)).hexdigest()[:32]
            if _matches(request.headers.get("If-None-Match", ""), etag):
                response = super().finalize_response(request, Response(status=304), *args, **kwargs)
            response["ETag"] = etag
        return response
