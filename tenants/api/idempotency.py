"""`Idempotency-Key` on POST: the same key and body gets the first response again; the same key with another
body is refused (422). Only successful responses are kept: a failed request changed nothing, so sending it
again runs it again.

Concurrent duplicates are serialised by PostgreSQL itself: the first request inserts the key's row inside
its (per-request) transaction, and a duplicate's insert waits on the unique index until that transaction
ends; it then finds the stored response, or, if the first one failed and rolled back, runs the request.
"""

import hashlib
import json
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from tenants.models import ApiKey, IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEEP_FOR = timedelta(hours=48)  # promised: at least 24 hours

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Any unique string (a UUID): repeating the request with the same key and body returns the first "
                "response instead of acting twice; the same key with another body answers 422. Kept 48 hours.")


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was used with a different request.")
    default_code = "idempotency_key_reused"


class BadIdempotencyKey(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The Idempotency-Key must be 1 to 255 printable characters.")
    default_code = "invalid_idempotency_key"


class Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


def _client(request) -> str | None:
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.pk}"
    if request.user.is_authenticated:  # with the enterprise: one who moves on gets no answer made for the old one
        return f"user:{request.user.pk}:{request.user.enterprise_id or 0}"
    return None


def _file_digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)  # the view reads it next
    return digest.hexdigest()


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type.startswith("multipart/"):  # the boundary differs between two sends of one form
        fields = sorted((k, request.data.getlist(k)) for k in request.data.keys() if k not in request.FILES)
        files = sorted((k, f.name, f.size, _file_digest(f)) for k in request.FILES for f in request.FILES.getlist(k))
        digest.update(json.dumps([fields, files], default=str).encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


class IdempotentPostMixin:
    """For API views: honours the Idempotency-Key header on POST."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        request.idempotency = None
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return
        client = _client(request)
        if client is None:
            return
        if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isprintable():
            raise BadIdempotencyKey()
        fingerprint = _fingerprint(request)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO tenants_idempotencyrecord (client, key, fingerprint, status_code, body, location, created_at)"
                " VALUES (%s, %s, %s, 0, '', '', %s) ON CONFLICT (client, key) DO NOTHING RETURNING id",
                [client, key, fingerprint, timezone.now()])
            claimed = cursor.fetchone()
        request._request.idempotency_key = key  # for the audit
        if claimed:
            request.idempotency = claimed[0]
            return
        record = IdempotencyRecord.objects.get(client=client, key=key)
        if timezone.now() - record.created_at > KEEP_FOR:  # expired, not yet purged: a new request; one claims it
            claimed = IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).update(
                fingerprint=fingerprint, status_code=0, body=b"", location="", created_at=timezone.now())
            if claimed:
                request.idempotency = record.pk
                return
            record = IdempotencyRecord.objects.get(pk=record.pk)
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        raise Replay(record)

    def handle_exception(self, exc):
        if isinstance(exc, Replay):
            record = exc.record
            response = Response(json.loads(bytes(record.body) or b"null"), status=record.status_code)
            response["Idempotent-Replayed"] = "true"
            if record.location:
                response["Location"] = record.location
            self.request._request.idempotent_replay = True
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record_id = getattr(request, "idempotency", None)
        if record_id and 200 <= response.status_code < 300 and not connection.needs_rollback:
            if getattr(self, "idempotency_keeps_answer", True):
                status_code = response.status_code
                body = JSONRenderer().render(response.data) if response.data is not None else b""
            else:  # the answer holds a secret shown once (a new API key): keep only that it was done
                status_code, body = status.HTTP_409_CONFLICT, JSONRenderer().render({
                    "code": "already_done", "fields": {},
                    "detail": str(_("This request was already carried out; its answer held a secret, shown once."))})
            IdempotencyRecord.objects.filter(pk=record_id).update(
                status_code=status_code, body=body, location=response.get("Location", ""))
        return response


def idempotency_records_purge() -> int:
    """Beat: forget keys older than KEEP_FOR."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted
