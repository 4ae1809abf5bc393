"""Finance fixtures: capacity's accepted work order (alice's mould maker buys from shop_a), delivered and inspected,
so payables come from the real evidence; a second-tier supplier (shop_b) to pass certificates down to."""

from datetime import timedelta

import pytest
from django.utils import timezone

from capacity.services import deliveries
from capacity.tests.conftest import accepted, awarded, open_rfq, parts, profiled, project, shop_a, shop_b  # noqa: F401
from finance.models import Payable
from finance.services import payables
from tenants.context import brain_context


def fresh(obj):
    with brain_context(obj.brain_id):
        return type(obj).objects.get(pk=obj.pk)


def deliver_and_inspect(work_order, supplier, buyer, *, number="SH-001", refuse=0, on=None):
    """One delivery note of every line's full quantity, all inspected (the pins with `refuse` pieces refused)."""
    with brain_context(work_order.brain_id):
        lines = {line.part.part_no: line for line in work_order.lines.select_related("part")}
    on = on or timezone.localdate()
    delivery = deliveries.delivery_record(work_order=work_order, by=supplier, note_number=number, delivered_on=on,
                                          lines={line.pk: line.quantity for line in lines.values()})
    with brain_context(work_order.brain_id):
        rows = {row.line.part.part_no: row for row in delivery.lines.select_related("line__part")}
    deliveries.delivery_inspect(delivery_line=rows["CAV-01"], by=buyer, outcome="accepted", inspected_on=on)
    if refuse:
        deliveries.delivery_inspect(delivery_line=rows["EJ-01"], by=buyer, outcome="rejected",
                                    rejected_quantity=refuse, reason="硬度不足", inspected_on=on)
    else:
        deliveries.delivery_inspect(delivery_line=rows["EJ-01"], by=buyer, outcome="accepted", inspected_on=on)
    return delivery


@pytest.fixture
def delivery(accepted, shop_a, alice):  # noqa: F811
    """shop_a delivered the cavity (18000.00) and 40 pins' heat treatment (30.00 each); alice accepted all:
    19200.00 with VAT (13 %)."""
    work_order, _lines = accepted
    return deliver_and_inspect(work_order, shop_a, alice)


@pytest.fixture
def payable(delivery) -> Payable:
    return payables.payable_record_from_delivery(brain_id=delivery.brain_id, delivery_id=delivery.pk)


@pytest.fixture
def confirmed(payable, alice) -> Payable:
    return payables.payable_confirm(payable=payable, by=alice)


def days(n):
    return timezone.localdate() + timedelta(days=n)
