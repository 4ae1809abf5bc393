"""File downloads from API actions: answered whatever the client accepts, errors in the API's JSON as anywhere."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from rest_framework.negotiation import BaseContentNegotiation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DownloadNegotiation(BaseContentNegotiation):
    """Downloads answer whatever the client accepts (Accept: application/pdf must not be a 406): the file
    is a ready-made response, and an error is JSON as everywhere else."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


DOWNLOAD = {"content_negotiation_class": DownloadNegotiation}  # @action(…, **DOWNLOAD)


def attachment(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
