"""Activity by region per month: enterprises posting RFQs, quoting and winning (a purchase order), by the GB/T 2260
prefecture prefix of the enterprise's registered region."""

from django.db.models import F
from django.db.models.functions import Substr

from capacity.models import PurchaseOrder, Quote, Rfq
from dataproducts.definitions import Definition, Field, bounds, register
from dataproducts.definitions.regions import PREFECTURES
from dataproducts.definitions.sql import LocalMonth
from dataproducts.privacy import Observation

KINDS = ("posting", "quoting", "winning")


def observations(brain, first, last, exclude=()):
    start, end = bounds(first, last)
    sources = (
        ("posting", Rfq.objects.in_brain(brain).filter(published_at__gte=start, published_at__lt=end), "buyer",
         "published_at"),
        ("quoting", Quote.objects.in_brain(brain).filter(submitted_at__gte=start, submitted_at__lt=end), "supplier",
         "submitted_at"),
        ("winning", PurchaseOrder.objects.in_brain(brain).filter(issued_at__gte=start, issued_at__lt=end,
                                                                 cancelled_at__isnull=True), "supplier", "issued_at"),
    )
    for kind, rows, enterprise, at in sources:
        if exclude:
            rows = rows.exclude(**{f"{enterprise}_id__in": exclude})
        rows = (rows.annotate(region=Substr(F(f"{enterprise}__region_code"), 1, 4), month=LocalMonth(at))
                .values_list("region", "month", f"{enterprise}_id").order_by())
        for region, month, enterprise_id in rows.iterator(chunk_size=20_000):
            yield Observation((region, month), enterprise_id, 1, (enterprise_id, kind))


def aggregate(values: list, enterprises: int) -> dict:
    measures = {kind: len({enterprise for enterprise, of in values if of == kind}) for kind in KINDS}
    return {**measures, "enterprises": enterprises, "records": len(values)}


ACTIVITY = register(Definition(
    code="activity", version="1.0",
    name_zh="地区活跃度", name_en="Activity by region",
    description_zh="按地区（GB/T 2260 地市前缀）和月份统计发布询价、报价和中标的企业数。",
    description_en="Enterprises posting RFQs, quoting and winning, per region (GB/T 2260 prefecture prefix) and "
                   "month.",
    dimensions=(Field("region", "地区", "Region", choices=PREFECTURES), Field("month", "月份", "Month")),
    measures=(Field("posting", "发布询价企业", "Enterprises posting", "家"),
              Field("quoting", "报价企业", "Enterprises quoting", "家"),
              Field("winning", "中标企业", "Enterprises winning", "家"),
              Field("enterprises", "活跃企业", "Active enterprises", "家"),
              Field("records", "记录数", "Records", "条")),
    period="month", schedule_zh="每月 1 日 03:30 构建上月数据",
    schedule_en="On the 1st of each month at 03:30, for the month before",
    tables=("capacity_rfq", "capacity_quote", "capacity_purchaseorder", "tenants_enterprise"),
    observations=observations, aggregate=aggregate))
