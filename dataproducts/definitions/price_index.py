"""Machining price index: awarded unit prices (VAT included) per process, material family and month."""

from django.db.models import Case, CharField, Count, F, Min, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from capacity.models import Award, Operation
from dataproducts.definitions import Definition, Field, bounds, percentile, register, yuan
from dataproducts.definitions.sql import Fen, LocalMonth
from dataproducts.privacy import Observation

# Mould steels and the other materials of the demo's parts, by family: a price depends on the family far more than
# on the grade, and a grade alone would leave too few suppliers per cell.
FAMILIES = (
    ("plastic", "塑料模具钢", "Plastic mould steel", ("P20", "718", "718H", "NAK80", "S136", "S136H", "2738", "3Cr2Mo")),
    ("hot_work", "热作模具钢", "Hot-work steel", ("H13", "SKD61", "8407", "4Cr5MoSiV1")),
    ("cold_work", "冷作模具钢", "Cold-work steel", ("SKD11", "Cr12MoV", "Cr12", "D2", "DC53")),
    ("carbon", "碳素结构钢", "Carbon steel", ("45#", "45", "Q235", "S50C")),
    ("aluminium", "铝合金", "Aluminium alloy", ("6061", "7075", "AL6061", "AL7075")),
    ("copper", "铜及铜合金", "Copper alloy", ("铜", "紫铜", "黄铜", "C1100", "H62")),
)
OTHER = ("other", "其他材料", "Other materials")
FAMILY_CHOICES = tuple((code, zh, en) for code, zh, en, _grades in FAMILIES) + (OTHER,)


def family_of(material_field: str) -> Case:
    return Case(*(When(**{f"{material_field}__in": grades}, then=Value(code)) for code, _zh, _en, grades in FAMILIES),
                default=Value(OTHER[0]), output_field=CharField())


def process_of_line():
    """The line's process: its operation's, or, for a line of a whole part, the part's only operation's (a part of
    several processes has no one process price, and is left out)."""
    only = (Operation.objects.filter(part=OuterRef("rfq_line__part")).order_by().values("part")
            .annotate(n=Count("pk"), code=Min("process__code")).filter(n=1).values("code"))
    return Coalesce(F("rfq_line__operation__process__code"), Subquery(only), output_field=CharField())


def awarded_lines(brain, first, last, exclude):
    """Awarded, not voided lines awarded in [first, last], their process known."""
    start, end = bounds(first, last)
    lines = (Award.objects.in_brain(brain)
             .filter(voided_at__isnull=True, awarded_at__gte=start, awarded_at__lt=end)
             .annotate(process=process_of_line()).filter(process__isnull=False))
    if exclude:
        lines = lines.exclude(purchase_order__supplier_id__in=exclude)
    return lines


def observations(brain, first, last, exclude=()):
    rows = (awarded_lines(brain, first, last, exclude)
            .annotate(month=LocalMonth("awarded_at"), family=family_of("rfq_line__part__material"),
                      price=Fen("unit_price"))
            .values_list("process", "family", "month", "purchase_order__supplier_id",
                         "price", "quantity")
            .order_by())
    for process, family, month, supplier, price, quantity in rows.iterator(chunk_size=20_000):
        yield Observation((process, family, month), supplier, price * quantity, price)


def aggregate(prices: list, enterprises: int) -> dict:
    prices = sorted(prices)
    return {"median": yuan(percentile(prices, 0.5)), "p25": yuan(percentile(prices, 0.25)),
            "p75": yuan(percentile(prices, 0.75)), "enterprises": enterprises, "lines": len(prices)}


PRICE_INDEX = register(Definition(
    code="price_index", version="1.0",
    name_zh="外协加工价格指数", name_en="Machining price index",
    description_zh="按工序、材料类别和月份统计的定标单价（含税）：中位数、25 与 75 分位数、企业数和明细行数。"
                   "只取已定标且未作废的报价行。",
    description_en="Awarded unit prices (VAT included) per process, material family and month: median, 25th and "
                   "75th percentiles, enterprises and lines. Only awarded lines that were not voided.",
    dimensions=(Field("process", "工序", "Process"),
                Field("material", "材料类别", "Material family", choices=FAMILY_CHOICES),
                Field("month", "月份", "Month")),
    measures=(Field("median", "单价中位数", "Median unit price", "元"),
              Field("p25", "25 分位", "25th percentile", "元"),
              Field("p75", "75 分位", "75th percentile", "元"),
              Field("enterprises", "企业数", "Enterprises", "家"),
              Field("lines", "明细行数", "Lines", "行")),
    period="month", schedule_zh="每月 1 日 03:30 构建上月数据", schedule_en="On the 1st of each month at 03:30, for "
    "the month before",
    tables=("capacity_award", "capacity_purchaseorder", "capacity_rfqline", "capacity_operation", "capacity_part",
            "tenants_process"),  # the order is the lineage's: the award first
    observations=observations, aggregate=aggregate))
