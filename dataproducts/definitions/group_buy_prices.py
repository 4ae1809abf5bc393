"""Group-purchase prices per material and month: what members paid in locked group purchases against the campaign's
first tier and the market reference the operator recorded for the material (joint reserves' reference prices)."""

from django.db.models import DateField, F, OuterRef, Subquery
from django.db.models.functions import Cast

from dataproducts.definitions import Definition, Field, bounds, one_place, percentile, register, yuan
from dataproducts.definitions.sql import Fen, LocalMonth
from dataproducts.privacy import Observation
from supplychain.models import PriceTier, ReferencePrice, Settlement


def observations(brain, first, last, exclude=()):
    start, end = bounds(first, last)
    settlements = Settlement.objects.in_brain(brain).filter(created_at__gte=start, created_at__lt=end)
    if exclude:
        settlements = settlements.exclude(member_id__in=exclude)
    first_tier = (PriceTier.objects.filter(group_buy=OuterRef("group_buy")).order_by("min_total")
                  .values("unit_price")[:1])
    reference = (ReferencePrice.objects.filter(reserve__brain=OuterRef("brain"),
                                               reserve__material_grade=OuterRef("group_buy__material_grade"),
                                               quoted_on__lte=Cast(OuterRef("created_at"), DateField()))
                 .order_by("-quoted_on", "-id").values("value")[:1])
    rows = (settlements.annotate(month=LocalMonth("created_at"), price=Fen("unit_price"),
                                 first_tier=Fen(Subquery(first_tier)), reference=Fen(Subquery(reference)),
                                 value=Fen(F("unit_price") * F("quantity")))
            .values_list("group_buy__material_grade", "month", "member_id", "value", "price", "first_tier",
                         "reference").order_by())
    for material, month, member, value, price, first_tier, reference in rows.iterator(chunk_size=20_000):
        yield Observation((material, month), member, value, (price, first_tier, reference))


def _median(values):
    return percentile(sorted(values), 0.5) if values else None


def aggregate(values: list, enterprises: int) -> dict:
    price = _median([price for price, _tier, _reference in values])
    tier = _median([tier for _price, tier, _reference in values if tier is not None])
    reference = _median([reference for _price, _tier, reference in values if reference is not None])
    return {"price_median": yuan(price), "first_tier_median": yuan(tier),
            "saving_vs_first_tier": one_place((tier - price) * 100 / tier) if tier else None,
            "market_reference": yuan(reference),
            "vs_market": one_place((price - reference) * 100 / reference) if reference else None,
            "enterprises": enterprises, "settlements": len(values)}


GROUP_BUY_PRICES = register(Definition(
    code="group_buy_prices", version="1.0",
    name_zh="集采价格对比", name_en="Group-purchase prices",
    description_zh="按材料和月份统计集采成交单价（中位数），与首档价格和市场参考价对比。",
    description_en="Group-purchase unit prices per material and month (median), against the first tier and the "
                   "market reference.",
    dimensions=(Field("material", "材料", "Material"), Field("month", "月份", "Month")),
    measures=(Field("price_median", "成交价中位数", "Median price", "元"),
              Field("first_tier_median", "首档价中位数", "Median first-tier price", "元"),
              Field("saving_vs_first_tier", "较首档节省", "Saving against the first tier", "%"),
              Field("market_reference", "市场参考价", "Market reference", "元"),
              Field("vs_market", "较市场参考价", "Against the market reference", "%"),
              Field("enterprises", "企业数", "Enterprises", "家"),
              Field("settlements", "结算笔数", "Settlements", "笔")),
    period="month", schedule_zh="每月 1 日 03:30 构建上月数据",
    schedule_en="On the 1st of each month at 03:30, for the month before",
    tables=("supplychain_settlement", "supplychain_groupbuy", "supplychain_pricetier", "supplychain_referenceprice",
            "supplychain_reserve"),
    observations=observations, aggregate=aggregate))
