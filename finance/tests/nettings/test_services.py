"""Nettings: proposed by an operator for a window, the most netted; each party confirms its position or rejects it;
the last confirmation settles (payables split, one balanced entry), unless a payable changed; void on rejection,
withdrawal or expiry. A payable is in at most one live netting, said by the database."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance.models import Netting, NettingLeg, NettingParty, Payable
from finance.services import certificates, early_payments, nettings, payables
from finance.tests.nettings.conftest import (
    book,
    claims_match_debts,
    fresh,
    net_positions,
    owe,
    propose,
    window,
)
from ledger.models import Entry
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import OutboxEvent


def events(brain_id, name):
    with brain_context(brain_id):
        return list(OutboxEvent.objects.filter(name=name).order_by("pk").values_list("payload", flat=True))


def legs_of(netting):
    with brain_context(netting.brain_id):
        return {leg.payable_id: leg for leg in NettingLeg.objects.filter(netting=netting).select_related("remainder")}


def positions_of(netting):
    with brain_context(netting.brain_id):
        return {p.enterprise_id: p for p in NettingParty.objects.filter(netting=netting)}


def confirm_all(netting, *users):
    for user in users:
        netting = nettings.netting_confirm(netting=netting, by=user)
    return netting


class TestProposal:
    def test_a_cycle_is_netted_by_its_smallest_debt_and_each_party_sees_its_position(self, cycle, olga, alice,
                                                                                    hongda, hengtong):
        netting = propose(olga, note="12月月结轧差")
        assert netting.status == Netting.Status.PROPOSED and netting.number.startswith("NET-")
        assert {pk: leg.netted for pk, leg in legs_of(netting).items()} == {p.pk: D("60000.00") for p in cycle}
        assert (netting.window_count, netting.window_total) == (3, D("240000.00"))
        assert (netting.netted_total, netting.legs_total) == (D("180000.00"), D("240000.00"))
        assert (netting.leg_count, netting.party_count) == (3, 3) and netting.share == D("0.75")
        assert timedelta(days=2, hours=23) < netting.expires_at - timezone.now() <= timedelta(days=3)
        mine = positions_of(netting)[alice.enterprise_id]
        assert (mine.owes, mine.owed, mine.netted) == (D("100000.00"), D("60000.00"), D("60000.00"))
        assert (mine.owes_after, mine.owed_after, mine.net) == (D("40000.00"), D("0.00"), D("-40000.00"))
        for position in positions_of(netting).values():  # nets as much owing as owed: the net position stays
            assert position.owed_after - position.owes_after == position.net
        assert events(netting.brain_id, "netting.proposed") == [{"netting": netting.pk, "number": netting.number}]
        assert {fresh(p).status for p in cycle} == {Payable.Status.CONFIRMED}  # nothing settles before all agree

    def test_it_takes_only_confirmed_payables_due_in_the_window_and_free(self, cycle, olga, alice, hongda, hengtong,
                                                                        shop_b):
        owe(alice, hongda, "5000.00", confirm=False)  # waits for confirmation
        owe(hengtong, alice, "7000.00", due_in=120)  # due after the window
        certificates.certificate_issue(payable=owe(hongda, hengtong, "9000.00"), by=hengtong)  # a certificate
        payables.payable_pay(payable=owe(hengtong, alice, "3000.00"), by=hengtong)  # paid
        netting = propose(olga)
        assert set(legs_of(netting)) == {p.pk for p in cycle}
        assert netting.window_count == 3
        owe(hengtong, alice, "1000.00")  # a new debt, alone, is not a cycle without the ones already taken
        with pytest.raises(DomainError) as nothing:
            propose(olga)
        assert nothing.value.code == "nothing_to_net"

    def test_a_window_without_a_cycle_proposes_nothing(self, alice, hongda, hengtong, olga, mould):
        owe(alice, hongda, "100.00")
        owe(hongda, hengtong, "100.00")
        owe(alice, hengtong, "100.00")
        with pytest.raises(DomainError) as error:
            propose(olga)
        assert error.value.code == "nothing_to_net"
        with brain_context(mould.pk):
            assert not Netting.objects.exists() and not events(mould.pk, "netting.proposed")

    def test_parallel_payables_net_earliest_due_first(self, alice, hongda, olga):
        first = owe(alice, hongda, "3000.00", due_in=10)
        second = owe(alice, hongda, "5000.00", due_in=20)
        back = owe(hongda, alice, "6000.00", due_in=30)
        netting = propose(olga)
        assert {pk: leg.netted for pk, leg in legs_of(netting).items()} == {
            first.pk: D("3000.00"), second.pk: D("3000.00"), back.pk: D("6000.00")}

    def test_only_an_operator_proposes_or_previews(self, cycle, alice, mould):
        with pytest.raises(NotAllowed):
            nettings.netting_propose(brain=mould, by=alice, **window())
        with pytest.raises(NotAllowed):
            nettings.netting_preview(brain=mould, by=alice, **window())

    @pytest.mark.parametrize("change, field", [
        ({"window_to": timezone.localdate() - timedelta(days=1)}, "window_to"),
        ({"window_to": timezone.localdate() + timedelta(days=400)}, "window_to"),
        ({"window_from": None}, "window_from"),
        ({"window_from": "2026-12-01"}, "window_from"),
        ({"respond_days": 0}, "respond_days"), ({"respond_days": 15}, "respond_days"),
        ({"respond_days": True}, "respond_days"), ({"respond_days": "3"}, "respond_days"),
        ({"note": "轧" * 201}, "note"),
    ])
    def test_bad_input_is_refused_by_name_and_changes_nothing(self, cycle, olga, change, field):
        with pytest.raises(DomainError) as error:
            propose(olga, **change)
        assert error.value.field == field
        with brain_context(cycle[0].brain_id):
            assert not Netting.objects.exists()

    def test_a_preview_shows_the_plan_and_proposes_nothing(self, cycle, olga, mould):
        plan = nettings.netting_preview(brain=mould, by=olga, **window())
        assert (plan.netted_total, plan.window_total, plan.share) == (D("180000.00"), D("240000.00"), D("0.75"))
        assert len(plan.positions) == 3
        with brain_context(mould.pk):
            assert not Netting.objects.exists()

    def test_a_party_that_left_the_brain_is_not_netted(self, cycle, olga, hengtong, mould):
        with brain_context(mould.pk):
            hengtong.enterprise.memberships.filter(brain=mould).update(status="suspended")
        with pytest.raises(DomainError):
            propose(olga)  # it could not answer: the cycle through it is not proposed


class TestSettlement:
    def test_the_last_confirmation_settles_splitting_each_payable_and_booking_one_entry(self, cycle, olga, alice,
                                                                                         hongda, hengtong):
        before = net_positions(cycle[0].brain_id)
        netting = propose(olga)
        netting = confirm_all(netting, alice, hongda)
        assert netting.status == Netting.Status.PROPOSED
        assert events(netting.brain_id, "netting.confirmed")[-1] == {
            "netting": netting.pk, "number": netting.number, "confirmed": 2, "parties": 3}
        netting = nettings.netting_confirm(netting=netting, by=hengtong)
        assert netting.status == Netting.Status.SETTLED and netting.settled_at
        ours, theirs, last = (fresh(p) for p in cycle)
        # each payable keeps the netted part (status netted), the rest is split off, still confirmed
        assert (ours.amount, ours.tax, ours.status) == (D("60000.00"), D("6902.65"), Payable.Status.NETTED)
        rest = fresh(legs_of(netting)[ours.pk].remainder)
        assert (rest.amount, rest.tax, rest.status) == (D("40000.00"), D("4601.77"), Payable.Status.CONFIRMED)
        assert (rest.split_from_id, rest.due_on, rest.confirmed_by_id) == (ours.pk, ours.due_on, alice.pk)
        assert theirs.amount == D("60000.00") and fresh(legs_of(netting)[theirs.pk].remainder).amount == D("20000.00")
        assert last.status == Payable.Status.NETTED and legs_of(netting)[last.pk].remainder is None  # whole
        # one balanced entry took the netted amounts off payables and receivables: net positions stay
        with brain_context(netting.brain_id):
            entry = Entry.objects.get(kind="netting")
            assert (entry.document_type, entry.document_id) == ("netting", netting.pk)
        rows = book(netting.brain_id)
        assert rows[("payable", alice.enterprise_id)] == D("-40000.00")
        assert rows[("receivable", alice.enterprise_id)] == D("0.00")
        assert rows[("receivable", hengtong.enterprise_id)] == D("20000.00")
        assert net_positions(netting.brain_id) == before and claims_match_debts(netting.brain_id)
        assert events(netting.brain_id, "netting.settled") == [
            {"netting": netting.pk, "number": netting.number, "netted": "180000.00"}]
        # the remainder is free: paid, financed, or netted in another window
        payables.payable_pay(payable=rest, by=alice)
        with pytest.raises(DomainError):
            payables.payable_pay(payable=ours, by=alice)  # the netted part is settled: nothing to pay

    def test_settlement_is_idempotent(self, cycle, olga, alice, hongda, hengtong):
        netting = confirm_all(propose(olga), alice, hongda, hengtong)
        again = nettings.netting_settle(netting=netting, by=olga)
        assert again.status == Netting.Status.SETTLED
        with brain_context(netting.brain_id):
            assert Entry.objects.filter(kind="netting").count() == 1
            assert Payable.objects.count() == 5  # three netted, two remainders
        assert len(events(netting.brain_id, "netting.settled")) == 1

    def test_it_settles_only_when_everyone_confirmed(self, cycle, olga, alice):
        netting = nettings.netting_confirm(netting=propose(olga), by=alice)
        with pytest.raises(DomainError):
            nettings.netting_settle(netting=netting)
        assert fresh(netting).status == Netting.Status.PROPOSED

    @pytest.mark.parametrize("change", ["paid", "issued", "amount", "paid_early"])
    def test_a_payable_that_changed_makes_it_void_at_settlement(self, cycle, olga, alice, hongda, hengtong, change):
        netting = confirm_all(propose(olga), alice, hongda)
        before = book(netting.brain_id)
        target = cycle[2]
        if change == "paid":
            payables.payable_pay(payable=target, by=hengtong)
        elif change == "issued":
            certificates.certificate_issue(payable=target, by=alice)
        elif change == "paid_early":  # 恒通 pays its own debt early at a discount (dynamic discounting)
            with transaction.atomic(), brain_context(target.brain_id):
                terms = early_payments.early_terms(face=target.amount, paid_on=timezone.localdate(),
                                                   matures_on=target.due_on, apr=D("6.0000"))
                early_payments.early_payment_make(
                    claim=early_payments.Claim(payable=payables.lock_payable(target)), kind="discount",
                    payer_id=target.debtor_id, terms=terms, by=hengtong)
        else:  # a correction made behind the services' back
            with brain_context(target.brain_id):
                Payable.objects.filter(pk=target.pk).update(amount=D("59999.99"))
        before = book(netting.brain_id)
        netting = nettings.netting_confirm(netting=netting, by=hengtong)
        assert netting.status == Netting.Status.VOIDED and netting.voided_because == Netting.Voided.CHANGED
        assert target.number in netting.void_reason
        assert book(netting.brain_id) == before  # nothing booked
        assert [fresh(p).amount for p in cycle[:2]] == [D("100000.00"), D("80000.00")]
        assert {fresh(p).status for p in cycle[:2]} == {Payable.Status.CONFIRMED}
        assert events(netting.brain_id, "netting.voided")[-1]["because"] == "changed"
        with brain_context(netting.brain_id):  # the payables are free again
            assert set(NettingLeg.objects.filter(netting=netting).values_list("netting_status", flat=True)) == {
                "voided"}


class TestAnswers:
    def test_only_a_party_answers_and_only_once(self, cycle, olga, alice, bob, shop_b, charlie):
        netting = propose(olga)
        for stranger in (shop_b, charlie, olga):
            with pytest.raises(NotAllowed):
                nettings.netting_confirm(netting=netting, by=stranger)
        nettings.netting_confirm(netting=netting, by=bob)  # any user of the party's enterprise answers for it
        with pytest.raises(DomainError) as twice:
            nettings.netting_confirm(netting=netting, by=alice)
        assert twice.value.code == "invalid_state"

    def test_a_suspended_member_cannot_answer(self, cycle, olga, hongda, mould):
        netting = propose(olga)
        with brain_context(mould.pk):
            hongda.enterprise.memberships.filter(brain=mould).update(status="suspended")
        with pytest.raises(NotAllowed):
            nettings.netting_confirm(netting=netting, by=hongda)

    def test_a_rejection_says_why_and_makes_it_void(self, cycle, olga, alice, hongda):
        netting = nettings.netting_confirm(netting=propose(olga), by=alice)
        with pytest.raises(DomainError) as silent:
            nettings.netting_reject(netting=netting, by=hongda, reason="  ")
        assert silent.value.field == "reason" and fresh(netting).status == Netting.Status.PROPOSED
        netting = nettings.netting_reject(netting=netting, by=hongda, reason="恒通的货款另有约定，不参加轧差")
        assert netting.status == Netting.Status.VOIDED and netting.voided_because == Netting.Voided.REJECTED
        assert positions_of(netting)[hongda.enterprise_id].decision == NettingParty.Decision.REJECTED
        with pytest.raises(DomainError):
            nettings.netting_confirm(netting=netting, by=hongda)
        assert propose(olga).leg_count == 3  # the payables are free for another proposal

    def test_the_operator_withdraws_a_waiting_proposal(self, cycle, olga, alice):
        netting = propose(olga)
        with pytest.raises(NotAllowed):
            nettings.netting_withdraw(netting=netting, by=alice)
        netting = nettings.netting_withdraw(netting=netting, by=olga, reason="改为按月结窗口重新发起")
        assert (netting.status, netting.voided_because) == (Netting.Status.VOIDED, Netting.Voided.WITHDRAWN)
        with pytest.raises(DomainError):
            nettings.netting_withdraw(netting=netting, by=olga)

    def test_an_unanswered_proposal_expires(self, cycle, olga, alice):
        netting = nettings.netting_confirm(netting=propose(olga, respond_days=1), by=alice)
        assert nettings.nettings_expire() == 0
        with brain_context(netting.brain_id):
            Netting.objects.filter(pk=netting.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        with pytest.raises(DomainError) as late:
            nettings.netting_confirm(netting=netting, by=alice)
        assert late.value.code in ("expired", "invalid_state")
        assert nettings.nettings_expire() == 1
        assert fresh(netting).voided_because == Netting.Voided.EXPIRED
        assert nettings.nettings_expire() == 0


class TestAtMostOnce:
    def test_the_database_refuses_a_second_live_netting_of_a_payable(self, cycle, olga):
        netting = propose(olga)
        leg = next(iter(legs_of(netting).values()))
        with brain_context(netting.brain_id), pytest.raises(IntegrityError, match="payable_netted_at_most_once"), \
                transaction.atomic():
            other = Netting.objects.create(
                brain_id=netting.brain_id, number="NET-X", window_from=netting.window_from,
                window_to=netting.window_to, window_count=1, window_total=leg.amount, legs_total=leg.amount,
                netted_total=leg.netted, leg_count=1, party_count=2, proposed_by=olga, expires_at=netting.expires_at)
            NettingLeg.objects.create(brain_id=netting.brain_id, netting=other, payable_id=leg.payable_id,
                                      debtor_id=leg.debtor_id, creditor_id=leg.creditor_id, amount=leg.amount,
                                      netted=leg.netted)

    def test_the_legs_follow_their_nettings_status_whoever_writes_it(self, cycle, olga):
        """No service: a raw update of the netting's status reaches its legs (the foreign key cascades), so a void
        netting frees its payables, and a void netting made live again while another holds them is refused."""
        first = propose(olga)
        with brain_context(first.brain_id):
            Netting.objects.filter(pk=first.pk).update(status="voided", voided_at=timezone.now(),
                                                       voided_because="withdrawn")
            assert set(NettingLeg.objects.filter(netting=first).values_list("netting_status", flat=True)) == {
                "voided"}
        second = propose(olga)
        assert second.leg_count == 3
        with brain_context(first.brain_id), pytest.raises(IntegrityError), transaction.atomic():
            Netting.objects.filter(pk=second.pk).update(status="voided", voided_at=timezone.now(),
                                                        voided_because="withdrawn")
            Netting.objects.filter(pk=first.pk).update(status="proposed", voided_at=None, voided_because="")

    def test_a_leg_cannot_say_another_status_than_its_netting(self, cycle, olga):
        netting = propose(olga)
        with brain_context(netting.brain_id), pytest.raises(IntegrityError), transaction.atomic():
            NettingLeg.objects.filter(netting=netting).update(netting_status="voided")

    def test_a_payable_is_netted_only_through_a_live_netting(self, cycle, olga):
        with brain_context(cycle[0].brain_id), pytest.raises(IntegrityError, match="live netting"), \
                transaction.atomic():
            Payable.objects.filter(pk=cycle[0].pk).update(status="netted")
        netting = nettings.netting_withdraw(netting=propose(olga), by=olga)
        with brain_context(cycle[0].brain_id), pytest.raises(IntegrityError, match="live netting"), \
                transaction.atomic():
            Payable.objects.filter(pk=netting.legs.first().payable_id).update(status="netted")

    def test_a_payable_issued_as_a_certificate_is_never_netted_even_in_a_live_netting(self, cycle, olga):
        netting = propose(olga)
        with brain_context(netting.brain_id):
            payable_id = netting.legs.first().payable_id
            Payable.objects.filter(pk=payable_id).update(status="certified")  # as if issued after the proposal
        with brain_context(netting.brain_id), pytest.raises(IntegrityError, match="only when confirmed"), \
                transaction.atomic():
            Payable.objects.filter(pk=payable_id).update(status="netted")

    def test_settled_and_void_are_final_and_a_leg_never_changes(self, cycle, olga, alice, hongda, hengtong):
        netting = confirm_all(propose(olga), alice, hongda, hengtong)
        with brain_context(netting.brain_id), pytest.raises(IntegrityError, match="for good"), transaction.atomic():
            Netting.objects.filter(pk=netting.pk).update(status="proposed", settled_at=None)
        with brain_context(netting.brain_id), pytest.raises(IntegrityError, match="never change"), \
                transaction.atomic():
            NettingLeg.objects.filter(netting=netting).update(netted=D("1.00"))


amounts = st.decimals(min_value=D("0.01"), max_value=D("500000.00"), places=2)
graphs = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), amounts), min_size=2, max_size=9).map(
    lambda rows: [(d, c, a) for d, c, a in rows if d != c])


class TestProperty:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(graph=graphs)
    def test_any_settled_netting_keeps_positions_and_the_books_balanced(self, graph, olga, alice, hongda, hengtong,
                                                                       meijia, huayu):
        """Random debts among five members, netted as far as they go and settled: each payable is split into its
        netted part and a remainder adding up to it, to the fen; every party's net position in the book is what it
        was; claims still add up to debts."""
        people = [alice, hongda, hengtong, meijia, huayu]
        with transaction.atomic():
            made = [owe(people[d], people[c], str(a)) for d, c, a in graph]
            brain_id = made[0].brain_id if made else None
            if brain_id is None:
                return
            before = net_positions(brain_id)
            try:
                netting = propose(olga)
            except DomainError as error:
                assert error.code == "nothing_to_net"
                transaction.set_rollback(True)
                return
            by_party = {p.enterprise_id: p for p in people}
            for position in positions_of(netting).values():
                netting = nettings.netting_confirm(netting=netting, by=by_party[position.enterprise_id])
            assert netting.status == Netting.Status.SETTLED
            for payable in made:
                leg = legs_of(netting).get(payable.pk)
                now = fresh(payable)
                if leg is None:
                    assert now.amount == payable.amount and now.status == Payable.Status.CONFIRMED
                    continue
                rest = fresh(leg.remainder) if leg.remainder_id else None
                assert now.amount == leg.netted <= payable.amount and now.status == Payable.Status.NETTED
                assert now.amount + (rest.amount if rest else 0) == payable.amount
                assert now.tax + (rest.tax if rest else 0) == payable.tax
            assert net_positions(brain_id) == before and claims_match_debts(brain_id)
            transaction.set_rollback(True)


class TestFenExact:
    """Yuan go to the circulation as whole fen and come back as yuan: no fen lost or invented on the way."""

    @settings(max_examples=300, deadline=None)
    @given(amount=st.decimals(min_value=D("0.01"), max_value=D("999999999999.99"), places=2))
    def test_an_amount_goes_to_fen_and_back_unchanged(self, amount):
        in_fen = nettings._fen(amount)
        assert isinstance(in_fen, int) and D(in_fen) == amount * 100
        assert nettings._yuan(in_fen) == amount and str(nettings._yuan(in_fen)).count(".") == 1

    @pytest.mark.parametrize("amount", [D("12.345"), D("0.005"), D("0.009"), D("999999999999.999")])
    def test_a_part_of_a_fen_is_refused_not_truncated(self, amount):
        with pytest.raises(ValueError):
            nettings._fen(amount)

    def test_odd_amounts_settle_to_the_fen_with_their_vat(self, olga, alice, hongda, hengtong):
        owed = [owe(alice, hongda, "33333.33", tax="3834.78"), owe(hongda, hengtong, "12345.67", tax="1420.30"),
                owe(hengtong, alice, "9876.55", tax="1136.24")]
        before = net_positions(owed[0].brain_id)
        netting = confirm_all(propose(olga), alice, hongda, hengtong)
        assert netting.status == Netting.Status.SETTLED and netting.netted_total == D("29629.65")  # 3 × 9,876.55
        legs = legs_of(netting)
        for original in owed:
            netted, leg = fresh(original), legs[original.pk]
            rest = fresh(leg.remainder) if leg.remainder_id else None
            assert netted.amount == leg.netted == D("9876.55")
            assert netted.amount + (rest.amount if rest else 0) == original.amount  # not a fen lost or made
            assert netted.tax + (rest.tax if rest else 0) == original.tax
        assert sum(leg.netted for leg in legs.values()) == netting.netted_total
        assert net_positions(netting.brain_id) == before and claims_match_debts(netting.brain_id)
