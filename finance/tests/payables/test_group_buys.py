"""Payables from group purchases: once every piece of a member's allocation has arrived, the member owes its goods
(with VAT, as the settlement fixed them at the lock) to the brain's trader (平台贸易商), due per the campaign's terms
or 60 days after the last receipt; recorded once per settlement, through supplychain's event and selectors. The
payable then goes every way a delivery's does: confirmed, issued, financed by a bank, netted, paid."""
# ruff: noqa: F811  (supplychain's fixtures are imported here and requested by name)

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, join, make_enterprise, make_user, wait_for
from finance import demo as finance_demo
from finance import tasks
from finance.models import Certificate, Netting, Payable
from finance.services import certificates, financing, nettings, payables
from finance.services.books import BOOK
from finance.tests.claims import financier
from finance.tests.claims import owed as owe
from ledger.models import Entry
from ledger.money import fen, split_vat
from ledger.services.journal import Leg, balance, entry_post
from supplychain import demo as supply_demo
from supplychain import tasks as supply_tasks
from supplychain.models import BOOK as SUPPLY_BOOK
from supplychain.models import Settlement, SupplyOrderLine, TraderPayment
from supplychain.selectors.group_buys import member_statement
from supplychain.services import group_buys
from supplychain.tests.conftest import at_deadline, campaign, dongfang, pete, pledge, songmen, steel  # noqa: F401
from tenants import demo as tenants_demo
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import Membership, OutboxEvent
from tests.support import race

TODAY = timezone.localdate


@pytest.fixture
def trader_ent(pump):
    """The brain's trading arm (平台贸易商), a member like any other."""
    enterprise = make_enterprise(47, "台州泵阀产业大脑供应链管理有限公司", region="331081")
    join(pump, enterprise, roles=("supplier",))
    return enterprise


@pytest.fixture
def trader(trader_ent, pump, pete):
    """The trader's administrator; its enterprise named the brain's trader."""
    group_buys.settings_save(brain=pump, by=pete, trader_id=trader_ent.pk)
    return make_user("pvtrade", enterprise=trader_ent)


@pytest.fixture
def bank(pump):
    return financier(pump, 48, "浙江泰隆商业银行温岭支行", "tlwenling")


def locked(pump, pete, steel, dongfang, songmen, **terms):
    """A 304 bar purchase locked at ¥15,800.00 a tonne, VAT 13 % included: 东方 6.5 t, 松门 4 t."""
    made = campaign(pump, pete, steel, **terms)
    pledge(made, dongfang, "6.5")
    pledge(made, songmen, "4")
    at_deadline(made)
    return made


@pytest.fixture
def bars(pump, pete, steel, dongfang, songmen):
    return locked(pump, pete, steel, dongfang, songmen)


def ship(group_buy, steel, member, quantity=None, *, received=None):
    """The supplier ships `quantity` of the member's line (all that is left by default); the member confirms
    `received` of it (all by default)."""
    with brain_context(group_buy.brain_id):
        line = SupplyOrderLine.objects.get(order__group_buy=group_buy, member_id=member.enterprise_id)
    shipment = group_buys.shipment_record(line=line, by=steel, note_number=f"QJ-{line.pk}-{line.shipped}",
                                          quantity=D(quantity) if quantity else line.quantity - line.shipped)
    return group_buys.shipment_receive(shipment=shipment, by=member,
                                       quantity=D(received) if received is not None else shipment.quantity)


def record(group_buy, member):
    return payables.payable_record_from_group_buy(brain_id=group_buy.brain_id, group_buy_id=group_buy.pk,
                                                  member_id=member.enterprise_id)


def settlement_of(group_buy, member):
    with brain_context(group_buy.brain_id):
        return Settlement.objects.get(group_buy=group_buy, member_id=member.enterprise_id)


def recorded_events(brain_id):
    with brain_context(brain_id):
        return list(OutboxEvent.objects.filter(name="payable.recorded").values_list("payload", flat=True))


