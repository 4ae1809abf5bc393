"""Change requests after award: one side asks to change a line's due date or quantity, the other decides.

shop_a (宏达) makes alice's cavity and pins; alice and bob (her colleague) buy; shop_b and charlie are
strangers to the work order."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from capacity.models import ChangeRequest, WorkOrder, WorkOrderLine
from capacity.services import change_requests, notifications
from capacity.services.change_requests import (
    change_request_accept, change_request_ask, change_request_reject, change_request_withdraw,
)
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import Notification, OutboxEvent
from tests.support import race


def line_of(work_order, rfq_line):
    with brain_context(work_order.brain_id):
        return WorkOrderLine.objects.select_related("work_order", "part").get(work_order=work_order,
                                                                              award__rfq_line=rfq_line)


def fresh(obj):
    with brain_context(obj.brain_id):
        return type(obj).objects.get(pk=obj.pk)


def later(days):
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def cavity_line(accepted):
    work_order, (cavity, _pin) = accepted
    return line_of(work_order, cavity)


@pytest.fixture
def pin_line(accepted):
    work_order, (_cavity, pin) = accepted
    return line_of(work_order, pin)


def events(brain_id, prefix="change_request."):
    with brain_context(brain_id):
        return list(OutboxEvent.objects.filter(name__startswith=prefix).order_by("id"))


class TestAsking:
    def test_the_supplier_asks_for_a_later_date_and_the_buyer_accepts_it(self, cavity_line, shop_a, alice):
        old_due = cavity_line.due_date
        change = change_request_ask(line=cavity_line, by=shop_a, new_due_date=later(45), reason="热处理炉检修一周")
        assert (change.side, change.status, change.old_due_date, change.old_quantity) == (
            "supplier", "pending", old_due, 1)
        assert fresh(cavity_line).due_date == old_due  # nothing changes until the buyer agrees
        change_request_accept(change=change, by=alice, response="同意")
        change, line = fresh(change), fresh(cavity_line)
        assert line.due_date == later(45) and line.quantity == 1
        assert (change.status, change.old_due_date, change.new_due_date, change.decided_by_id, change.response) == (
            "accepted", old_due, later(45), alice.pk, "同意")
        with brain_context(line.brain_id):
            assert line.award.rfq_line.due_date == old_due  # the award keeps what was agreed at first

    def test_the_buyer_asks_for_more_pieces_and_the_supplier_accepts(self, pin_line, shop_a, alice):
        change = change_request_ask(line=pin_line, by=alice, new_quantity=60, reason="客户追加一套模具")
        assert change.side == "buyer" and change.new_due_date is None
        change_request_accept(change=change, by=shop_a)
        assert fresh(pin_line).quantity == 60 and fresh(pin_line).due_date == pin_line.due_date
        assert fresh(change).old_quantity == 40

    def test_both_at_once_and_the_history_stays(self, pin_line, shop_a, alice):
        first = change_request_ask(line=pin_line, by=alice, new_quantity=50, new_due_date=later(20), reason="追加")
        change_request_reject(change=first, by=shop_a, response="产能不足")
        second = change_request_ask(line=pin_line, by=alice, new_quantity=45, reason="少追加一些")
        change_request_accept(change=second, by=shop_a)
        line = fresh(pin_line)
        assert line.quantity == 45 and line.due_date == pin_line.due_date
        with brain_context(line.brain_id):
            history = list(ChangeRequest.objects.filter(line=line).order_by("id")
                           .values_list("status", "old_quantity", "new_quantity", "response"))
        assert history == [("rejected", 40, 50, "产能不足"), ("accepted", 40, 45, "")]

    def test_the_events_name_the_work_order_rfq_project_line_and_request(self, cavity_line, shop_a, alice):
        change = change_request_ask(line=cavity_line, by=shop_a, new_due_date=later(40), reason="等材料")
        change_request_accept(change=change, by=alice)
        requested, accepted_ = events(cavity_line.brain_id)
        assert (requested.name, accepted_.name) == ("change_request.requested", "change_request.accepted")
        work_order = cavity_line.work_order
        assert requested.payload == {
            "work_order": work_order.pk, "rfq": work_order.rfq_id, "project": cavity_line.part.project_id,
            "line": cavity_line.pk, "change_request": change.pk, "side": "supplier"}

    @pytest.mark.parametrize("bad, field", [
        ({"new_due_date": None, "new_quantity": None, "reason": "x"}, "new_due_date"),  # nothing to change
        ({"new_quantity": 1, "reason": "x"}, "new_due_date"),  # the cavity line already has 1 piece
        ({"new_quantity": 0, "reason": "x"}, "new_quantity"),
        ({"new_quantity": -3, "reason": "x"}, "new_quantity"),
        ({"new_due_date": timezone.localdate() - timedelta(days=1), "reason": "x"}, "new_due_date"),
        ({"new_due_date": later(10), "reason": "   "}, "reason"),
        ({"new_due_date": later(10), "reason": "长" * 501}, "reason"),
    ])
    def test_bad_requests_are_refused_and_nothing_is_written(self, cavity_line, shop_a, bad, field):
        with pytest.raises(DomainError) as error:
            change_request_ask(line=cavity_line, by=shop_a, **bad)
        assert error.value.field == field
        with brain_context(cavity_line.brain_id):
            assert not ChangeRequest.objects.exists() and not OutboxEvent.objects.filter(
                name__startswith="change_request.").exists()

    def test_today_is_a_valid_new_due_date(self, cavity_line, shop_a):
        change = change_request_ask(line=cavity_line, by=shop_a, new_due_date=timezone.localdate(), reason="提前")
        assert change.new_due_date == timezone.localdate()

    def test_the_quantity_cannot_drop_below_what_was_accepted(self, pin_line, alice, shop_a):
        with brain_context(pin_line.brain_id):
            WorkOrderLine.objects.filter(pk=pin_line.pk).update(delivered_quantity=30, accepted_quantity=30)
        with pytest.raises(DomainError) as error:
            change_request_ask(line=fresh(pin_line), by=alice, new_quantity=29, reason="减量")
        assert error.value.field == "new_quantity" and "30" in error.value.detail
        assert change_request_ask(line=fresh(pin_line), by=alice, new_quantity=30, reason="减量").new_quantity == 30

    def test_one_pending_request_per_line(self, cavity_line, pin_line, shop_a, alice):
        change_request_ask(line=cavity_line, by=shop_a, new_due_date=later(40), reason="等材料")
        with pytest.raises(DomainError) as error:
            change_request_ask(line=cavity_line, by=alice, new_due_date=later(20), reason="要提前")
        assert error.value.code == "change_pending"
        change_request_ask(line=pin_line, by=alice, new_quantity=50, reason="追加")  # another line is free

    def test_only_while_the_work_order_is_in_production(self, awarded, shop_a):
        work_order, (cavity, _pin), _b = awarded  # issued, not accepted yet
        with pytest.raises(DomainError) as error:
            change_request_ask(line=line_of(work_order, cavity), by=shop_a, new_due_date=later(40), reason="x")
        assert error.value.code == "invalid_state"

    def test_strangers_cannot_ask(self, cavity_line, shop_b, charlie):
        for stranger in (shop_b, charlie):
            with pytest.raises(NotAllowed):
                change_request_ask(line=cavity_line, by=stranger, new_due_date=later(40), reason="x")

    def test_a_side_without_its_role_in_the_brain_cannot_ask(self, cavity_line, alice, mould):
        from tenants.models import Membership

        with brain_context(mould.pk):
            Membership.objects.filter(enterprise_id=alice.enterprise_id).update(status=Membership.Status.SUSPENDED)
        with pytest.raises(NotAllowed):
            change_request_ask(line=cavity_line, by=alice, new_due_date=later(40), reason="x")


class TestDeciding:
    @pytest.fixture
    def asked(self, cavity_line, shop_a):
        return change_request_ask(line=cavity_line, by=shop_a, new_due_date=later(40), reason="等材料")

    def test_only_the_other_side_decides(self, asked, shop_a, shop_b, charlie):
        for user in (shop_a, shop_b, charlie):  # the asker itself, and strangers
            for decide in (change_request_accept, change_request_reject):
                with pytest.raises(NotAllowed):
                    decide(change=asked, by=user, response="好")
        assert fresh(asked).status == "pending"

    def test_a_colleague_of_the_buyer_may_decide(self, asked, bob, cavity_line):
        change_request_accept(change=asked, by=bob)
        assert fresh(cavity_line).due_date == later(40)

    def test_rejecting_needs_a_reason_and_leaves_the_line_alone(self, asked, alice, cavity_line):
        with pytest.raises(DomainError) as error:
            change_request_reject(change=asked, by=alice, response=" ")
        assert error.value.field == "response"
        change_request_reject(change=asked, by=alice, response="总装节点不能推迟")
        assert fresh(asked).status == "rejected" and fresh(cavity_line).due_date == cavity_line.due_date

    def test_only_the_asking_side_withdraws(self, asked, alice, shop_a, cavity_line):
        with pytest.raises(NotAllowed):
            change_request_withdraw(change=asked, by=alice)
        change_request_withdraw(change=asked, by=shop_a)
        change = fresh(asked)
        assert change.status == "withdrawn" and change.decided_by_id == shop_a.pk
        assert fresh(cavity_line).due_date == cavity_line.due_date

    @pytest.mark.parametrize("first", ["accept", "reject", "withdraw"])
    def test_a_decided_request_cannot_be_decided_again(self, asked, alice, shop_a, first):
        {"accept": lambda: change_request_accept(change=asked, by=alice),
         "reject": lambda: change_request_reject(change=asked, by=alice, response="不行"),
         "withdraw": lambda: change_request_withdraw(change=asked, by=shop_a)}[first]()
        for again in (lambda: change_request_accept(change=asked, by=alice),
                      lambda: change_request_reject(change=asked, by=alice, response="不行"),
                      lambda: change_request_withdraw(change=asked, by=shop_a)):
            with pytest.raises(DomainError) as error:
                again()
            assert error.value.code == "invalid_state"

    def test_accepting_rechecks_against_what_was_accepted_meanwhile(self, pin_line, alice, shop_a):
        change = change_request_ask(line=pin_line, by=shop_a, new_quantity=30, reason="料不够")
        with brain_context(pin_line.brain_id):
            WorkOrderLine.objects.filter(pk=pin_line.pk).update(delivered_quantity=35, accepted_quantity=35)
        with pytest.raises(DomainError) as error:
            change_request_accept(change=change, by=alice)
        assert error.value.field == "new_quantity"
        assert fresh(pin_line).quantity == 40 and fresh(change).status == "pending"

    def test_a_due_date_that_passed_while_waiting_cannot_be_accepted(self, asked, alice, cavity_line):
        with brain_context(asked.brain_id):
            ChangeRequest.objects.filter(pk=asked.pk).update(new_due_date=timezone.localdate() - timedelta(days=1))
        with pytest.raises(DomainError) as error:
            change_request_accept(change=fresh(asked), by=alice)
        assert error.value.field == "new_due_date" and fresh(cavity_line).due_date == cavity_line.due_date

    def test_no_acceptance_once_the_work_order_left_production(self, asked, alice, cavity_line):
        with brain_context(asked.brain_id):
            WorkOrder.objects.filter(pk=cavity_line.work_order_id).update(status=WorkOrder.Status.COMPLETED)
        with pytest.raises(DomainError) as error:
            change_request_accept(change=asked, by=alice)
        assert error.value.code == "invalid_state"
        change_request_withdraw(change=asked, by=fresh(asked).requested_by)  # it can still be closed


class TestNotifications:
    def test_the_other_side_is_told_of_a_request_in_app_and_by_mail(self, cavity_line, shop_a, alice, bob, mould):
        alice.email = "alice@jingcheng.example"
        alice.save(update_fields=["email"])
        change_request_ask(line=cavity_line, by=shop_a, new_due_date=later(40), reason="热处理炉检修")
        [event] = events(mould.pk)
        made = notifications.notifications_from_event(brain_id=mould.pk, event_id=event.pk)
        assert {n.user_id for n in made} == {alice.pk, bob.pk}
        told = next(n for n in made if n.user_id == alice.pk)
        assert "宏达" in told.title and cavity_line.part.part_no in told.title and told.body == "热处理炉检修"
        assert told.link.endswith(f"/capacity/work-orders/{cavity_line.work_order_id}/#line-{cavity_line.pk}")
        assert [m.to for m in mail.outbox] == [["alice@jingcheng.example"]]
        notifications.notifications_from_event(brain_id=mould.pk, event_id=event.pk)  # run twice: once
        assert len(mail.outbox) == 1
        with brain_context(mould.pk):
            assert Notification.objects.filter(event=event).count() == 2

    def test_the_asking_side_is_told_of_the_decision_in_app(self, cavity_line, shop_a, alice, mould):
        shop_a.email = "hongda@example.com"
        shop_a.save(update_fields=["email"])
        change = change_request_ask(line=cavity_line, by=shop_a, new_due_date=later(40), reason="等材料")
        change_request_reject(change=change, by=alice, response="总装节点不能推迟")
        rejected = events(mould.pk)[-1]
        [told] = notifications.notifications_from_event(brain_id=mould.pk, event_id=rejected.pk)
        assert told.user_id == shop_a.pk and "精诚" in told.title and told.body == "总装节点不能推迟"
        assert mail.outbox == []  # decisions: in-app only

    def test_the_other_side_hears_of_a_withdrawal(self, cavity_line, shop_a, alice, bob, mould):
        change = change_request_ask(line=cavity_line, by=alice, new_due_date=later(20), reason="要提前")
        change_request_withdraw(change=change, by=bob)
        withdrawn = events(mould.pk)[-1]
        [told] = notifications.notifications_from_event(brain_id=mould.pk, event_id=withdrawn.pk)
        assert told.user_id == shop_a.pk and withdrawn.name == "change_request.withdrawn"


# --- Two people at once ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", range(3))
def test_two_buyers_deciding_at_once_make_one_decision(cavity_line, shop_a, alice, bob, run):
    change = change_request_ask(line=cavity_line, by=shop_a, new_due_date=later(40), reason="等材料")
    results = race(lambda: change_request_accept(change=change, by=alice),
                    lambda: change_request_reject(change=change, by=bob, response="不同意"))
    errors = [r for r in results if isinstance(r, Exception)]
    winners = [r for r in results if isinstance(r, ChangeRequest)]
    assert len(winners) == 1 and len(errors) == 1 and errors[0].code == "invalid_state", results
    final, line = fresh(change), fresh(cavity_line)
    assert final.status == winners[0].status
    assert line.due_date == (later(40) if final.status == "accepted" else cavity_line.due_date)
    assert len(events(cavity_line.brain_id)) == 2  # requested + exactly one decision


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_racing_an_acceptance_is_one_or_the_other(cavity_line, shop_a, alice):
    change = change_request_ask(line=cavity_line, by=shop_a, new_due_date=later(40), reason="等材料")
    withdrawn, accepted_ = race(lambda: change_request_withdraw(change=change, by=shop_a),
                                 lambda: change_request_accept(change=change, by=alice))
    outcomes = {type(withdrawn).__name__, type(accepted_).__name__}
    assert outcomes == {"ChangeRequest", "DomainError"}, (withdrawn, accepted_)
    final = fresh(change)
    assert fresh(cavity_line).due_date == (later(40) if final.status == "accepted" else cavity_line.due_date)


@pytest.mark.django_db(transaction=True)
def test_two_requests_asked_at_once_leave_one_pending(cavity_line, shop_a, alice):
    results = race(
        lambda: change_request_ask(line=cavity_line, by=shop_a, new_due_date=later(40), reason="等材料"),
        lambda: change_request_ask(line=cavity_line, by=alice, new_due_date=later(20), reason="要提前"),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and errors[0].code == "change_pending", results
    with brain_context(cavity_line.brain_id):
        assert ChangeRequest.objects.filter(line_id=cavity_line.pk, status="pending").count() == 1


def test_side_of_names_the_side(accepted, shop_a, alice, shop_b):
    work_order, _lines = accepted
    with brain_context(work_order.brain_id):
        assert change_requests.side_of(work_order, shop_a) == "supplier"
        assert change_requests.side_of(work_order, alice) == "buyer"
        with pytest.raises(NotAllowed):
            change_requests.side_of(work_order, shop_b)


class TestQuantityAndCompletion:
    """A quantity lowered to what was accepted completes the line (and the work order when it was the last
    open line); one raised above it opens the line again."""

    def deliver_and_accept(self, work_order, line, quantity, shop_a, alice, note):
        from capacity.models import DeliveryLine
        from capacity.services import deliveries

        delivery = deliveries.delivery_record(work_order=work_order, by=shop_a, note_number=note,
                                              delivered_on=timezone.localdate(), lines={line.pk: quantity})
        with brain_context(work_order.brain_id):
            row = DeliveryLine.objects.get(delivery=delivery)
        deliveries.delivery_inspect(delivery_line=row, by=alice, outcome="accepted")

    def test_lowering_to_what_was_accepted_completes_the_work_order(self, accepted, cavity_line, pin_line, shop_a,
                                                                   alice):
        work_order, _lines = accepted
        self.deliver_and_accept(work_order, cavity_line, 1, shop_a, alice, "SH-001")
        self.deliver_and_accept(work_order, pin_line, 30, shop_a, alice, "SH-002")
        assert fresh(work_order).status == WorkOrder.Status.ACCEPTED  # 10 pins still owed
        change = change_request_ask(line=fresh(pin_line), by=alice, new_quantity=30, reason="客户取消了10件")
        change_request_accept(change=change, by=shop_a)
        line, work_order = fresh(pin_line), fresh(work_order)
        assert (line.quantity, line.completed_on, line.on_time) == (30, timezone.localdate(), True)
        assert work_order.status == WorkOrder.Status.COMPLETED and work_order.completed_at is not None
        assert [e.name for e in events(work_order.brain_id, "work_order.completed")] == ["work_order.completed"]

    def test_a_complete_lines_facts_are_final(self, accepted, cavity_line, shop_a, alice):
        """No more pieces, and no later due date that would turn a late delivery into an on-time one."""
        work_order, _lines = accepted
        self.deliver_and_accept(work_order, cavity_line, 1, shop_a, alice, "SH-001")
        before = fresh(cavity_line)
        assert before.completed_on is not None
        for change in ({"new_quantity": 2}, {"new_due_date": timezone.localdate() + timedelta(days=30)}):
            with pytest.raises(DomainError) as error:
                change_request_ask(line=before, by=alice, reason="多要一件备件", **change)
            assert error.value.code == "line_complete"
        line = fresh(cavity_line)
        assert (line.quantity, line.due_date, line.completed_on, line.on_time) == (
            before.quantity, before.due_date, before.completed_on, before.on_time)
