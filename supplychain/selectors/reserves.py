"""Reads of joint reserves (联储联备) shared by pages, API and webhooks. Visibility selectors take `brain=` and
`viewer=` (a tenants.access.BrainAccess).

Who sees what (anything else answers 404, like an object that does not exist):
- reserves and their reference prices: everyone who may enter the brain (the stock and the price are what
  members draw against), with the total committed but not who committed what;
- shares and drawdowns: operators all; a member only its own (others' quantities are theirs);
- replenishments (they carry the brain's purchase price): operators, and the supplier its own orders.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from supplychain.models import Drawdown, ReferencePrice, Replenishment, Reserve, ReserveShare
from supplychain.services.reserves import Prices

QUANTITY = DecimalField(max_digits=14, decimal_places=3)


def reserve_list(*, brain, viewer):
    """Every reserve of the brain (everyone in it reads them), with the latest reference price (`latest_reference`,
    `latest_reference_id`), the total committed and the participants, whether a replenishment is open, and the viewer's own share
    (`my_committed`, `my_drawn`, `my_drawn_beyond`: None without one). Prices: `priced(reserve)`."""
    enterprise_id = viewer.enterprise_id
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


def share_list(*, brain, viewer):
    """Operators see every share; a member only its own."""
    shares = ReserveShare.objects.in_brain(brain).select_related("member", "reserve").order_by("reserve_id", "id")
    return shares if viewer.is_operator else shares.filter(member_id=viewer.enterprise_id or 0)


def drawdown_list(*, brain, viewer):
    """Operators see every drawdown; a member only its own."""
    drawdowns = (Drawdown.objects.in_brain(brain).select_related("member", "reserve", "drawn_by")
                 .order_by("-drawn_at", "-id"))
    return drawdowns if viewer.is_operator else drawdowns.filter(member_id=viewer.enterprise_id or 0)


def reference_price_list(*, brain, viewer):
    """Everyone in the brain reads the reference prices (they price every draw)."""
    return (ReferencePrice.objects.in_brain(brain).select_related("reserve", "recorded_by")
            .order_by("-quoted_on", "-id"))


def replenishment_list(*, brain, viewer):
    """Operators see every replenishment; a supplier its own orders (they carry the brain's purchase price)."""
    replenishments = (Replenishment.objects.in_brain(brain).select_related("reserve", "supplier", "received_by")
                      .order_by("-opened_at", "-id"))
    return replenishments if viewer.is_operator else replenishments.filter(supplier_id=viewer.enterprise_id or 0)
