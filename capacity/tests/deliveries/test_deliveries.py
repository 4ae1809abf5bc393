"""Delivery and acceptance: the supplier delivers under a note, the buyer inspects each delivered line once; the
accepted value is fixed to the fen per inspection; lines and work orders complete on the facts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from capacity.models import Delivery, DeliveryLine, SupplierProfile, WorkOrder, WorkOrderLine
from capacity.selectors.deliveries import accepted_value
from capacity.services import deliveries, work_orders
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import OutboxEvent
from tests.support import race

TODAY = timezone.localdate


def lines_by_part(work_order):
    with brain_context(work_order.brain_id):
        return {line.part.part_no: line for line in work_order.lines.select_related("part", "work_order")}


def project_of(work_order):
    with brain_context(work_order.brain_id):
        return WorkOrder.objects.values_list("rfq__project_id", flat=True).get(pk=work_order.pk)


def value_of(work_order):
    with brain_context(work_order.brain_id):
        return accepted_value(WorkOrder.objects.get(pk=work_order.pk))


def fresh(obj):
    with brain_context(obj.brain_id):
        return type(obj).objects.get(pk=obj.pk)


def events(brain, name):
    with brain_context(brain.pk):
        return list(OutboxEvent.objects.filter(name=name).order_by("pk").values_list("payload", flat=True))


def deliver(work_order, by, quantities, number="SH-001", on=None):
    return deliveries.delivery_record(work_order=work_order, by=by, note_number=number,
                                      delivered_on=on or TODAY(), lines={line.pk: q for line, q in quantities})


def rows_of(delivery):
    with brain_context(delivery.brain_id):
        return {row.line.part.part_no: row for row in delivery.lines.select_related("line__part", "delivery")}


@pytest.fixture
def wo(accepted):
    """shop_a's accepted work order: CAV-01 (1 piece at 18000.00, due in 30 days) and EJ-01 heat treatment (40 at
    30.00, no due date)."""
    work_order, _lines = accepted
    return work_order, lines_by_part(work_order)


class TestRecording:
    def test_the_supplier_records_a_delivery_and_the_line_counts_the_pieces(self, wo, shop_a, mould):
        work_order, lines = wo
        delivery = deliver(work_order, shop_a, [(lines["EJ-01"], 15)])
        assert fresh(lines["EJ-01"]).delivered_quantity == 15 and fresh(lines["EJ-01"]).outstanding_quantity == 25
        row = rows_of(delivery)["EJ-01"]
        assert row.quantity == 15 and row.outcome == DeliveryLine.Outcome.PENDING
        [payload] = events(mould, "delivery.recorded")
        assert payload == {"work_order": work_order.pk, "rfq": work_order.rfq_id, "project": project_of(work_order),
                           "delivery": delivery.pk, "lines": [lines["EJ-01"].pk]}

    def test_partial_deliveries_add_up_and_over_delivery_is_refused(self, wo, shop_a):
        work_order, lines = wo
        pins = lines["EJ-01"]
        deliver(work_order, shop_a, [(pins, 15)], "SH-001")
        deliver(work_order, shop_a, [(pins, 25)], "SH-002")
        with pytest.raises(DomainError) as error:
            deliver(work_order, shop_a, [(pins, 1)], "SH-003")
        assert error.value.code == "over_delivery" and error.value.field == "lines"
        assert fresh(pins).delivered_quantity == 40

    def test_a_delivery_with_one_line_too_many_writes_nothing(self, wo, shop_a, in_brain):
        work_order, lines = wo
        with pytest.raises(DomainError):
            deliver(work_order, shop_a, [(lines["EJ-01"], 10), (lines["CAV-01"], 2)])
        assert fresh(lines["EJ-01"]).delivered_quantity == 0
        with in_brain(work_order.brain):
            assert not Delivery.objects.exists() and not DeliveryLine.objects.exists()

    @pytest.mark.parametrize("change, field", [
        ({"note_number": "  "}, "note_number"),
        ({"note_number": "X" * 41}, "note_number"),
        ({"delivered_on": "tomorrow"}, "delivered_on"),
        ({"delivered_on": "yesterday"}, "delivered_on"),  # before the work order was accepted (today)
        ({"lines": {}}, "lines"),
        ({"lines": "zero"}, "lines"),
        ({"lines": "fraction"}, "lines"),
        ({"note": "长" * 501}, "note"),
    ])
    def test_bad_input_is_refused_with_the_field_at_fault(self, wo, shop_a, change, field, in_brain):
        work_order, lines = wo
        pins = lines["EJ-01"]
        kwargs = {"note_number": "SH-001", "delivered_on": TODAY(), "lines": {pins.pk: 5}}
        dates = {"tomorrow": TODAY() + timedelta(days=1), "yesterday": TODAY() - timedelta(days=1)}
        quantities = {"zero": {pins.pk: 0}, "fraction": {pins.pk: 2.5}}
        value = next(iter(change.values()))
        kwargs.update({k: dates.get(v, quantities.get(v, v)) if isinstance(v, str) else v for k, v in change.items()})
        with pytest.raises(DomainError) as error:
            deliveries.delivery_record(work_order=work_order, by=shop_a, **kwargs)
        assert error.value.field == field, value
        with in_brain(work_order.brain):
            assert not Delivery.objects.exists()

    def test_a_note_number_is_used_once_per_work_order(self, wo, shop_a):
        work_order, lines = wo
        deliver(work_order, shop_a, [(lines["EJ-01"], 5)], " SH-001 ")
        with pytest.raises(DomainError) as error:
            deliver(work_order, shop_a, [(lines["EJ-01"], 5)], "SH-001")
        assert error.value.code == "duplicate" and error.value.field == "note_number"
        assert fresh(lines["EJ-01"]).delivered_quantity == 5

    def test_only_lines_of_this_work_order_can_be_delivered(self, wo, shop_a, in_brain):
        work_order, lines = wo
        with pytest.raises(DomainError) as error:
            deliveries.delivery_record(work_order=work_order, by=shop_a, note_number="SH-1", delivered_on=TODAY(),
                                       lines={999_999: 1})
        assert error.value.field == "lines"

    def test_only_the_supplier_records_and_only_in_production(self, awarded, shop_a, shop_b, alice, charlie):
        work_order, _lines, _b = awarded  # issued, not yet accepted
        pins = lines_by_part(work_order)["EJ-01"]
        for stranger in (alice, shop_b, charlie):
            with pytest.raises(NotAllowed):
                deliver(work_order, stranger, [(pins, 1)])
        with pytest.raises(DomainError) as error:
            deliver(work_order, shop_a, [(pins, 1)])
        assert error.value.code == "invalid_state"
        work_orders.work_order_accept(work_order=work_order, by=shop_a)
        assert deliver(work_order, shop_a, [(pins, 1)]).pk


class TestInspection:
    def test_accepting_fixes_the_value_to_the_fen_and_adds_it_to_the_work_order(self, wo, shop_a, alice, mould,
                                                                                in_brain):
        work_order, lines = wo
        pins = lines["EJ-01"]
        with in_brain(mould):
            WorkOrderLine.objects.filter(pk=pins.pk).update(unit_price=Decimal("12.37"))
        row = rows_of(deliver(work_order, shop_a, [(pins, 7)]))["EJ-01"]
        inspected = deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="accepted")
        assert inspected.accepted_quantity == 7 and inspected.rejected_quantity == 0
        assert inspected.amount == Decimal("86.59") and inspected.tax == Decimal("9.96")  # 86.59 − 86.59/1.13
        assert inspected.accepted_on == TODAY() and inspected.inspected_by_id == alice.pk
        work_order = fresh(work_order)
        assert (work_order.accepted_amount, work_order.accepted_tax) == (Decimal("86.59"), Decimal("9.96"))
        assert work_order.accepted_net == Decimal("76.63") and work_order.last_accepted_on == TODAY()
        assert fresh(pins).accepted_quantity == 7
        [payload] = events(mould, "delivery.inspected")
        assert payload["outcome"] == "accepted" and payload["project"] == project_of(work_order)

    def test_the_vat_of_inspections_adds_up_to_the_vat_of_all_accepted_to_the_fen(self, wo, shop_a, alice, mould,
                                                                                   in_brain):
        """Three pieces of 12.37 accepted one by one: each inspection's VAT is worked out on the line's running
        total (1.42, 1.43, 1.42), so together they are 4.27, the VAT of 37.11, as on the purchase order."""
        work_order, lines = wo
        pins = lines["EJ-01"]
        with in_brain(mould):
            WorkOrderLine.objects.filter(pk=pins.pk).update(unit_price=Decimal("12.37"))
        taxes = []
        for number in ("SH-1", "SH-2", "SH-3"):
            row = rows_of(deliver(work_order, shop_a, [(pins, 1)], number))["EJ-01"]
            taxes.append(deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="accepted").tax)
        assert taxes == [Decimal("1.42"), Decimal("1.43"), Decimal("1.42")]
        work_order = fresh(work_order)
        assert work_order.accepted_amount == Decimal("37.11") and work_order.accepted_tax == Decimal("4.27")
        value = value_of(work_order)
        assert value["amount"] == sum(line["amount"] for line in value["lines"])
        assert value["tax"] == sum(line["tax"] for line in value["lines"]) and value["net"] == Decimal("32.84")

    def test_a_line_completes_on_its_latest_accepted_delivery_whatever_the_inspection_order(self, wo, shop_a, alice,
                                                                                            mould, in_brain):
        work_order, lines = wo
        pins = lines["EJ-01"]
        with in_brain(mould):
            WorkOrderLine.objects.filter(pk=pins.pk).update(due_date=TODAY() - timedelta(days=3))
            WorkOrder.objects.filter(pk=work_order.pk).update(decided_at=timezone.now() - timedelta(days=10))
        early = rows_of(deliver(work_order, shop_a, [(pins, 20)], "SH-E", on=TODAY() - timedelta(days=5)))
        late = rows_of(deliver(work_order, shop_a, [(pins, 20)], "SH-L", on=TODAY() - timedelta(days=1)))
        deliveries.delivery_inspect(delivery_line=late["EJ-01"], by=alice, outcome="accepted")
        deliveries.delivery_inspect(delivery_line=early["EJ-01"], by=alice, outcome="accepted")
        line = fresh(pins)
        assert (line.completed_on, line.on_time) == (TODAY() - timedelta(days=1), False)

    def test_rejection_then_redelivery_completes_the_line_on_the_redelivery_date(self, wo, shop_a, alice, mould):
        work_order, lines = wo
        pins = lines["EJ-01"]
        first = rows_of(deliver(work_order, shop_a, [(pins, 40)], "SH-1"))["EJ-01"]
        rejected = deliveries.delivery_inspect(delivery_line=first, by=alice, outcome="rejected", rejected_quantity=5,
                                               reason="硬度不足 HRC52")
        assert (rejected.accepted_quantity, rejected.rejected_quantity) == (35, 5)
        assert rejected.amount == Decimal("1050.00") and rejected.reason == "硬度不足 HRC52"
        pins = fresh(pins)
        assert (pins.accepted_quantity, pins.rejected_quantity, pins.outstanding_quantity) == (35, 5, 5)
        assert pins.completed_on is None
        with pytest.raises(DomainError):  # only the 5 refused pieces are owed
            deliver(work_order, shop_a, [(pins, 6)], "SH-2")
        again = rows_of(deliver(work_order, shop_a, [(pins, 5)], "SH-2"))["EJ-01"]
        deliveries.delivery_inspect(delivery_line=again, by=alice, outcome="accepted")
        pins = fresh(pins)
        assert (pins.delivered_quantity, pins.accepted_quantity, pins.outstanding_quantity) == (45, 40, 0)
        assert pins.completed_on == TODAY() and pins.on_time is True  # no due date: on time
        assert fresh(work_order).accepted_amount == Decimal("1200.00")
        assert fresh(work_order).status == WorkOrder.Status.ACCEPTED  # the cavity is still open

    def test_rework_sends_pieces_back_and_they_are_owed_again(self, wo, shop_a, alice, mould):
        work_order, lines = wo
        row = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 10)]))["EJ-01"]
        reworked = deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="rework", rejected_quantity=10,
                                               reason="表面有划痕，需抛光")
        assert reworked.outcome == "rework" and reworked.accepted_quantity == 0 and reworked.amount == Decimal("0.00")
        pins = fresh(lines["EJ-01"])
        assert pins.rejected_quantity == 10 and pins.outstanding_quantity == 40
        work_order = fresh(work_order)
        assert work_order.accepted_amount == Decimal("0.00") and work_order.last_accepted_on is None
        assert events(mould, "delivery.inspected")[0]["outcome"] == "rework"

    @pytest.mark.parametrize("kwargs, field", [
        ({"outcome": "lost"}, "outcome"),
        ({"outcome": "accepted", "rejected_quantity": 2}, "rejected_quantity"),
        ({"outcome": "rejected", "rejected_quantity": 0, "reason": "坏"}, "rejected_quantity"),
        ({"outcome": "rejected", "rejected_quantity": 11, "reason": "坏"}, "rejected_quantity"),
        ({"outcome": "rework", "rejected_quantity": 2, "reason": "  "}, "reason"),
        ({"outcome": "rejected", "rejected_quantity": 2, "reason": "坏" * 501}, "reason"),
        ({"outcome": "accepted", "inspected_on": "tomorrow"}, "inspected_on"),
        ({"outcome": "accepted", "inspected_on": "before delivery"}, "inspected_on"),
    ])
    def test_bad_inspections_are_refused_and_change_nothing(self, wo, shop_a, alice, kwargs, field):
        work_order, lines = wo
        row = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 10)]))["EJ-01"]
        dates = {"tomorrow": TODAY() + timedelta(days=1), "before delivery": TODAY() - timedelta(days=1)}
        kwargs = {k: dates.get(v, v) if k == "inspected_on" else v for k, v in kwargs.items()}
        with pytest.raises(DomainError) as error:
            deliveries.delivery_inspect(delivery_line=row, by=alice, **kwargs)
        assert error.value.field == field
        assert fresh(row).outcome == "pending" and fresh(lines["EJ-01"]).accepted_quantity == 0

    def test_a_delivery_line_is_inspected_once(self, wo, shop_a, alice):
        work_order, lines = wo
        row = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 10)]))["EJ-01"]
        deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="accepted")
        with pytest.raises(DomainError) as error:
            deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="rejected", rejected_quantity=1,
                                        reason="复检")
        assert error.value.code == "already_inspected"
        assert fresh(lines["EJ-01"]).accepted_quantity == 10 and fresh(work_order).accepted_amount == Decimal("300.00")

    def test_only_the_buyer_inspects(self, wo, shop_a, shop_b, charlie, bob):
        work_order, lines = wo
        row = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 10)]))["EJ-01"]
        for stranger in (shop_a, shop_b, charlie):
            with pytest.raises(NotAllowed):
                deliveries.delivery_inspect(delivery_line=row, by=stranger, outcome="accepted")
        assert deliveries.delivery_inspect(delivery_line=row, by=bob, outcome="accepted").inspected_by_id == bob.pk

    def test_a_line_reduced_after_delivery_cannot_accept_more_than_its_quantity(self, wo, shop_a, alice, mould,
                                                                                in_brain):
        work_order, lines = wo
        row = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 40)]))["EJ-01"]
        with in_brain(mould):  # as an accepted change request would
            WorkOrderLine.objects.filter(pk=lines["EJ-01"].pk).update(quantity=30)
        with pytest.raises(DomainError) as error:
            deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="accepted")
        assert error.value.code == "over_quantity"
        done = deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="rejected", rejected_quantity=10,
                                           reason="超出变更后的数量，退回")
        assert done.accepted_quantity == 30 and fresh(lines["EJ-01"]).completed_on == TODAY()


@pytest.mark.django_db(transaction=True)
def test_two_inspectors_at_once_inspect_once(accepted, shop_a, alice, bob, in_brain):
    work_order, _ = accepted
    pins = lines_by_part(work_order)["EJ-01"]
    row = rows_of(deliver(work_order, shop_a, [(pins, 10)]))["EJ-01"]
    results = race(lambda: deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="accepted"),
                   lambda: deliveries.delivery_inspect(delivery_line=row, by=bob, outcome="rejected",
                                                       rejected_quantity=10, reason="尺寸超差"))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and getattr(errors[0], "code", None) == "already_inspected", results
    pins = fresh(pins)
    assert pins.accepted_quantity + pins.rejected_quantity == 10  # counted once, not twice
    with in_brain(work_order.brain):
        assert len(OutboxEvent.objects.filter(name="delivery.inspected")) == 1


class TestCompletion:
    def accept_all(self, work_order, lines, shop_a, alice, on=None, number="SH-ALL"):
        delivery = deliver(work_order, shop_a, [(lines["CAV-01"], 1), (lines["EJ-01"], 40)], number, on=on)
        for row in rows_of(delivery).values():
            deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="accepted")

    def test_the_work_order_completes_only_when_every_line_is_accepted(self, wo, shop_a, alice, mould):
        work_order, lines = wo
        pins_row = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 40)], "SH-1"))["EJ-01"]
        deliveries.delivery_inspect(delivery_line=pins_row, by=alice, outcome="accepted")
        assert fresh(work_order).status == WorkOrder.Status.ACCEPTED and not events(mould, "work_order.completed")
        cavity_row = rows_of(deliver(work_order, shop_a, [(lines["CAV-01"], 1)], "SH-2"))["CAV-01"]
        deliveries.delivery_inspect(delivery_line=cavity_row, by=alice, outcome="rejected", rejected_quantity=1,
                                    reason="型腔尺寸超差 0.03")
        assert fresh(work_order).status == WorkOrder.Status.ACCEPTED  # rejected: still owed
        cavity_row = rows_of(deliver(work_order, shop_a, [(lines["CAV-01"], 1)], "SH-3"))["CAV-01"]
        deliveries.delivery_inspect(delivery_line=cavity_row, by=alice, outcome="accepted")
        work_order = fresh(work_order)
        assert work_order.status == WorkOrder.Status.COMPLETED and work_order.completed_at is not None
        assert work_order.accepted_amount == Decimal("19200.00")  # 18000 + 40 × 30
        assert work_order.accepted_tax == Decimal("2070.80") + Decimal("138.05")
        assert events(mould, "work_order.completed") == [
            {"work_order": work_order.pk, "rfq": work_order.rfq_id, "project": project_of(work_order)}]
        with pytest.raises(DomainError) as error:  # nothing more to deliver on a completed work order
            deliver(work_order, shop_a, [(lines["EJ-01"], 1)], "SH-4")
        assert error.value.code == "invalid_state"

    def test_delivered_exactly_on_the_due_date_is_on_time_a_day_later_is_late(self, wo, shop_a, alice, mould, in_brain):
        work_order, lines = wo
        due = TODAY() - timedelta(days=2)
        with in_brain(mould):
            WorkOrder.objects.filter(pk=work_order.pk).update(decided_at=timezone.now() - timedelta(days=10))
            WorkOrderLine.objects.filter(pk=lines["CAV-01"].pk).update(due_date=due)
            WorkOrderLine.objects.filter(pk=lines["EJ-01"].pk).update(due_date=due)
        cavity = rows_of(deliver(work_order, shop_a, [(lines["CAV-01"], 1)], "SH-1", on=due))["CAV-01"]
        pins = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 40)], "SH-2", on=due + timedelta(days=1)))
        deliveries.delivery_inspect(delivery_line=cavity, by=alice, outcome="accepted")
        deliveries.delivery_inspect(delivery_line=pins["EJ-01"], by=alice, outcome="accepted")
        cavity_line, pins_line = fresh(lines["CAV-01"]), fresh(lines["EJ-01"])
        assert (cavity_line.completed_on, cavity_line.on_time) == (due, True)
        assert (pins_line.completed_on, pins_line.on_time) == (due + timedelta(days=1), False)
        with in_brain(mould):
            profile = SupplierProfile.objects.get(enterprise_id=shop_a.enterprise_id)
        assert profile.completed_lines == 2 and profile.on_time_rate == Decimal("0.500")

    def test_the_accepted_value_for_finance(self, wo, shop_a, alice):
        work_order, lines = wo
        first = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 40)], "SH-1"))["EJ-01"]
        deliveries.delivery_inspect(delivery_line=first, by=alice, outcome="rejected", rejected_quantity=4,
                                    reason="裂纹")
        value = value_of(work_order)
        assert value["currency"] == "CNY" and value["status"] == "accepted" and value["completed_at"] is None
        assert (value["amount"], value["tax"], value["net"]) == (Decimal("1080.00"), Decimal("124.25"),
                                                                 Decimal("955.75"))
        assert value["first_accepted_on"] == value["last_accepted_on"] == TODAY()
        [line] = value["lines"]
        assert line["note_number"] == "SH-1" and line["part_no"] == "EJ-01" and line["process"] == "HT"
        assert (line["quantity"], line["accepted_quantity"], line["rejected_quantity"]) == (40, 36, 4)
        assert line["outcome"] == "rejected" and line["delivered_on"] == TODAY()
        pending = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 4)], "SH-2"))["EJ-01"]
        assert len(value_of(work_order)["lines"]) == 1  # not inspected: not a fact yet
        assert pending.outcome == "pending"

    def test_the_supplier_record_follows_each_inspection(self, wo, shop_a, alice, in_brain):
        work_order, lines = wo
        row = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 40)], "SH-1"))["EJ-01"]
        deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="rework", rejected_quantity=10, reason="毛刺")
        with in_brain(work_order.brain):
            profile = SupplierProfile.objects.get(enterprise_id=shop_a.enterprise_id)
        assert profile.first_pass_yield == Decimal("0.750") and profile.completed_lines == 0
        assert profile.on_time_rate is None


def test_pieces_left_pending_on_a_completed_work_order_can_only_be_refused(accepted, shop_a, alice, mould, in_brain):
    """Two deliveries of 20 pins are waiting when the line's quantity is cut to 20 (an accepted change request):
    the first completes it, and the surplus can still be inspected — refused, never accepted."""
    work_order, _ = accepted
    lines = lines_by_part(work_order)
    first = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 20), (lines["CAV-01"], 1)], "SH-1"))
    second = rows_of(deliver(work_order, shop_a, [(lines["EJ-01"], 20)], "SH-2"))["EJ-01"]
    with in_brain(mould):
        WorkOrderLine.objects.filter(pk=lines["EJ-01"].pk).update(quantity=20)
    for row in first.values():
        deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="accepted")
    assert fresh(work_order).status == WorkOrder.Status.COMPLETED
    with pytest.raises(DomainError) as error:
        deliveries.delivery_inspect(delivery_line=second, by=alice, outcome="accepted")
    assert error.value.code == "over_quantity"
    refused = deliveries.delivery_inspect(delivery_line=second, by=alice, outcome="rejected", rejected_quantity=20,
                                          reason="数量已变更，多送退回")
    assert refused.amount == Decimal("0.00") and fresh(work_order).status == WorkOrder.Status.COMPLETED
    assert len(events(mould, "work_order.completed")) == 1
