"""One error format for the whole API: {"code": ..., "detail": ..., "fields": {...}}."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from django.db import connection, transaction

from tenants.errors import DomainError


def _first_code(detail) -> str:
    if isinstance(detail, dict):
        return next((_first_code(v) for v in detail.values()), "invalid")
    if isinstance(detail, list):
        return _first_code(detail[0]) if detail else "invalid"
    return getattr(detail, "code", "invalid") or "invalid"


def _messages(detail):
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_messages(item) for item in detail]
    return str(detail)


def error_body(code: str, detail: str, fields: dict | None = None) -> dict:
    return {"code": code, "detail": detail, "fields": fields or {}}


def set_rollback() -> None:
    """Undo what the view wrote before failing. The request's transaction is BrainMiddleware's
    (DRF's own set_rollback only acts with ATOMIC_REQUESTS, which this project does not use)."""
    if connection.in_atomic_block:
        transaction.set_rollback(True)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        fields = {exc.field: [exc.detail]} if exc.field else {}
        return Response(error_body(exc.code, exc.detail, fields), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django's 500 handler answers (JSON for /api/, see tenants.views.errors)

    set_rollback()
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            non_field = detail.get("non_field_errors")
            fields = {k: _messages(v) for k, v in detail.items() if k != "non_field_errors"}
            message = str(non_field[0]) if non_field else _("Some fields are invalid.")
        else:
            fields, message = {}, "; ".join(_messages(detail) if isinstance(detail, list) else [str(detail)])
        return Response(error_body(_first_code(detail), message, fields), status=status.HTTP_400_BAD_REQUEST,
                        headers=headers)
    code = _first_code(exc.detail) if not isinstance(exc.detail, str) else getattr(exc.detail, "code", None)
    return Response(
        error_body(code or exc.default_code, str(exc.detail)), status=exc.status_code, headers=headers
    )
