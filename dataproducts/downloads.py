"""Delivery of a product's published rows (docs/dataproducts.md, "Downloads and the API"): the revision read (the
latest published, or a chosen one), the entitlement check every read makes, the rows as CSV (UTF-8 with a BOM,
for Excel) and XLSX, formula-safe (tenants.spreadsheets), and the metering of each read.

Only published rows leave: what dataproducts.privacy let through, the suppressed cells pooled in the remainder row.
Filters narrow the published rows by their published dimensions only; they compute nothing new."""

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from dataproducts.definitions import definition_get
from dataproducts.models import DataProduct, Revision, Subscription, UsageRecord
from dataproducts.selectors.revisions import revision_latest, revision_rows, rows_matching
from dataproducts.selectors.subscriptions import can_read, metered_subscription
from dataproducts.services.usage import usage_record
from tenants.errors import DomainError, NotAllowed
from tenants.models import Process
from tenants.spreadsheets import csv_bytes, xlsx_bytes

MAX_FILTER_VALUE = 200


class NotFound(DomainError):
    status = 404

    def __init__(self, detail):
        super().__init__(detail, code="not_found")


def require_read(*, product: DataProduct, viewer) -> None:
    """NotAllowed (`not_entitled`) unless the viewer may read the product now: every read asks, so a subscription
    that ended or was revoked a second ago reads nothing."""
    if not can_read(product=product, viewer=viewer):
        raise NotAllowed(_("You have no access to this product's data now: ask for access (or renew your "
                           "subscription) first."), code="not_entitled")


def published_revision(*, product: DataProduct, number=None) -> Revision:
    """The product's latest published revision (dataproducts.selectors.revisions.revision_latest), or its published
    revision `number`; NotFound otherwise."""
    if number in (None, ""):
        revision = revision_latest(product)
    else:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise DomainError(_("A revision is named by its number."), field="revision") from None
        revision = (Revision.objects.in_brain(product.brain_id).filter(
            product_id=product.pk, status=Revision.Status.PUBLISHED, number=number).first()
            if 0 < number < 2**31 else None)
    if revision is None:
        raise NotFound(_("This product has no such published revision."))
    return revision


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    dimension: bool


def columns(revision: Revision) -> list[Column]:
    """The product's published fields, dimensions first: the definition's, with their labels; else (a definition
    that went away) the keys its rows hold."""
    definition = definition_get(revision.product.definition)
    if definition is not None:
        return ([Column(f.name, f.label, True) for f in definition.dimensions]
                + [Column(f.name, f.label, False) for f in definition.measures])
    dimensions, measures = {}, {}
    for row_dimensions, row_measures in revision_rows(revision).values_list("dimensions", "measures")[:1000]:
        dimensions.update(dict.fromkeys(row_dimensions or {}))
        measures.update(dict.fromkeys(row_measures or {}))
    return [Column(name, name, True) for name in dimensions] + [Column(name, name, False) for name in measures]


def dimension_filters(revision: Revision, params) -> dict[str, str]:
    """The query's filters, each a published dimension of the revision; anything else is refused, naming what
    may be filtered."""
    allowed = [column.name for column in columns(revision) if column.dimension]
    filters = {}
    for name, value in params.items():
        if name not in allowed:
            raise DomainError(_("Rows can be filtered by the product's dimensions only: %(names)s.") % {
                "names": ", ".join(allowed) or "—"}, field=name, code="invalid_filter")
        if len(value) > MAX_FILTER_VALUE:
            raise DomainError(_("This filter's value is too long."), field=name)
        filters[name] = value
    return filters


def filtered_rows(revision: Revision, filters: dict[str, str]):
    """Published rows whose dimensions equal the filters' values (selected, never re-aggregated)."""
    return rows_matching(revision, filters)


def _number(value):
    """A measure as a spreadsheet should hold it: money and counts as numbers (they come as strings from JSON)."""
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        return number if number.is_finite() else value
    return value


def table(revision: Revision, rows=None) -> tuple[list[str], list[list]]:
    """The header and the rows of a download, as the product's pages show them: one column per published field,
    coded dimensions by their labels, processes by their names; the remainder row (the suppressed cells, pooled)
    labelled as such, its other dimensions empty."""
    cols = columns(revision)
    definition = definition_get(revision.product.definition)
    fields = {f.name: f for f in definition.fields} if definition is not None else {}
    processes = {process.code: str(process) for process in Process.objects.in_brain(revision.brain_id)}
    header = [column.label for column in cols]
    body = []
    for row in (rows if rows is not None else revision_rows(revision)).iterator(chunk_size=2000):
        values = []
        for column in cols:
            if column.dimension:
                value = (row.dimensions or {}).get(column.name)
                field = fields.get(column.name)
                if column.name == "process" and value in processes:
                    value = processes[value]
                elif field is not None and value is not None:
                    value = field.display(value)
                values.append(value)
            else:
                values.append(_number((row.measures or {}).get(column.name)))
        if row.is_remainder and cols and cols[0].dimension:
            values[0] = _("Other (merged to protect privacy)")
        body.append(values)
    return header, body


def filename(revision: Revision, extension: str) -> str:
    return f"{revision.product.code}-r{revision.number}-{revision.period_from:%Y%m%d}-{revision.period_to:%Y%m%d}" \
           f".{extension}"


def download(*, product: DataProduct, viewer, kind: str, number=None, idempotency_key: str = "") -> tuple[bytes, str]:
    """A download of a published revision as `kind` ("csv" or "xlsx") for an entitled viewer; the subscriber's
    download is metered (its rows). Returns (the file, its name)."""
    require_read(product=product, viewer=viewer)
    revision = published_revision(product=product, number=number)
    header, body = table(revision)
    meter(product=product, viewer=viewer, kind=UsageRecord.Kind.DOWNLOAD, rows=len(body), revision=revision,
          idempotency_key=idempotency_key)
    if kind == "xlsx":
        title = f"{product.name_zh} r{revision.number}"
        return xlsx_bytes(header, body, title=title), filename(revision, "xlsx")
    return csv_bytes(header, body), filename(revision, "csv")


def meter(*, product: DataProduct, viewer, kind: str, rows: int, revision: Revision,
          idempotency_key: str = "") -> UsageRecord | None:
    """Count one read against the viewer's subscription, once per idempotency key (a retry with the same key is the
    same read): every download; an API read when the subscription has a call or row price. Operators, government
    viewers and members reading an open product are not metered."""
    subscription: Subscription | None = metered_subscription(product=product, viewer=viewer, at=timezone.now())
    if subscription is None:
        return None
    if kind == UsageRecord.Kind.CALL and subscription.price_per_call is None and subscription.price_per_row is None:
        return None
    record, _created = usage_record(subscription=subscription, kind=kind, revision=revision, rows=rows,
                                    idempotency_key=idempotency_key or uuid.uuid4().hex)
    return record
