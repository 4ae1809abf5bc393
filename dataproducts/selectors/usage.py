"""Reads of usage and statements, the one place that decides who sees which: a subscriber its own records and
statements; the brain's operators (and platform administrators) every subscriber's; nobody else any (government
viewers see the catalogue and the aggregates, not who paid for what)."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from dataproducts.models import UsageRecord, UsageStatement, UsageStatementLine
from ledger.money import ZERO, vat_inside


def _own(rows, *, viewer):
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        return rows.filter(enterprise_id=viewer.enterprise_id)
    return rows.none()


def usage_record_list(*, brain, viewer):
    """Usage records: a subscriber's own, operators every one of the brain."""
    return _own(UsageRecord.objects.in_brain(brain).select_related(
        "enterprise", "subscription__product", "installation__listing__component"), viewer=viewer)


def usage_statement_list(*, brain, viewer):
    """Statements: a subscriber's own, operators every one of the brain."""
    return _own(UsageStatement.objects.in_brain(brain).select_related("enterprise", "issued_by")
                .annotate(line_count=Count("lines")).order_by("-month", "enterprise_id", "-id"), viewer=viewer)


def usage_statement_lines(*, statement: UsageStatement) -> list[UsageStatementLine]:
    """A statement's lines with what each is for and its VAT (per line, as the statement's VAT was computed)."""
    lines = list(UsageStatementLine.objects.in_brain(statement.brain_id).filter(statement=statement)
                 .select_related("subscription__product", "installation__listing__component").order_by("id"))
    for line in lines:
        rate = line.subscription.vat_rate if line.subscription_id else line.installation.listing.vat_rate
        line.vat_rate = rate
        line.vat = vat_inside(line.amount, rate)
        line.net = line.amount - line.vat
        line.what = line.subscription.product if line.subscription_id else line.installation.listing.component
    return lines


def usage_month_to_date(*, brain, viewer, today: date | None = None) -> dict:
    """The viewer's usage this month so far (operators: every subscriber's): the total, what is not billed yet,
    and per product or app the calls, downloads, rows and amount."""
    first = (today or timezone.localdate()).replace(day=1)
    records = usage_record_list(brain=brain, viewer=viewer).filter(at__date__gte=first)
    per = (records.values("subscription__product_id", "subscription__product__name_zh",
                          "subscription__product__name_en", "installation__listing__component__name_zh",
                          "installation__listing__component__name_en")
           .annotate(calls=Count("pk", filter=Q(kind="call")), downloads=Count("pk", filter=Q(kind="download")),
                     rows=Sum("rows"), amount=Sum("amount"))
           .order_by("-amount", "subscription__product_id"))
    totals = records.aggregate(total=Sum("amount"), unbilled=Sum("amount", filter=Q(statement__isnull=True)))
    return {"month": first, "total": totals["total"] or ZERO, "unbilled": totals["unbilled"] or ZERO,
            "by_product": [{**row, "amount": row["amount"] or Decimal("0.00")} for row in per]}
