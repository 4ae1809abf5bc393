"""The tenant context of the current transaction: which brain, which user and enterprise.

Settings are made with set_config(..., true), so they end with the transaction; every entry point
(request, Celery task, Channels consumer, command) opens a transaction and enters a brain explicitly.
"""

import contextlib
import logging

from django.db import connection, transaction

audit_log = logging.getLogger("industry_brain.audit")


UNSET = object()


def set_context(*, brain_id=UNSET, user_id=UNSET, enterprise_id=UNSET) -> None:
    """Set the given parts of the tenant context in one statement (None clears a part)."""
    if not connection.in_atomic_block:
        raise RuntimeError("the tenant context is transaction-local: open transaction.atomic() first")
    values = {
        name: value
        for name, value in (("app.brain_id", brain_id), ("app.user_id", user_id), ("app.enterprise_id", enterprise_id))
        if value is not UNSET
    }
    params = [item for name, value in values.items() for item in (name, "" if value is None else str(value))]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(values)), params)


def enter_brain(brain_id: int | None) -> None:
    set_context(brain_id=brain_id)


def set_identity(*, user_id: int | None, enterprise_id: int | None) -> None:
    set_context(user_id=user_id, enterprise_id=enterprise_id)


def current_brain_id() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT NULLIF(current_setting('app.brain_id', true), '')::bigint")
        return cursor.fetchone()[0]


@contextlib.contextmanager
def brain_context(brain_id: int):
    """Run the block in a transaction with `brain_id` entered (restored afterwards if nested)."""
    with transaction.atomic():
        previous = current_brain_id()
        enter_brain(brain_id)
        yield
        enter_brain(previous)  # not on an exception: the block's savepoint rolls the setting back anyway


@contextlib.contextmanager
def cross_brain(*, reason: str, user=None):
    """The one explicit path that may read and write across brains. Every use is logged."""
    audit_log.info("cross-brain access: %s (user=%s)", reason, getattr(user, "pk", None))
    with transaction.atomic():
        _set_cross_brain("on")
        yield
        _set_cross_brain("")


def _set_cross_brain(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.cross_brain', %s, true)", [value])
