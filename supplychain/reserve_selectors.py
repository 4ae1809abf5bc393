"""Reads of joint reserves (联储联备) shared by pages and API. They take `brain=` and the reader's enterprise.

Who sees what (anything else answers 404, like an object that does not exist):
- reserves and their reference prices: everyone who may enter the brain (the stock and the price are what
  members draw against), with the total committed but not who committed what;
- shares and drawdowns: operators all; a member only its own (others' quantities are theirs);
- replenishments (they carry the brain's purchase price): operators, and the supplier its own orders.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ledger.money import ZERO
from supplychain.models import (
    Drawdown, JournalLine, LedgerAccount, ReferencePrice, Replenishment, Reserve, ReserveShare,
)
from supplychain.services.reserves import Prices, prices

QUANTITY = DecimalField(max_digits=14, decimal_places=3)
__all__ = [
    "Prices",
    "drawdown_list",
    "priced",
    "prices",
    "reference_price_list",
    "replenishment_list",
    "reserve_books",
    "reserve_list",
    "share_list",
]


def reserve_list(*, brain, enterprise_id: int | None = None):
    """Every reserve of the brain, with the latest reference price (`latest_reference`, `latest_reference_id`),
    the total committed and the participants, whether a replenishment is open, and the reader's own share
    (`my_committed`, `my_drawn`, `my_drawn_beyond`: None without one). Prices: `priced(reserve)`."""
    shares = ReserveShare.objects.filter(reserve=OuterRef("pk")).order_by().values("reserve")
    mine = ReserveShare.objects.filter(reserve=OuterRef("pk"), member_id=enterprise_id or 0)
    latest = ReferencePrice.objects.filter(reserve=OuterRef("pk")).order_by("-quoted_on", "-id")
    return (Reserve.objects.in_brain(brain).select_related("supplier")
            .annotate(committed_total=Coalesce(Subquery(shares.annotate(total=Sum("committed")).values("total")),
                                               Value(Decimal("0")), output_field=QUANTITY),
                      participants=Coalesce(Subquery(shares.annotate(n=Count("id")).values("n")), Value(0)),
                      latest_reference=Subquery(latest.values("value")[:1]),
                      latest_reference_id=Subquery(latest.values("id")[:1]),
                      latest_quoted_on=Subquery(latest.values("quoted_on")[:1]),
                      replenishing=Exists(Replenishment.objects.filter(reserve=OuterRef("pk"),
                                                                       status=Replenishment.Status.OPEN)),
                      my_committed=Subquery(mine.values("committed")[:1]),
                      my_drawn=Subquery(mine.values("drawn")[:1]),
                      my_drawn_beyond=Subquery(mine.values("drawn_beyond")[:1]))
            .order_by("-created_at", "-id"))


def priced(reserve: Reserve) -> Prices:
    """The prices of a reserve read through reserve_list, without another query."""
    unit_price = reserve.unit_price_for(reserve.latest_reference)
    return Prices(None, unit_price, reserve.beyond_price_for(unit_price))


def share_list(*, brain, enterprise_id: int | None, operator: bool = False):
    shares = ReserveShare.objects.in_brain(brain).select_related("member", "reserve").order_by("reserve_id", "id")
    return shares if operator else shares.filter(member_id=enterprise_id or 0)


def drawdown_list(*, brain, enterprise_id: int | None, operator: bool = False):
    drawdowns = (Drawdown.objects.in_brain(brain).select_related("member", "reserve", "drawn_by")
                 .order_by("-drawn_at", "-id"))
    return drawdowns if operator else drawdowns.filter(member_id=enterprise_id or 0)


def reference_price_list(*, brain):
    return (ReferencePrice.objects.in_brain(brain).select_related("reserve", "recorded_by")
            .order_by("-quoted_on", "-id"))


def replenishment_list(*, brain, enterprise_id: int | None, operator: bool = False):
    replenishments = (Replenishment.objects.in_brain(brain).select_related("reserve", "supplier", "received_by")
                      .order_by("-opened_at", "-id"))
    return replenishments if operator else replenishments.filter(supplier_id=enterprise_id or 0)


@dataclass(frozen=True)
class ReserveBooks:
    inventory: Decimal  # the stock at cost, as the ledger holds it (equals Reserve.inventory_value)
    sales: Decimal  # net of VAT
    cost_of_sales: Decimal
    margin: Decimal
    output_vat: Decimal
    input_vat: Decimal
    members_owe: Decimal  # charged for draws (payments are recorded against the members' accounts elsewhere)
    owed_to_supplier: Decimal


def reserve_books(*, reserve: Reserve) -> ReserveBooks:
    """The operator's view of one reserve's entries in the brain's ledger."""
    Kind = LedgerAccount.Kind
    per_kind = {row["account__kind"]: row["debit"] - row["credit"] for row in
                JournalLine.objects.in_brain(reserve.brain_id).filter(entry__reserve=reserve)
                .values("account__kind").annotate(debit=Sum("debit"), credit=Sum("credit")).order_by()}
    get = lambda kind: per_kind.get(kind, ZERO)
    return ReserveBooks(inventory=get(Kind.INVENTORY), sales=-get(Kind.SALES), cost_of_sales=get(Kind.COGS),
                        margin=-get(Kind.SALES) - get(Kind.COGS), output_vat=-get(Kind.SALES_VAT),
                        input_vat=get(Kind.INPUT_VAT), members_owe=get(Kind.MEMBER),
                        owed_to_supplier=-get(Kind.SUPPLIER))