class TestRecording:
    def test_the_member_owes_the_trader_its_goods_with_vat_once_all_have_arrived(self, bars, trader, steel,
                                                                                  dongfang):
        ship(bars, steel, dongfang, "4")
        assert record(bars, dongfang) is None  # 2.5 t still to come: nothing owed yet
        ship(bars, steel, dongfang)
        payable = record(bars, dongfang)
        # 6.5 t × ¥15,800.00 = ¥102,700.00 with 13 % VAT inside: net 90,884.96, VAT 11,815.04, to the fen
        assert (payable.amount, payable.tax) == (D("102700.00"), D("11815.04"))
        assert split_vat(payable.amount, vat_rate=D(13), includes_vat=True).vat == payable.tax
        settlement = settlement_of(bars, dongfang)
        assert (payable.amount, payable.tax) == (settlement.goods_total, settlement.goods_vat)  # not the fee
        assert (payable.debtor_id, payable.creditor_id) == (dongfang.enterprise_id, trader.enterprise_id)
        assert (payable.source, payable.source_id) == (Payable.Source.GROUP_BUY, settlement.pk)
        assert payable.accepted_on == TODAY() and payable.due_on == TODAY() + timedelta(days=60)
        assert payable.status == Payable.Status.PENDING and bars.number in payable.description
        assert recorded_events(bars.brain_id) == [
            {"payable": payable.pk, "debtor": dongfang.enterprise_id, "creditor": trader.enterprise_id}]

    @pytest.mark.parametrize("days", [0, 30, 90])
    def test_the_campaigns_payment_terms_set_the_due_date(self, pump, pete, steel, dongfang, songmen, trader,
                                                          days):
        made = locked(pump, pete, steel, dongfang, songmen, payment_days=days)
        ship(made, steel, songmen)
        assert record(made, songmen).due_on == TODAY() + timedelta(days=days)

    def test_a_shortfall_waits_until_it_is_shipped_anew_and_received(self, bars, trader, steel, songmen):
        ship(bars, steel, songmen, received="3.5")  # half a tonne short: shipped again later
        assert record(bars, songmen) is None
        ship(bars, steel, songmen)
        assert record(bars, songmen).amount == D("63200.00")  # the whole 4 t, as settled

    def test_nothing_is_recorded_twice_however_often_the_event_comes(self, bars, trader, steel, dongfang):
        ship(bars, steel, dongfang)
        first, again = record(bars, dongfang), record(bars, dongfang)
        assert first.pk == again.pk
        with brain_context(bars.brain_id):
            assert Payable.objects.count() == 1
        assert len(recorded_events(bars.brain_id)) == 1

    @pytest.mark.django_db(transaction=True)
    def test_two_workers_at_once_record_one_payable(self, bars, trader, steel, dongfang):
        ship(bars, steel, dongfang)
        first, second = race(*[lambda: record(bars, dongfang)] * 2)
        assert isinstance(first, Payable) and first.pk == second.pk
        with brain_context(bars.brain_id):
            assert Payable.objects.count() == 1

    def test_the_database_allows_one_payable_per_settlement(self, bars, trader, steel, dongfang):
        ship(bars, steel, dongfang)
        payable = record(bars, dongfang)
        with brain_context(bars.brain_id), pytest.raises(IntegrityError, match="one_payable_per_evidence"), \
                transaction.atomic():
            Payable.objects.create(
                brain_id=payable.brain_id, number="AP-TWICE", source=payable.source, source_id=payable.source_id,
                description="x", debtor_id=payable.debtor_id, creditor_id=payable.creditor_id, amount=D("1.00"),
                tax=D("0.00"), accepted_on=payable.accepted_on, due_on=payable.due_on)

    def test_without_a_trader_nothing_is_owed_until_the_operators_name_one(self, bars, trader_ent, pump, pete,
                                                                           steel, dongfang, songmen):
        ship(bars, steel, dongfang)
        assert record(bars, dongfang) is None  # the brain names no trader
        saved = group_buys.settings_save(brain=pump, by=pete, trader_id=trader_ent.pk)
        with brain_context(pump.pk):
            event = OutboxEvent.objects.filter(name="supply_chain_settings.saved").latest("pk")
        assert event.payload == {"members_may_open": saved.members_may_open, "trader": trader_ent.pk}
        # the worker's task on that event: what arrived before is owed now; 松门's goods are still on the way
        assert tasks.record_group_buy_payables(pump.pk, event.pk) == 1
        with brain_context(pump.pk):
            assert list(Payable.objects.values_list("debtor_id", "creditor_id", "amount")) == [
                (dongfang.enterprise_id, trader_ent.pk, D("102700.00"))]
        assert tasks.record_group_buy_payables(pump.pk, event.pk) == 1  # again: the same one, nothing new
        with brain_context(pump.pk):
            assert Payable.objects.count() == 1

    def test_a_trader_that_is_no_longer_an_active_member_is_owed_nothing(self, bars, trader, trader_ent, pump,
                                                                         steel, dongfang):
        with brain_context(pump.pk):
            Membership.objects.filter(brain=pump, enterprise=trader_ent).update(status=Membership.Status.SUSPENDED)
        ship(bars, steel, dongfang)
        assert record(bars, dongfang) is None

    def test_the_trader_owes_itself_nothing_for_its_own_pledge(self, pump, pete, steel, dongfang, songmen):
        group_buys.settings_save(brain=pump, by=pete, trader_id=songmen.enterprise_id)
        made = locked(pump, pete, steel, dongfang, songmen)
        ship(made, steel, songmen)
        assert record(made, songmen) is None
        ship(made, steel, dongfang)
        assert record(made, dongfang).creditor_id == songmen.enterprise_id


