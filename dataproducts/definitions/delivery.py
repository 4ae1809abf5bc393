"""Lead time and on-time delivery per process and month: work order lines completed in the month, the days from
award to the delivery that completed them, and whether that was on or before the due date."""

from django.db.models import CharField, Count, F, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce

from capacity.models import Operation, WorkOrderLine
from dataproducts.definitions import LOCAL, Definition, Field, one_place, percentile, register
from dataproducts.definitions.sql import Fen
from dataproducts.privacy import Observation


def observations(brain, first, last, exclude=()):
    only = (Operation.objects.filter(part=OuterRef("part")).order_by().values("part")
            .annotate(n=Count("pk"), code=Min("process__code")).filter(n=1).values("code"))
    lines = (WorkOrderLine.objects.in_brain(brain)
             .filter(completed_on__gte=first, completed_on__lte=last, on_time__isnull=False)
             .annotate(process=Coalesce(F("operation__process__code"), Subquery(only), output_field=CharField()))
             .filter(process__isnull=False))
    if exclude:
        lines = lines.exclude(work_order__supplier_id__in=exclude)
    rows = (lines.annotate(value=Fen(F("unit_price") * F("quantity")))
            .values_list("process", "completed_on", "work_order__supplier_id", "value",
                         "award__awarded_at", "on_time")
            .order_by())
    for process, completed_on, supplier, value, awarded_at, on_time in rows.iterator(chunk_size=20_000):
        days = (completed_on - awarded_at.astimezone(LOCAL).date()).days
        yield Observation((process, completed_on.strftime("%Y-%m")), supplier, value, (days, on_time))


def aggregate(values: list, enterprises: int) -> dict:
    days = sorted(day for day, _on_time in values)
    on_time = sum(1 for _day, on_time in values if on_time)
    return {"lead_days_median": one_place(percentile(days, 0.5)), "lead_days_p75": one_place(percentile(days, 0.75)),
            "on_time_rate": one_place(on_time * 100 / len(values)) if values else None,
            "enterprises": enterprises, "lines": len(values)}


ON_TIME = register(Definition(
    code="on_time", version="1.0",
    name_zh="交期与准时交付率", name_en="Lead time and on-time delivery",
    description_zh="按工序和月份统计已完成的外协加工行：从定标到完成交付的天数（中位数、75 分位）和准时交付率。",
    description_en="Completed outsourced lines per process and month: days from award to the completing delivery "
                   "(median, 75th percentile) and the share delivered on time.",
    dimensions=(Field("process", "工序", "Process"), Field("month", "月份", "Month")),
    measures=(Field("lead_days_median", "交期中位数", "Median lead time", "天"),
              Field("lead_days_p75", "交期 75 分位", "75th percentile lead time", "天"),
              Field("on_time_rate", "准时交付率", "On-time rate", "%"),
              Field("enterprises", "企业数", "Enterprises", "家"),
              Field("lines", "明细行数", "Lines", "行")),
    period="month", schedule_zh="每月 1 日 03:30 构建上月数据",
    schedule_en="On the 1st of each month at 03:30, for the month before",
    tables=("capacity_workorderline", "capacity_workorder", "capacity_award", "capacity_operation",
            "tenants_process"),
    observations=observations, aggregate=aggregate))
