"""Pages of every list: numbered for people and dashboards, a keyset cursor in order of change for sync.

A list answers numbered pages (`page`, `count`) unless the request asks for sync with `updated_since` or
`cursor`: then it comes oldest change first, each page ending where the next one starts (`next` holds an
opaque cursor of the last row's change time and id). A keyset, not DRF's CursorPagination: that one keeps an
offset among rows sharing a time, and a row that changes between two pages would shift it and hide another.
"""

import base64
import binascii
import json
from collections import OrderedDict
from datetime import datetime
from datetime import timezone as dt_timezone

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from tenants import sync

UPDATED_SINCE, CURSOR = "updated_since", "cursor"


def _bad(field: str, message) -> ValidationError:
    return ValidationError({field: [message]})


def _utc(value: str) -> datetime | None:
    """An ISO 8601 instant with its offset, in UTC (PostgreSQL refuses offsets beyond ±15:59 that ISO allows)."""
    try:
        moment = parse_datetime(value)
        return moment.astimezone(dt_timezone.utc) if moment is not None and moment.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None


def _parse_since(value: str) -> datetime:
    moment = _utc(value)
    if moment is None:
        raise _bad(UPDATED_SINCE, _("Give an ISO 8601 time with its offset, e.g. 2026-12-01T08:00:00+08:00."))
    return moment


def _encode(at: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([at.isoformat(), pk]).encode()).decode().rstrip("=")


def _decode(token: str) -> tuple[datetime, int] | None:
    if token == "":
        return None  # the first page
    if len(token) > 200:  # ours are about 60 characters; a huge one is not worth decoding
        raise _bad(CURSOR, _("This cursor is not one the API gave out."))
    try:
        at, pk = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        moment = _utc(at) if isinstance(at, str) else None
        if moment is None or not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < 2**63:
            raise ValueError
        return moment, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise _bad(CURSOR, _("This cursor is not one the API gave out.")) from None


class PagePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        asked = UPDATED_SINCE in request.query_params or CURSOR in request.query_params
        if asked and sync.sync_field(queryset.model) is None:  # say so rather than answer everything
            raise _bad(UPDATED_SINCE, _("This list has no change times: it cannot be synced incrementally."))
        self.syncing = asked
        if not self.syncing:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        since = request.query_params.get(UPDATED_SINCE)
        after = _decode(request.query_params.get(CURSOR, ""))
        size = self.get_page_size(request)
        rows = list(sync.changed_after(queryset, since=_parse_since(since) if since else None, after=after)
                    [:size + 1])
        self.has_next = len(rows) > size
        self.page_rows = rows[:size]
        return self.page_rows

    def get_paginated_response(self, data):
        if not self.syncing:
            return super().get_paginated_response(data)
        last = self.page_rows[-1].sync_changed_at.isoformat() if self.page_rows else None
        return Response(OrderedDict([("next", self.next_cursor_link()), ("previous", None),
                                     ("changed_until", last), ("results", data)]))

    def next_cursor_link(self) -> str | None:
        if not self.has_next:
            return None
        last = self.page_rows[-1]
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        return replace_query_param(url, CURSOR, _encode(last.sync_changed_at, last.pk))

    def get_paginated_response_schema(self, schema):
        paged = super().get_paginated_response_schema(schema)
        paged["required"] = ["results"]
        paged["properties"]["count"]["description"] = "Rows in all pages; absent when syncing (updated_since or cursor)."
        paged["properties"]["changed_until"] = {
            "type": "string", "format": "date-time", "nullable": True,
            "description": "When syncing: the change time of this page's last row. Keep the last page's, and sync "
                           "next time from a few minutes before it (upserting by id)."}
        return paged

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None or sync.sync_field(model) is None:
            return parameters
        return parameters + [
            {"name": UPDATED_SINCE, "required": False, "in": "query", "schema": {"type": "string", "format": "date-time"},
             "description": "Only rows changed at or after this time (ISO 8601 with offset), oldest change first, "
                            "paged by `cursor` instead of `page`. Keep the last page's `changed_until` and ask "
                            "again from a few minutes before it."},
            {"name": CURSOR, "required": False, "in": "query", "schema": {"type": "string"},
             "description": "The position `next` gave; empty for the first page of a sync in order of change."},
        ]
