"""Capacity fixtures: alice's mould maker (buyer) with a project; two machining shops; charlie elsewhere."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from capacity.models import Rfq, WorkOrder
from capacity.services import awards, profiles, projects, rfqs
from conftest import join, make_enterprise, make_user
from tenants.access import brain_access
from tenants.context import brain_context


@pytest.fixture
def shop_a(mould):
    enterprise = make_enterprise(11, "台州市黄岩宏达精密机械加工厂")
    join(mould, enterprise, roles=("supplier",))
    return make_user("hongda", enterprise=enterprise)


@pytest.fixture
def shop_b(mould):
    enterprise = make_enterprise(12, "黄岩永盛数控加工有限公司")
    join(mould, enterprise, roles=("supplier",))
    return make_user("yongsheng", enterprise=enterprise)


def big_cnc(hours="80"):
    return dict(
        capacities=[{"process": "CNC", "weekly_free_hours": Decimal(hours)},
                    {"process": "HT", "weekly_free_hours": Decimal("40")}],
        machines=[{"process": "CNC", "machine_type": "立式加工中心", "brand": "MAZAK", "model": "VCN-700", "count": 2,
                   "envelope_x_mm": 1300, "envelope_y_mm": 700, "envelope_z_mm": 650,
                   "max_weight_kg": Decimal("1200"), "tolerance_mm": Decimal("0.005")}],
        materials=["718H", "P20", "NAK80", "SKD61"],
    )


@pytest.fixture
def profiled(mould, shop_a, shop_b):
    profiles.profile_save(brain=mould, by=shop_a, **big_cnc())
    small = big_cnc(hours="10")
    small["machines"][0].update(envelope_x_mm=500, envelope_y_mm=400, envelope_z_mm=300, tolerance_mm=Decimal("0.02"))
    profiles.profile_save(brain=mould, by=shop_b, **small)
    return shop_a, shop_b


@pytest.fixture
def project(mould, alice):
    return projects.project_create(brain=mould, by=alice, code="M-2026-018", name="空调挂机支架模具",
                                   customer="奥克斯空调", due_date=timezone.localdate() + timedelta(days=60))


@pytest.fixture
def parts(project, alice):
    made = {}
    made["cavity"] = projects.part_save(
        project=project, by=alice, part_no="CAV-01", name="型腔镶件", quantity=1, material="718H",
        length_mm=Decimal("600"), width_mm=Decimal("400"), height_mm=Decimal("180"), tolerance_mm=Decimal("0.01"),
        due_date=timezone.localdate() + timedelta(days=30), processes=["CNC", "HT"])
    made["pin"] = projects.part_save(
        project=project, by=alice, part_no="EJ-01", name="顶针", quantity=40, material="SKD61",
        length_mm=Decimal("200"), width_mm=Decimal("8"), height_mm=Decimal("8"), processes=["HT"])
    return made


def operation_of(part, code):
    with brain_context(part.brain_id):
        return part.operations.get(process__code=code)


@pytest.fixture
def open_rfq(project, parts, alice):
    rfq = rfqs.rfq_create(
        project=project, by=alice, title="型腔与顶针外协", deadline=timezone.now() + timedelta(days=2),
        lines=[{"part": parts["cavity"].pk}, {"part": parts["pin"].pk, "operation": operation_of(parts["pin"], "HT").pk}],
    )
    return rfqs.rfq_publish(rfq=rfq, by=alice)


def lines_of(rfq):
    with brain_context(rfq.brain_id):
        return list(rfq.lines.select_related("part", "operation__process").order_by("line_no"))


def past_deadline(rfq):
    """Move the deadline into the past, as the clock would."""
    with brain_context(rfq.brain_id):
        Rfq.objects.filter(pk=rfq.pk).update(deadline=timezone.now() - timedelta(seconds=1))
        rfq.refresh_from_db()
    return rfq


def price(rfq_line, unit, days=10):
    return {"rfq_line": rfq_line.pk, "unit_price": Decimal(unit), "vat_rate": Decimal("13.00"), "lead_time_days": days}




@pytest.fixture
def awarded(open_rfq, shop_a, shop_b, alice, parts, in_brain):
    cavity, pin = lines_of(open_rfq)
    quote_a = rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "18000", 20), price(pin, "30", 7)])
    quote_b = rfqs.quote_submit(rfq=open_rfq, by=shop_b, lines=[price(cavity, "19000", 25)])
    past_deadline(open_rfq)
    with in_brain(open_rfq.brain):
        a = {ql.rfq_line_id: ql.pk for ql in quote_a.lines.all()}
        b = {ql.rfq_line_id: ql.pk for ql in quote_b.lines.all()}
    [order] = awards.award_lines(rfq=open_rfq, decisions=a, by=alice)
    with in_brain(open_rfq.brain):
        work_order = WorkOrder.objects.get(purchase_order=order)
    return work_order, (cavity, pin), b


@pytest.fixture
def accepted(awarded, shop_a):
    """shop_a's work order for the cavity (whole part: CNC, HT) and the pins' heat treatment, accepted."""
    from capacity.services import work_orders

    work_order, lines, _b = awarded
    return work_orders.work_order_accept(work_order=work_order, by=shop_a), lines


def viewer_of(user, project):
    """The user as a viewer of the project's brain, as a request in that brain would see it."""
    with brain_context(project.brain_id):
        return brain_access(user=user, brain=project.brain)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # uploads stay out of the shared data folder