class TestTheTrader:
    def test_only_operators_name_the_trader_and_only_an_active_member(self, pump, pete, dongfang, charlie_ent):
        with pytest.raises(NotAllowed):
            group_buys.settings_save(brain=pump, by=dongfang, trader_id=dongfang.enterprise_id)
        outsider = make_enterprise(49, "杭州某贸易有限公司", region="330102")  # a member of no brain
        for bad in (outsider.pk, 2**40):
            with pytest.raises(DomainError) as error:
                group_buys.settings_save(brain=pump, by=pete, trader_id=bad)
            assert error.value.field == "trader"
        settings = group_buys.settings_save(brain=pump, by=pete, trader_id=charlie_ent.pk)
        assert settings.trader_id == charlie_ent.pk and not settings.members_may_open  # the other setting stays
        assert group_buys.settings_save(brain=pump, by=pete, members_may_open=True).trader_id == charlie_ent.pk
        assert group_buys.settings_save(brain=pump, by=pete, trader_id=None).trader_id is None

    def test_the_operators_finance_page_says_why_no_payable_comes_from_group_purchases(self, pump, pete,
                                                                                        trader_ent):
        client = Client()
        assert client.login(username=pete.username, password=PASSWORD)
        home = reverse("finance:home", args=[pump.slug])
        body = client.get(home).content.decode()
        assert 'data-testid="no-trader"' in body
        group_buys.settings_save(brain=pump, by=pete, trader_id=trader_ent.pk)
        body = client.get(home).content.decode()
        assert 'data-testid="no-trader"' not in body and trader_ent.legal_name in body


