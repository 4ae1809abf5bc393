"""The brain's data product definitions: named, versioned code (never SQL typed by a user). Each says what it
publishes (dimensions and measures with their labels and units), its period and refresh schedule, the tables it
reads (lineage), and yields observations for a brain and a time range; dataproducts.privacy decides what of them is
published. A product (DataProduct.definition) names one of REGISTRY's keys."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import get_language

from dataproducts.privacy import Observation

__all__ = ["REGISTRY", "Definition", "Field", "definition_get", "last_complete_period", "percentile", "period_of"]

LOCAL = ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Field:
    name: str
    label_zh: str
    label_en: str
    unit: str = ""
    choices: tuple = ()  # (value, label_zh, label_en) for a coded dimension

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "zh-hans").startswith("en") else self.label_zh

    def display(self, value) -> str:
        """A dimension value as a reader reads it (a coded value by its label)."""
        english = (get_language() or "zh-hans").startswith("en")
        for code, zh, en in self.choices:
            if code == value:
                return en if english else zh
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Definition:
    code: str
    version: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    dimensions: tuple[Field, ...]
    measures: tuple[Field, ...]
    period: str  # "month" or "week"
    schedule_zh: str
    schedule_en: str
    tables: tuple[str, ...]
    # (brain, first day, last day inclusive, enterprise ids to leave out) → observations
    observations: Callable[..., Iterable[Observation]]
    # (the pooled observations' values, distinct enterprises) → measures (JSON-ready: money as strings)
    aggregate: Callable[[list, int], dict]

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "zh-hans").startswith("en") else self.name_zh

    @property
    def description(self) -> str:
        return self.description_en if (get_language() or "zh-hans").startswith("en") else self.description_zh

    @property
    def schedule(self) -> str:
        return self.schedule_en if (get_language() or "zh-hans").startswith("en") else self.schedule_zh

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.dimensions + self.measures


REGISTRY: dict[str, Definition] = {}


def register(definition: Definition) -> Definition:
    REGISTRY[definition.code] = definition
    return definition


def definition_get(code: str) -> Definition | None:
    return REGISTRY.get(code)


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants of a local-date range: [first 00:00, the day after last 00:00) in Beijing time."""
    return (datetime.combine(first, time.min, tzinfo=LOCAL),
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=LOCAL))


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The month or ISO week (Monday to Sunday) that holds `day`."""
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def last_complete_period(kind: str, today: date) -> tuple[date, date]:
    """The latest month or week that has ended before `today`."""
    first, _last = period_of(kind, today)
    return period_of(kind, first - timedelta(days=1))


def percentile(ordered: list, fraction: float):
    """PostgreSQL's percentile_cont over an ascending list: linear between the two nearest ranks."""
    if not ordered:
        return None
    position = Decimal(str(fraction)) * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def yuan(fen_value) -> str | None:
    """An amount in fen (possibly fractional, from interpolation) as yuan rounded half up to the fen."""
    if fen_value is None:
        return None
    return str((Decimal(fen_value) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def one_place(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# The definitions register themselves on import.
from dataproducts.definitions import activity, delivery, free_capacity, group_buy_prices, price_index  # noqa: F401