@pytest.fixture
def zhang(mould):
    """A buyer of the same brain, of another enterprise: a stranger to alice's projects."""
    enterprise = make_enterprise(13, "台州市瑞丰模塑有限公司")
    join(mould, enterprise, roles=("buyer",))
    return make_user("zhang", enterprise=enterprise)


# --- Tenders, for the RFQ and the award tests -------------------------------------------------------------


@pytest.fixture
def two_quotes(open_rfq, shop_a, shop_b):
    cavity, pin = lines_of(open_rfq)
    rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[
        {"rfq_line": cavity.pk, "unit_price": Decimal("12345.67"), "lead_time_days": 20}])
    rfqs.quote_submit(rfq=open_rfq, by=shop_b, lines=[
        {"rfq_line": cavity.pk, "unit_price": Decimal("76543.21"), "lead_time_days": 9}])
    return open_rfq


@pytest.fixture
def tender(project, alice, mould):
    """tender(lines, suppliers): a published RFQ of new parts, quoted by that many suppliers, past its deadline."""
    suppliers, made = [], []

    def make(line_count, supplier_count):
        while len(suppliers) < supplier_count:
            enterprise = make_enterprise(30 + len(suppliers), f"黄岩第{len(suppliers) + 1}机加工厂")
            join(mould, enterprise, roles=("supplier",))
            user = make_user(f"shop{len(suppliers)}", enterprise=enterprise)
            profiles.profile_save(brain=mould, by=user, capacities=[{"process": "CNC", "weekly_free_hours": 40}])
            suppliers.append(user)
        new = [projects.part_save(project=project, by=alice, part_no=f"C{len(made)}-{i}", name="件", quantity=2,
                                  processes=["CNC"]) for i in range(line_count)]
        made.extend(new)
        rfq = rfqs.rfq_create(project=project, by=alice, title="比价", deadline=timezone.now() + timedelta(days=1),
                              lines=[{"part": part.pk} for part in new])
        rfqs.rfq_publish(rfq=rfq, by=alice)
        for index, supplier in enumerate(suppliers[:supplier_count]):
            rfqs.quote_submit(rfq=rfq, by=supplier, lines=[
                {"rfq_line": line.pk, "unit_price": Decimal(100 + index), "lead_time_days": 5 + index}
                for line in lines_of(rfq)])
        return past_deadline(rfq), suppliers[:supplier_count]

    return make
