"""Ratings and the supplier record: the buyer rates a completed work order once; the record is recomputed from
the facts (ratings, completed lines, inspections) and feeds matching; who hears of deliveries and inspections."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from capacity import matching
from capacity.models import SupplierProfile, SupplierRating, WorkOrder
from capacity.services import awards, deliveries, notifications, ratings, rfqs, work_orders
from capacity.tests.conftest import lines_of, past_deadline, price
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import OutboxEvent


def lines_by_part(work_order):
    with brain_context(work_order.brain_id):
        return {line.part.part_no: line for line in work_order.lines.select_related("part")}


def complete(work_order, shop, buyer, *, refuse=0, number="SH-1"):
    """Deliver every line whole and accept it (refusing `refuse` pieces of the first, then redelivering them)."""
    lines = list(lines_by_part(work_order).values())
    delivery = deliveries.delivery_record(work_order=work_order, by=shop, note_number=number,
                                          delivered_on=timezone.localdate(), lines={l.pk: l.quantity for l in lines})
    with brain_context(work_order.brain_id):
        rows = list(delivery.lines.order_by("pk"))
    for index, row in enumerate(rows):
        if index == 0 and refuse:
            deliveries.delivery_inspect(delivery_line=row, by=buyer, outcome="rejected", rejected_quantity=refuse,
                                        reason="尺寸超差")
            again = deliveries.delivery_record(work_order=work_order, by=shop, note_number=number + "-R",
                                               delivered_on=timezone.localdate(), lines={row.line_id: refuse})
            with brain_context(work_order.brain_id):
                row = again.lines.get()
        deliveries.delivery_inspect(delivery_line=row, by=buyer, outcome="accepted")
    with brain_context(work_order.brain_id):
        return WorkOrder.objects.get(pk=work_order.pk)


def second_work_order(project, parts, alice, shop):
    """Another RFQ of the project (the pins, whole) won by `shop` and accepted."""
    rfq = rfqs.rfq_publish(rfq=rfqs.rfq_create(project=project, by=alice, title="顶针第二批",
                                               deadline=timezone.now() + timedelta(days=1),
                                               lines=[{"part": parts["pin"].pk}]), by=alice)
    quote = rfqs.quote_submit(rfq=rfq, by=shop, lines=[price(lines_of(rfq)[0], "25")])
    past_deadline(rfq)
    with brain_context(rfq.brain_id):
        quote_line = quote.lines.get()
    [order] = awards.award_lines(rfq=rfq, decisions={quote_line.rfq_line_id: quote_line.pk}, by=alice)
    with brain_context(rfq.brain_id):
        work_order = WorkOrder.objects.get(purchase_order=order)
    return work_orders.work_order_accept(work_order=work_order, by=shop)


def profile_of(user, brain):
    with brain_context(brain.pk):
        return SupplierProfile.objects.get(brain=brain, enterprise_id=user.enterprise_id)


@pytest.fixture
def completed(accepted, shop_a, alice):
    work_order, _lines = accepted
    return complete(work_order, shop_a, alice)


class TestRating:
    def test_the_buyer_rates_a_completed_work_order_once(self, completed, alice, shop_a, mould):
        rating = ratings.work_order_rate(work_order=completed, by=alice, quality=5, on_time=4, communication=4,
                                         comment=" 交期准，沟通及时 ")
        assert rating.supplier_id == shop_a.enterprise_id and rating.score == Decimal("4.33")
        assert rating.comment == "交期准，沟通及时"
        profile = profile_of(shop_a, mould)
        assert profile.rating == Decimal("4.33") and profile.ratings_count == 1
        with brain_context(mould.pk):
            [event] = OutboxEvent.objects.filter(name="work_order.rated")
        assert event.payload["work_order"] == completed.pk and event.payload["rating"] == rating.pk
        assert "project" in event.payload
        with pytest.raises(DomainError) as error:
            ratings.work_order_rate(work_order=completed, by=alice, quality=1, on_time=1, communication=1)
        assert error.value.code == "already_rated"
        assert profile_of(shop_a, mould).rating == Decimal("4.33")

    def test_a_work_order_in_production_cannot_be_rated(self, accepted, alice, mould):
        work_order, _ = accepted
        with pytest.raises(DomainError) as error:
            ratings.work_order_rate(work_order=work_order, by=alice, quality=5, on_time=5, communication=5)
        assert error.value.code == "invalid_state"
        with brain_context(mould.pk):
            assert not SupplierRating.objects.exists()

    def test_only_the_buyer_rates(self, completed, shop_a, shop_b, charlie, bob):
        for stranger in (shop_a, shop_b, charlie):
            with pytest.raises(NotAllowed):
                ratings.work_order_rate(work_order=completed, by=stranger, quality=5, on_time=5, communication=5)
        assert ratings.work_order_rate(work_order=completed, by=bob, quality=3, on_time=3, communication=3).pk

    @pytest.mark.parametrize("scores, field", [
        ({"quality": 0}, "quality"), ({"on_time": 6}, "on_time"), ({"communication": True}, "communication"),
        ({"quality": 4.5}, "quality"), ({"comment": "好" * 501}, "comment"),
    ])
    def test_scores_are_whole_stars_from_1_to_5(self, completed, alice, scores, field, mould):
        kwargs = {"quality": 4, "on_time": 4, "communication": 4, **scores}
        with pytest.raises(DomainError) as error:
            ratings.work_order_rate(work_order=completed, by=alice, **kwargs)
        assert error.value.field == field
        with brain_context(mould.pk):
            assert not SupplierRating.objects.exists()


class TestSupplierRecord:
    def test_the_record_is_made_from_the_facts_of_every_work_order(self, accepted, project, parts, alice, shop_a,
                                                                   mould, in_brain):
        first, _ = accepted
        first = complete(first, shop_a, alice, refuse=1)  # the cavity (1 piece) refused once: 1 of 42 inspected
        second = complete(second_work_order(project, parts, alice, shop_a), shop_a, alice, number="SH-9")
        ratings.work_order_rate(work_order=first, by=alice, quality=5, on_time=5, communication=5)
        ratings.work_order_rate(work_order=second, by=alice, quality=2, on_time=3, communication=3)
        profile = ratings.supplier_record_refresh(brain_id=mould.pk, supplier_id=shop_a.enterprise_id)
        assert profile.ratings_count == 2 and profile.rating == Decimal("3.83")  # (15 + 8) / 6
        # inspections: 1 cavity refused, 1 cavity + 40 + 40 pins accepted → 81 of 82 pieces passed first time
        assert profile.first_pass_yield == Decimal("0.988")
        assert profile.completed_lines == 3
        assert profile.on_time_rate == Decimal("1.000")

    def test_late_lines_lower_the_on_time_rate(self, accepted, alice, shop_a, mould, in_brain):
        work_order, _ = accepted
        with in_brain(mould):
            work_order.lines.filter(part__part_no="CAV-01").update(due_date=timezone.localdate() - timedelta(days=1))
            WorkOrder.objects.filter(pk=work_order.pk).update(decided_at=timezone.now() - timedelta(days=5))
        complete(work_order, shop_a, alice)
        profile = profile_of(shop_a, mould)
        assert profile.completed_lines == 2 and profile.on_time_rate == Decimal("0.500")

    def test_refreshing_again_changes_nothing_and_a_supplier_without_facts_stays_neutral(self, completed, shop_a,
                                                                                         shop_b, mould):
        before = profile_of(shop_a, mould)
        again = ratings.supplier_record_refresh(brain_id=mould.pk, supplier_id=shop_a.enterprise_id)
        assert (again.rating, again.on_time_rate, again.first_pass_yield, again.completed_lines) == (
            before.rating, before.on_time_rate, before.first_pass_yield, before.completed_lines)
        assert before.rating is None and before.first_pass_yield == Decimal("1.000")
        nobody = ratings.supplier_record_refresh(brain_id=mould.pk, supplier_id=shop_b.enterprise_id)
        assert (nobody.rating, nobody.on_time_rate, nobody.first_pass_yield, nobody.ratings_count) == (
            None, None, None, 0)


class TestMatchingUsesTheRecord:
    def specs(self, **record):
        line = matching.LineSpec(line=1, processes=(1,), dimensions=None, weight_kg=None, tolerance_mm=None,
                                 material="")
        supplier = matching.SupplierSpec(enterprise=record.pop("enterprise"), free_hours={1: Decimal(40)}, **record)
        return line, supplier

    def test_a_supplier_with_a_better_record_ranks_higher(self):
        line, good = self.specs(enterprise=1, rating=Decimal("4.80"), on_time_rate=Decimal("0.980"),
                                first_pass_yield=Decimal("0.995"))
        _line, poor = self.specs(enterprise=2, rating=Decimal("4.80"), on_time_rate=Decimal("0.980"),
                                 first_pass_yield=Decimal("0.700"))
        _line, unknown = self.specs(enterprise=3, rating=Decimal("4.80"), on_time_rate=Decimal("0.980"))  # neutral FPY
        [ranked] = matching.rank([line], [poor, unknown, good]).values()
        assert [m.supplier for m in ranked] == [1, 3, 2]

    def test_matching_reads_the_first_pass_yield_from_the_profile(self, completed, shop_a, mould):
        from capacity.services.matching import supplier_specs

        with brain_context(mould.pk):
            [spec] = [s for s in supplier_specs(mould.pk, exclude=0) if s.enterprise == shop_a.enterprise_id]
        assert spec.first_pass_yield == Decimal("1.000") and spec.on_time_rate == Decimal("1.000")


def handle(brain, name):
    with brain_context(brain.pk):
        made = []
        for event in OutboxEvent.objects.filter(name=name).order_by("pk"):
            made += notifications.notifications_from_event(brain_id=brain.pk, event_id=event.pk)
        return made


class TestNotifications:
    def test_the_buyer_hears_of_a_delivery_and_the_supplier_of_its_inspection(self, accepted, shop_a, alice, bob,
                                                                              mould):
        work_order, _ = accepted
        shop_a.email = "hongda@example.cn"
        shop_a.save()
        pins = lines_by_part(work_order)["EJ-01"]
        delivery = deliveries.delivery_record(work_order=work_order, by=shop_a, note_number="SH-007",
                                              delivered_on=timezone.localdate(), lines={pins.pk: 40})
        made = handle(mould, "delivery.recorded")
        assert {n.user_id for n in made} == {alice.pk, bob.pk} and "SH-007" in made[0].title
        assert made[0].link == f"/b/mould/capacity/work-orders/{work_order.pk}/deliveries/"
        with brain_context(mould.pk):
            row = delivery.lines.get()
        deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="rework", rejected_quantity=3,
                                    reason="表面划伤")
        [told] = handle(mould, "delivery.inspected")
        assert told.user_id == shop_a.pk and told.kind == "delivery.inspected.rework" and told.body == "表面划伤"
        assert "EJ-01" in told.title
        [message] = mail.outbox
        assert message.to == ["hongda@example.cn"] and "表面划伤" in message.body
        assert len(handle(mould, "delivery.inspected")) == 1 and len(mail.outbox) == 1  # a re-run sends nothing

    def test_an_accepted_inspection_is_told_in_app_only(self, accepted, shop_a, alice, mould):
        work_order, _ = accepted
        shop_a.email = "hongda@example.cn"
        shop_a.save()
        complete(work_order, shop_a, alice)
        told = handle(mould, "delivery.inspected")
        assert {n.kind for n in told} == {"delivery.inspected.accepted"} and not mail.outbox

    def test_the_supplier_hears_of_completion_and_rating(self, completed, shop_a, alice, mould):
        [done] = handle(mould, "work_order.completed")
        assert done.user_id == shop_a.pk and "PO-" in done.title
        ratings.work_order_rate(work_order=completed, by=alice, quality=5, on_time=5, communication=4, comment="好")
        [rated] = handle(mould, "work_order.rated")
        assert rated.user_id == shop_a.pk and "4.67" in rated.title and rated.body == "好"
