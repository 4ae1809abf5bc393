"""Free capacity per process and region (GB/T 2260 prefecture prefix) per week, from the suppliers' profiles as they
stand when the week is built (profiles keep no history: the week's revision is its snapshot)."""

from django.db.models import BigIntegerField, CharField, F, Func, Value
from django.db.models.functions import Coalesce, NullIf, Substr

from capacity.models import SupplierCapacity
from dataproducts.definitions import Definition, Field, one_place, percentile, register
from dataproducts.definitions.regions import PREFECTURES
from dataproducts.privacy import Observation


class Tenths(Func):
    template = "(%(expressions)s * 10)::bigint"
    output_field = BigIntegerField()


def observations(brain, first, last, exclude=()):
    year, week, _day = first.isocalendar()
    label = f"{year}-W{week:02d}"
    capacities = SupplierCapacity.objects.in_brain(brain).filter(weekly_free_hours__gt=0)
    if exclude:
        capacities = capacities.exclude(profile__enterprise_id__in=exclude)
    region = Substr(Coalesce(NullIf(F("profile__region_code"), Value("")), F("profile__enterprise__region_code"),
                             output_field=CharField()), 1, 4)
    rows = (capacities.annotate(region=region, tenths=Tenths(F("weekly_free_hours")))
            .values_list("process__code", "region", "profile__enterprise_id", "tenths").order_by())
    for process, prefix, enterprise, tenths in rows.iterator(chunk_size=20_000):
        yield Observation((process, prefix, label), enterprise, tenths, tenths)


def aggregate(values: list, enterprises: int) -> dict:
    tenths = sorted(values)
    median = percentile(tenths, 0.5)
    return {"free_hours": one_place(sum(tenths) / 10), "free_hours_median": one_place(median / 10) if tenths else None,
            "enterprises": enterprises}


FREE_CAPACITY = register(Definition(
    code="free_capacity", version="1.0",
    name_zh="空闲产能周报", name_en="Free capacity by week",
    description_zh="按工序和地区（GB/T 2260 地市前缀）统计供应商档案中的每周空闲工时：合计、每家中位数和企业数。",
    description_en="Free machine hours per week in supplier profiles, per process and region (GB/T 2260 prefecture "
                   "prefix): total, median per supplier, enterprises.",
    dimensions=(Field("process", "工序", "Process"), Field("region", "地区", "Region", choices=PREFECTURES),
                Field("week", "周", "Week")),
    measures=(Field("free_hours", "空闲工时合计", "Free hours", "小时"),
              Field("free_hours_median", "每家空闲工时中位数", "Median free hours per supplier", "小时"),
              Field("enterprises", "企业数", "Enterprises", "家")),
    period="week", schedule_zh="每周一 04:00 构建上周数据", schedule_en="Mondays at 04:00, for the week before",
    tables=("capacity_suppliercapacity", "capacity_supplierprofile", "tenants_enterprise", "tenants_process"),
    observations=observations, aggregate=aggregate))
