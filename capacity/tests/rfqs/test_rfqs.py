"""RFQs and quotes: sealed bids, deadlines on the server clock, revisions, eligibility, questions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from capacity.models import Invitation, Quote, QuoteLine, Rfq
from capacity.selectors.rfqs import answered_questions, comparison, own_quote
from capacity.services import rfqs
from capacity.tests.conftest import lines_of, operation_of, past_deadline, price
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed


class TestCreate:
    def test_lines_from_parts_and_single_operations(self, open_rfq, parts):
        cavity, pin = lines_of(open_rfq)
        assert cavity.part_id == parts["cavity"].pk and cavity.operation_id is None and cavity.quantity == 1
        assert pin.operation.process.code == "HT" and pin.quantity == 40
        assert open_rfq.number.startswith("RFQ-") and open_rfq.status == Rfq.Status.PUBLISHED

    def test_numbers_run_on(self, project, parts, alice):
        deadline = timezone.now() + timedelta(days=1)
        first = rfqs.rfq_create(project=project, by=alice, title="a", deadline=deadline, lines=[{"part": parts["pin"].pk}])
        second = rfqs.rfq_create(project=project, by=alice, title="b", deadline=deadline, lines=[{"part": parts["pin"].pk}])
        assert int(second.number[-6:]) == int(first.number[-6:]) + 1

    @pytest.mark.parametrize("problem", ["no lines", "foreign part", "foreign operation", "duplicate", "deadline"])
    def test_bad_requests_are_refused(self, project, parts, alice, problem, in_brain):
        deadline = timezone.now() + timedelta(days=1)
        lines = [{"part": parts["cavity"].pk}]
        if problem == "no lines":
            lines = []
        elif problem == "foreign part":
            lines = [{"part": 999999}]
        elif problem == "foreign operation":
            lines = [{"part": parts["cavity"].pk, "operation": operation_of(parts["pin"], "HT").pk}]
        elif problem == "duplicate":
            lines = lines * 2
        elif problem == "deadline":
            deadline = timezone.now() + timedelta(minutes=5)
        with pytest.raises(DomainError):
            rfqs.rfq_create(project=project, by=alice, title="x", deadline=deadline, lines=lines)
        with in_brain(project.brain):
            assert not Rfq.objects.exists()

    def test_only_suppliers_of_the_brain_can_be_invited(self, project, parts, alice, charlie_ent):
        with pytest.raises(DomainError):
            rfqs.rfq_create(project=project, by=alice, title="x", deadline=timezone.now() + timedelta(days=1),
                            lines=[{"part": parts["pin"].pk}], invited=[charlie_ent.pk])


class TestQuotes:
    def test_a_supplier_quotes_some_lines_and_revises(self, open_rfq, shop_a, in_brain):
        cavity, pin = lines_of(open_rfq)
        rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "18500.00", 20)])
        quote = rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "17900"), price(pin, "35.5")])
        with in_brain(open_rfq.brain):
            assert Quote.objects.count() == 1 and quote.revision == 2
            assert sorted(QuoteLine.objects.values_list("unit_price", flat=True)) == [Decimal("35.50"),
                                                                                     Decimal("17900.00")]

    def test_no_quote_after_the_deadline(self, open_rfq, shop_a):
        past_deadline(open_rfq)
        with pytest.raises(DomainError) as error:
            rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(lines_of(open_rfq)[0], "1")])
        assert error.value.code == "deadline_passed"

    def test_no_quote_on_a_closed_or_draft_rfq(self, open_rfq, shop_a, alice):
        rfqs.rfq_close(rfq=open_rfq, by=alice)
        with pytest.raises(DomainError):
            rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(lines_of(open_rfq)[0], "1")])

    def test_an_invitation_only_rfq_refuses_others(self, project, parts, alice, shop_a, shop_b):
        rfq = rfqs.rfq_create(project=project, by=alice, title="定向", deadline=timezone.now() + timedelta(days=1),
                              lines=[{"part": parts["pin"].pk}], invited=[shop_a.enterprise_id], open_to_all=False)
        rfqs.rfq_publish(rfq=rfq, by=alice)
        rfqs.quote_submit(rfq=rfq, by=shop_a, lines=[price(lines_of(rfq)[0], "30")])
        with pytest.raises(NotAllowed):
            rfqs.quote_submit(rfq=rfq, by=shop_b, lines=[price(lines_of(rfq)[0], "29")])

    @pytest.mark.parametrize("bad", ["foreign line", "twice", "zero price"])
    def test_bad_lines_write_nothing(self, open_rfq, shop_a, bad, in_brain):
        cavity = lines_of(open_rfq)[0]
        lines = {"foreign line": [{**price(cavity, "1"), "rfq_line": 999999}],
                 "twice": [price(cavity, "1"), price(cavity, "2")],
                 "zero price": [price(cavity, "0")]}[bad]
        with pytest.raises(DomainError):
            rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=lines)
        with in_brain(open_rfq.brain):
            assert not Quote.objects.exists()

    def test_buyers_do_not_quote_and_charlie_is_not_here(self, open_rfq, alice, charlie):
        for user in (alice, charlie):
            with pytest.raises(NotAllowed):
                rfqs.quote_submit(rfq=open_rfq, by=user, lines=[price(lines_of(open_rfq)[0], "1")])


class TestSealed:
    def test_the_buyer_sees_no_price_before_the_deadline_and_all_after(self, open_rfq, shop_a, shop_b, in_brain):
        cavity, pin = lines_of(open_rfq)
        rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "18000"), price(pin, "30")])
        rfqs.quote_submit(rfq=open_rfq, by=shop_b, lines=[price(cavity, "16500", 25)])
        with in_brain(open_rfq.brain):
            sealed = comparison(rfq=open_rfq)
            assert sealed.sealed and sealed.quote_count == 2 and sealed.cells == {}
            past_deadline(open_rfq)
            table = comparison(rfq=open_rfq)
        assert not table.sealed
        assert table.cells[(cavity.pk, shop_b.enterprise_id)].unit_price == Decimal("16500.00")
        assert table.lowest[cavity.pk] == shop_b.enterprise_id and table.fastest[cavity.pk] == shop_a.enterprise_id
        assert table.totals[shop_a.enterprise_id] == Decimal("18000") + Decimal("30") * 40

    def test_a_supplier_sees_only_its_own_quote(self, open_rfq, shop_a, shop_b, in_brain):
        cavity = lines_of(open_rfq)[0]
        rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "18000")])
        rfqs.quote_submit(rfq=open_rfq, by=shop_b, lines=[price(cavity, "16500")])
        with in_brain(open_rfq.brain):
            mine = own_quote(rfq=open_rfq, supplier_id=shop_b.enterprise_id)
            assert [ql.unit_price for ql in mine.lines.all()] == [Decimal("16500.00")]


class TestQuestions:
    def test_answers_are_visible_to_every_supplier_without_the_askers_name(self, open_rfq, shop_a, shop_b, alice,
                                                                          in_brain):
        question = rfqs.question_ask(rfq=open_rfq, by=shop_a, text="型腔是否需要氮化？")
        rfqs.question_answer(question=question, by=alice, answer="不需要，调质即可。")
        with in_brain(open_rfq.brain):
            [answered] = answered_questions(rfq=open_rfq)
        assert answered.answer == "不需要，调质即可。"

    def test_only_the_buyer_answers(self, open_rfq, shop_a, shop_b):
        question = rfqs.question_ask(rfq=open_rfq, by=shop_a, text="?")
        with pytest.raises(NotAllowed):
            rfqs.question_answer(question=question, by=shop_b, answer="是的")


def test_matching_invites_the_suppliers_that_fit_and_says_why(open_rfq, profiled, in_brain):
    from capacity.services.matching import matching_run

    shop_a, shop_b = profiled
    with in_brain(open_rfq.brain):
        assert matching_run(brain_id=open_rfq.brain_id, rfq_id=open_rfq.pk) == 2
        invitations = {i.supplier_id: i for i in Invitation.objects.filter(rfq=open_rfq)}
        cavity, pin = lines_of(open_rfq)
        # the cavity (600×400×180, ±0.01) fits only shop_a's big machine; the heat treatment fits both
        assert [m["line"] for m in invitations[shop_a.enterprise_id].matched_lines] == [cavity.pk, pin.pk]
        assert [m["line"] for m in invitations[shop_b.enterprise_id].matched_lines] == [pin.pk]
        reasons = invitations[shop_a.enterprise_id].matched_lines[0]["reasons"]
        assert {"process", "envelope", "tolerance", "material"} <= set(reasons)
        assert matching_run(brain_id=open_rfq.brain_id, rfq_id=open_rfq.pk) == 2  # a re-run duplicates nothing
        assert Invitation.objects.filter(rfq=open_rfq).count() == 2


class TestMatchingRules:
    """The pure ranking: hard criteria, the tolerance on one machine, the cap per line."""

    def line(self, **kw):
        from capacity.matching import LineSpec

        return LineSpec(**{"line": 1, "processes": (1, 2), "dimensions": (Decimal(500), Decimal(300), Decimal(100)),
                           "weight_kg": Decimal(50), "tolerance_mm": Decimal("0.01"), "material": "718H", **kw})

    def supplier(self, enterprise, machines, **kw):
        from capacity.matching import MachineSpec, SupplierSpec

        return SupplierSpec(enterprise=enterprise, free_hours=kw.pop("hours", {1: Decimal(40), 2: Decimal(40)}),
                            machines=[MachineSpec(p, env, Decimal(w), Decimal(t)) for p, env, w, t in machines],
                            materials=frozenset(kw.pop("materials", {"718H"})), **kw)

    def test_a_coarse_saw_does_not_block_a_precise_part(self):
        from capacity.matching import match_line

        saw_and_mill = self.supplier(1, [(1, (3000, 600, 600), 2000, "0.5"), (2, (800, 500, 500), 500, "0.005")])
        assert "tolerance" in match_line(self.line(), saw_and_mill).reasons

    def test_no_machine_holding_the_tolerance_is_no_match(self):
        from capacity.matching import match_line

        coarse = self.supplier(1, [(1, (3000, 600, 600), 2000, "0.5"), (2, (800, 500, 500), 500, "0.05")])
        assert match_line(self.line(), coarse) is None

    @pytest.mark.parametrize("why, supplier_kw", [
        ("no free hours for one process", {"hours": {1: Decimal(40), 2: Decimal(0)}}),
        ("material not handled", {"materials": {"P20"}}),
    ])
    def test_hard_criteria(self, why, supplier_kw):
        from capacity.matching import match_line

        supplier = self.supplier(1, [(2, (800, 500, 500), 500, "0.005")], **supplier_kw)
        assert match_line(self.line(), supplier) is None, why

    def test_a_part_too_big_for_every_machine_of_a_process_is_no_match(self):
        from capacity.matching import match_line

        small = self.supplier(1, [(2, (400, 300, 300), 500, "0.005")])
        assert match_line(self.line(), small) is None

    def test_the_best_twenty_per_line_are_kept(self):
        from capacity.matching import rank

        suppliers = [self.supplier(i, [], hours={1: Decimal(i), 2: Decimal(i)}) for i in range(1, 31)]
        [matches] = rank([self.line()], suppliers).values()
        assert len(matches) == 20 and matches[0].supplier == 30  # most headroom first, others equal


def test_matching_invites_nobody_new_to_an_invitation_only_rfq(project, parts, alice, profiled, in_brain):
    from capacity.services.matching import matching_run

    shop_a, shop_b = profiled
    rfq = rfqs.rfq_create(project=project, by=alice, title="定向", deadline=timezone.now() + timedelta(days=1),
                          lines=[{"part": parts["pin"].pk}], invited=[shop_a.enterprise_id], open_to_all=False)
    rfqs.rfq_publish(rfq=rfq, by=alice)
    matching_run(brain_id=rfq.brain_id, rfq_id=rfq.pk)
    with in_brain(rfq.brain):
        [invitation] = Invitation.objects.filter(rfq=rfq)
    assert invitation.supplier_id == shop_a.enterprise_id and invitation.matched_lines  # scored, not widened


class TestInputRules:
    def test_a_part_and_one_of_its_own_operations_cannot_both_be_tendered(self, project, parts, alice):
        with pytest.raises(DomainError):
            rfqs.rfq_create(project=project, by=alice, title="x", deadline=timezone.now() + timedelta(days=1),
                            lines=[{"part": parts["pin"].pk},
                                   {"part": parts["pin"].pk, "operation": operation_of(parts["pin"], "HT").pk}])

    @pytest.mark.parametrize("change", [
        {"unit_price": Decimal("0.004")},  # rounds to 0.00
        {"vat_rate": Decimal("15")},
        {"lead_time_days": 4_000_000},
        {"valid_until": timezone.localdate() - timedelta(days=1)},
    ])
    def test_impossible_quote_lines_are_refused(self, open_rfq, shop_a, change, in_brain):
        with pytest.raises(DomainError):
            rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[{**price(lines_of(open_rfq)[0], "100"), **change}])
        with in_brain(open_rfq.brain):
            assert not Quote.objects.exists()

    def test_prices_round_half_up_to_the_fen(self, open_rfq, shop_a, in_brain):
        quote = rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(lines_of(open_rfq)[0], "100.005")])
        with in_brain(open_rfq.brain):
            assert quote.lines.get().unit_price == Decimal("100.01")

    def test_an_rfq_with_purchase_orders_cannot_be_cancelled(self, open_rfq, shop_a, alice):
        from capacity.services import awards
        from capacity.tests.conftest import past_deadline

        quote = rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(lines_of(open_rfq)[0], "100")])
        past_deadline(open_rfq)
        with brain_context(open_rfq.brain_id):
            line = quote.lines.get()
        awards.award_lines(rfq=open_rfq, decisions={line.rfq_line_id: line.pk}, by=alice)
        with pytest.raises(DomainError) as error:
            rfqs.rfq_cancel(rfq=open_rfq, by=alice)
        assert error.value.code == "invalid_state"


def test_the_tolerance_must_be_held_by_a_machine_that_fits_the_part():
    from capacity.matching import LineSpec, MachineSpec, SupplierSpec, match_line

    line = LineSpec(line=1, processes=(1,), dimensions=(Decimal(600), Decimal(400), Decimal(180)),
                    weight_kg=None, tolerance_mm=Decimal("0.01"), material="")
    big_but_coarse = MachineSpec(1, (1300, 700, 650), Decimal(1000), Decimal("0.05"))
    precise_but_small = MachineSpec(1, (500, 400, 300), Decimal(1000), Decimal("0.005"))
    supplier = SupplierSpec(enterprise=1, free_hours={1: Decimal(40)}, machines=[big_but_coarse, precise_but_small])
    assert match_line(line, supplier) is None


def test_beat_closes_rfqs_past_their_deadline_in_every_brain_and_tells_the_buyer(open_rfq, project, parts, alice,
                                                                                pump, in_brain, everywhere):
    from capacity.services import notifications
    from capacity.tests.conftest import past_deadline
    from tenants.models import OutboxEvent

    later = rfqs.rfq_publish(rfq=rfqs.rfq_create(project=project, by=alice, title="未到期",
                                                 deadline=timezone.now() + timedelta(days=1),
                                                 lines=[{"part": parts["pin"].pk}]), by=alice)
    past_deadline(open_rfq)
    assert rfqs.rfqs_close_due() == 1
    assert rfqs.rfqs_close_due() == 0  # once
    with in_brain(open_rfq.brain):
        assert Rfq.objects.get(pk=open_rfq.pk).status == Rfq.Status.CLOSED
        assert Rfq.objects.get(pk=later.pk).status == Rfq.Status.PUBLISHED
        [event] = OutboxEvent.objects.filter(name="rfq.closed")
    [told] = notifications.notifications_from_event(brain_id=open_rfq.brain_id, event_id=event.pk)
    assert told.user_id == alice.pk and open_rfq.number in told.title
