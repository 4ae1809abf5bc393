"""SQL expressions the definitions share: a local month or ISO week of an instant, an amount in whole fen."""

from django.conf import settings
from django.db.models import BigIntegerField, CharField, Func

__all__ = ["Fen", "LocalMonth", "LocalWeek"]


class LocalMonth(Func):
    """'2026-03': the month of an instant in Beijing time, computed by the database (no datetime per row)."""

    template = f"to_char(%(expressions)s AT TIME ZONE '{settings.TIME_ZONE}', 'YYYY-MM')"
    output_field = CharField()


class LocalWeek(Func):
    """'2026-W09': the ISO week of an instant in Beijing time."""

    template = f"to_char(%(expressions)s AT TIME ZONE '{settings.TIME_ZONE}', 'IYYY-\"W\"IW')"
    output_field = CharField()


class Fen(Func):
    """An amount of numeric(14, 2) yuan as whole fen (exact), so builds sort integers, not Decimals."""

    template = "(%(expressions)s * 100)::bigint"
    output_field = BigIntegerField()