class TestFlows:
    """The trader's claim on a member goes every way a delivery's does."""

    @pytest.fixture
    def owed(self, bars, trader, steel, dongfang):
        ship(bars, steel, dongfang)
        return record(bars, dongfang)

    def test_the_member_confirms_it_and_the_trader_holds_the_claim(self, owed, dongfang, trader):
        confirmed = payables.payable_confirm(payable=owed, by=dongfang)
        assert confirmed.status == Payable.Status.CONFIRMED
        with brain_context(owed.brain_id):
            assert balance(brain_id=owed.brain_id, book=BOOK, kind="receivable",
                           enterprise_id=trader.enterprise_id) == D("102700.00")
            assert balance(brain_id=owed.brain_id, book=BOOK, kind="payable",
                           enterprise_id=dongfang.enterprise_id) == D("-102700.00")
        with pytest.raises(NotAllowed):
            payables.payable_confirm(payable=owed, by=trader)  # the creditor confirms nothing

    def test_a_bank_finances_it_and_the_member_pays_the_bank_at_maturity(self, owed, dongfang, trader, bank, pump):
        confirmed = payables.payable_confirm(payable=owed, by=dongfang)
        line = financing.credit_line_open(brain=pump, by=bank, buyer_id=dongfang.enterprise_id, limit="200000.00",
                                          expires_on=TODAY() + timedelta(days=365))
        request = financing.financing_request_make(brain=pump, by=trader, payable=confirmed, note="集采货款提前回笼")
        quote = financing.financing_quote_make(request=request, by=bank, apr="7", fee="100",
                                               valid_until=timezone.now() + timedelta(hours=24))
        payment = financing.financing_quote_accept(quote=quote, by=trader).early_payment
        days_early = (confirmed.due_on - TODAY()).days  # 60
        discount = fen(D("102700.00") * D("0.07") * days_early / 365)  # ¥1,181.75
        assert (payment.payer_id, payment.amount) == (bank.enterprise_id, D("102700.00") - discount - D("100.00"))
        with brain_context(pump.pk):
            assert Payable.objects.get(pk=owed.pk).status == Payable.Status.FINANCED
            line.refresh_from_db()
        assert line.used == D("102700.00")
        paid = payables.payable_pay(payable=confirmed, by=dongfang, reference="东方泵业 1201")
        assert paid.status == Payable.Status.PAID
        with brain_context(pump.pk):
            line.refresh_from_db()
            assert line.used == D("0.00")
            assert balance(brain_id=pump.pk, book=BOOK, kind="receivable", enterprise_id=bank.enterprise_id) == 0

    def test_the_trader_issues_it_as_a_certificate(self, owed, dongfang, trader):
        certificate = certificates.certificate_issue(payable=payables.payable_confirm(payable=owed, by=dongfang),
                                                     by=trader)
        assert (certificate.amount, certificate.holder_id, certificate.issuer_id) == (
            D("102700.00"), trader.enterprise_id, dongfang.enterprise_id)
        assert certificate.status == Certificate.Status.HELD

    def test_it_nets_against_what_the_trader_owes_the_member(self, owed, dongfang, trader, pump, pete):
        payables.payable_confirm(payable=owed, by=dongfang)
        back = owe(trader, dongfang, "30000.00", due_in=30, brain="pump-valve")  # e.g. scrap the trader bought
        netting = nettings.netting_propose(brain=pump, by=pete, window_from=TODAY(),
                                           window_to=TODAY() + timedelta(days=60))
        nettings.netting_confirm(netting=netting, by=dongfang)
        settled = nettings.netting_confirm(netting=netting, by=trader)
        assert settled.status == Netting.Status.SETTLED and settled.netted_total == D("60000.00")
        with brain_context(pump.pk):
            rest = Payable.objects.get(split_from_id=owed.pk)
            assert Payable.objects.get(pk=back.pk).status == Payable.Status.NETTED
        assert rest.amount == D("72700.00") and rest.status == Payable.Status.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_the_worker_records_the_payable_from_the_receipt_event(bars, trader, steel, dongfang, celery_worker):
    ship(bars, steel, dongfang, "4")
    ship(bars, steel, dongfang)  # two receipts, two events: the first finds goods still to come

    def recorded():
        with brain_context(bars.brain_id):
            return list(Payable.objects.values_list("amount", "creditor_id"))

    assert wait_for(recorded, timeout=20) == [(D("102700.00"), trader.enterprise_id)]
    with brain_context(bars.brain_id):
        assert Payable.objects.count() == 1


def test_the_demo_names_the_trader_and_the_member_whose_coil_arrived_owes_it(db):
    def load():
        loaded = tenants_demo.load()
        supply_demo.load(brains=loaded["brains"], users=loaded["users"])
        finance_demo.group_buy_demo(brains=loaded["brains"])
        return loaded["brains"]["pump-valve"]

    pump = load()
    with brain_context(pump.pk):
        first = list(Payable.objects.values_list("pk", "debtor__legal_name", "creditor__legal_name", "amount",
                                                 "status"))
    assert [row[1:] for row in first] == [("温岭市松门水泵配件厂", "台州泵阀产业大脑供应链管理有限公司（演示）",
                                           D("102000.00"), Payable.Status.CONFIRMED)]  # 25 t × ¥4,080.00
    load()
    with brain_context(pump.pk):
        assert list(Payable.objects.values_list("pk", "debtor__legal_name", "creditor__legal_name", "amount",
                                                "status")) == first


# --- The campaign's books follow the trader's payable ------------------------------------------------------------

DISCHARGED = ("payable.paid", "payable.netted")


def discharge_events(brain_id, name=None):
    with brain_context(brain_id):
        return list(OutboxEvent.objects.filter(name__in=[name] if name else DISCHARGED).order_by("pk"))


def book_discharges(brain_id):
    """What supplychain's worker does on finance's events: each payable.paid / payable.netted to its task."""
    return [supply_tasks.record_trader_payment(brain_id, event.pk) for event in discharge_events(brain_id)]


def statement(group_buy, member):
    with brain_context(group_buy.brain_id):
        return member_statement(group_buy=group_buy, enterprise_id=member.enterprise_id)


def trader_payments(group_buy):
    with brain_context(group_buy.brain_id):
        return list(TraderPayment.objects.filter(settlement__group_buy=group_buy).order_by("pk")
                    .values_list("kind", "amount"))


def assert_books_balance(brain_id):
    """Every entry of the campaign's book balances, and the trader's payments are Dr bank, Cr member."""
    with brain_context(brain_id):
        entries = Entry.objects.filter(book=SUPPLY_BOOK).prefetch_related("lines__account")
        for entry in entries:
            lines = list(entry.lines.all())
            assert sum(line.debit for line in lines) == sum(line.credit for line in lines) > 0
            if entry.kind == "trader_payment":
                amount = max(line.debit for line in lines)
                assert sorted((line.account.kind, line.debit, line.credit) for line in lines) == [
                    ("bank", amount, 0), ("member", 0, amount)]


class TestTheCampaignsBooks:
    """A payment (or netting) of the member's payable to the trader is booked in the campaign's books as the
    member's payment, once, from finance's event; the operator records nothing by hand."""

    @pytest.fixture
    def owed(self, bars, trader, steel, dongfang):
        ship(bars, steel, dongfang)
        return payables.payable_confirm(payable=record(bars, dongfang), by=dongfang)

    def test_paid_to_the_trader_the_campaign_shows_the_member_paid(self, bars, owed, dongfang, pete, pump):
        settlement = settlement_of(bars, dongfang)
        assert statement(bars, dongfang)["balance"] == settlement.total  # goods ¥102,700.00 and the fee ¥1,027.00
        payables.payable_pay(payable=owed, by=dongfang, reference="东方泵业 1201")
        [event] = discharge_events(pump.pk)
        assert {key: event.payload[key] for key in ("payable", "source", "source_id", "amount", "on", "debtor")} == {
            "payable": owed.pk, "source": "group_buy", "source_id": settlement.pk, "amount": "102700.00",
            "on": TODAY().isoformat(), "debtor": dongfang.enterprise_id}
        assert book_discharges(pump.pk) == [True]
        shown = statement(bars, dongfang)
        assert shown["paid"] == D("102700.00") and shown["balance"] == settlement.fee_total == D("1027.00")
        assert trader_payments(bars) == [("paid", D("102700.00"))]
        # the goods again by hand would overpay: refused; the fee, still owed to the brain, is recorded
        with pytest.raises(DomainError) as over:
            group_buys.payment_record(group_buy=bars, by=pete, kind="member_payment",
                                      enterprise_id=dongfang.enterprise_id, amount=D("102700.00"))
        assert over.value.code == "over_payment" and over.value.field == "amount"
        group_buys.payment_record(group_buy=bars, by=pete, kind="member_payment",
                                  enterprise_id=dongfang.enterprise_id, amount=D("1027.00"))
        assert statement(bars, dongfang)["balance"] == 0
        assert_books_balance(pump.pk)

    def test_financed_then_paid_to_the_bank_at_maturity_is_booked_once(self, bars, owed, dongfang, trader, bank,
                                                                       pump):
        financing.credit_line_open(brain=pump, by=bank, buyer_id=dongfang.enterprise_id, limit="200000.00",
                                   expires_on=TODAY() + timedelta(days=365))
        request = financing.financing_request_make(brain=pump, by=trader, payable=owed, note="集采货款提前回笼")
        quote = financing.financing_quote_make(request=request, by=bank, apr="7", fee="100",
                                               valid_until=timezone.now() + timedelta(hours=24))
        financing.financing_quote_accept(quote=quote, by=trader)
        assert book_discharges(pump.pk) == []  # the bank paid the trader early: the member has paid nothing yet
        assert statement(bars, dongfang)["paid"] == 0
        payables.payable_pay(payable=owed, by=dongfang, reference="东方泵业 0208")  # to the bank, the face
        [event] = discharge_events(pump.pk)
        assert (event.payload["payee"], event.payload["amount"]) == (bank.enterprise_id, "102700.00")
        assert book_discharges(pump.pk) == book_discharges(pump.pk) == [True]  # delivered twice: booked once
        assert trader_payments(bars) == [("paid", D("102700.00"))]
        assert statement(bars, dongfang)["paid"] == D("102700.00")
        with brain_context(pump.pk):
            assert Entry.objects.filter(book=SUPPLY_BOOK, kind="trader_payment").count() == 1
        assert_books_balance(pump.pk)

    def test_a_netting_books_the_netted_part_and_the_payment_the_rest(self, bars, owed, dongfang, trader, pump,
                                                                       pete):
        owe(trader, dongfang, "30000.00", due_in=30, brain="pump-valve")  # e.g. scrap the trader bought
        netting = nettings.netting_propose(brain=pump, by=pete, window_from=TODAY(),
                                           window_to=TODAY() + timedelta(days=60))
        nettings.netting_confirm(netting=netting, by=dongfang)
        nettings.netting_confirm(netting=netting, by=trader)
        netted = discharge_events(pump.pk, "payable.netted")
        mine = [event.payload for event in netted if event.payload["payable"] == owed.pk]
        assert [(p["amount"], p["netting"], p["source_id"]) for p in mine] == [
            ("30000.00", netting.pk, settlement_of(bars, dongfang).pk)]
        # the other netted payable is evidenced by no settlement of this brain's campaigns: nothing to book
        assert sorted(book_discharges(pump.pk)) == [False, True]
        assert trader_payments(bars) == [("netted", D("30000.00"))]
        assert statement(bars, dongfang)["paid"] == D("30000.00")
        with brain_context(pump.pk):
            rest = Payable.objects.get(split_from_id=owed.pk)
        payables.payable_pay(payable=rest, by=dongfang)
        book_discharges(pump.pk)
        assert trader_payments(bars) == [("netted", D("30000.00")), ("paid", D("72700.00"))]
        assert statement(bars, dongfang)["balance"] == D("1027.00")  # the goods, fen-exact; the fee still owed
        assert_books_balance(pump.pk)

    def test_certified_it_is_booked_when_the_last_certificate_is_paid(self, bars, owed, dongfang, trader, pump):
        certificate = certificates.certificate_issue(payable=owed, by=trader)
        first, second = certificates.certificate_split(certificate=certificate, by=trader,
                                                       amounts=["60000.00", "42700.00"])
        certificates.certificate_redeem(certificate=first, by=dongfang)
        assert book_discharges(pump.pk) == []  # a part is still to be paid: the payable is not
        certificates.certificate_redeem(certificate=second, by=dongfang)
        assert book_discharges(pump.pk) == [True]
        assert trader_payments(bars) == [("paid", D("102700.00"))]
        assert_books_balance(pump.pk)

    def test_the_database_books_a_payable_once(self, bars, owed, dongfang, pump):
        payables.payable_pay(payable=owed, by=dongfang)
        book_discharges(pump.pk)
        with brain_context(pump.pk):
            first = TraderPayment.objects.get()
            with pytest.raises(IntegrityError, match="one_trader_payment_per_payable"), transaction.atomic():
                again = entry_post(brain_id=pump.pk, book=SUPPLY_BOOK, kind="trader_payment",
                                   legs=[Leg("bank", debit=D("1.00")),
                                         Leg("member", credit=D("1.00"), enterprise_id=dongfang.enterprise_id)])
                TraderPayment.objects.create(brain_id=pump.pk, settlement=first.settlement, payable_id=owed.pk,
                                             kind="paid", amount=D("1.00"), paid_on=TODAY(), entry=again)

    def test_the_page_says_the_trader_payments_are_booked_automatically(self, bars, pete):
        client = Client()
        assert client.login(username=pete.username, password=PASSWORD)
        body = client.get(reverse("supplychain:group-buy", args=[bars.brain.slug, bars.pk])).content.decode()
        assert 'data-testid="trader-payments-automatic"' in body


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_book_the_members_payment_once(bars, trader, steel, dongfang, pump):
    ship(bars, steel, dongfang)
    owed = payables.payable_confirm(payable=record(bars, dongfang), by=dongfang)
    payables.payable_pay(payable=owed, by=dongfang)
    [event] = discharge_events(pump.pk)
    first, second = race(*[lambda: supply_tasks.record_trader_payment(pump.pk, event.pk)] * 2)
    assert (first, second) == (True, True)
    assert trader_payments(bars) == [("paid", D("102700.00"))]
    with brain_context(pump.pk):
        assert Entry.objects.filter(book=SUPPLY_BOOK, kind="trader_payment").count() == 1
    assert statement(bars, dongfang)["paid"] == D("102700.00")
    assert_books_balance(pump.pk)


@pytest.mark.django_db(transaction=True)
def test_the_worker_books_the_members_payment_from_finances_event(bars, trader, steel, dongfang, pump,
                                                                  celery_worker):
    ship(bars, steel, dongfang)

    def recorded():
        with brain_context(pump.pk):
            return Payable.objects.filter(debtor_id=dongfang.enterprise_id).first()

    owed = wait_for(recorded, timeout=20)
    assert owed is not None
    payables.payable_pay(payable=payables.payable_confirm(payable=owed, by=dongfang), by=dongfang)
    assert wait_for(lambda: trader_payments(bars), timeout=20) == [("paid", D("102700.00"))]
    assert statement(bars, dongfang)["balance"] == D("1027.00")
    assert_books_balance(pump.pk)
