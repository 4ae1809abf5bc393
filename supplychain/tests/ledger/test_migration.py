"""The move of supplychain's own journal into the platform's one journal (migrations 0004-0006), on a database with
group-buy and reserve books in two brains and on an empty one: rows are built with the old models at the old state,
under row-level security as production has it, then the database is migrated forward."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ledger.models import Entry
from ledger.services.journal import balances
from supplychain.models import BOOK, Drawdown, Replenishment
from supplychain.selectors.ledger import journal_entry_list, reserve_books
from supplychain.services import group_buys, ledger, reserves
from supplychain.tests.conftest import pledge, reserve_terms
from tenants.context import brain_context
from tenants.rls import CROSS_BRAIN, IN_BRAIN

D = Decimal
OLD = ("supplychain", "0003_joint_reserves")
OLD_TABLES = ("supplychain_ledgeraccount", "supplychain_journalentry", "supplychain_journalline")
SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(*targets):
    """Migrate to `targets` (default: supplychain's latest migration); the old state's models when going back."""
    executor = MigrationExecutor(connection)
    targets = targets or [node for node in executor.loader.graph.leaf_nodes() if node[0] == "supplychain"]
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


def under_rls_as_in_production(*tables):
    """Going back recreates the old tables; the post-migrate hook that forces RLS on every tenant table does not run
    here, so do what it did for them."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"CREATE POLICY brain_write ON {table} FOR ALL USING ({IN_BRAIN} OR {CROSS_BRAIN}) "
                           f"WITH CHECK ({IN_BRAIN} OR {CROSS_BRAIN})")


def old_entry(apps, *, brain_id, kind, lines, **fields):
    """An entry of the old journal with its lines [(account, debit, credit)]."""
    JournalEntry, JournalLine = apps.get_model("supplychain", "JournalEntry"), apps.get_model("supplychain", "JournalLine")
    entry = JournalEntry.objects.create(brain_id=brain_id, kind=kind, **fields)
    for account, debit, credit in lines:
        JournalLine.objects.create(brain_id=brain_id, entry=entry, account=account, debit=D(debit), credit=D(credit))
    return entry


def lines_of(entry):
    return [(line.account.kind, line.account.enterprise_id, line.debit, line.credit)
            for line in entry.lines.select_related("account").order_by("id")]


def test_the_old_journal_moves_into_the_one_journal_with_its_documents_and_balances(
        mould, steel_buy, pete, steel, dongfang):
    reserve = reserves.reserve_create(brain=steel_buy.brain, by=pete, supplier_id=steel.enterprise_id,
                                      **reserve_terms())  # empty: its first replenishment opens, nothing is booked
    pledge(steel_buy, dongfang, "1")  # nor is a pledge
    pump, member, supplier = steel_buy.brain_id, dongfang.enterprise_id, steel.enterprise_id

    apps = migrate(OLD)
    under_rls_as_in_production(*OLD_TABLES)
    Account = apps.get_model("supplychain", "LedgerAccount")
    with brain_context(pump):
        def account(kind, enterprise_id=None):
            return Account.objects.create(brain_id=pump, kind=kind, enterprise_id=enterprise_id)

        bank, owes, owed, fees, vat = (account("bank"), account("member", member), account("supplier", supplier),
                                       account("fees"), account("vat"))
        inventory, input_vat, sales, sales_vat, cogs = (account("inventory"), account("input_vat"),
                                                        account("sales"), account("sales_vat"), account("cogs"))
        deposit = old_entry(apps, brain_id=pump, kind="member_payment", group_buy_id=steel_buy.pk,
                            memo="东方泵业 定金", reference="ICBC-20261102-0001", booked_on=date(2026, 11, 2),
                            created_by_id=pete.pk, created_at=datetime(2026, 11, 2, 9, 30, tzinfo=SHANGHAI),
                            lines=[(bank, "3160.00", "0"), (owes, "0", "3160.00")])
        lock = old_entry(apps, brain_id=pump, kind="lock", group_buy_id=steel_buy.pk, memo="GB-2026-000001 @ 15800.00",
                         booked_on=date(2026, 11, 5), created_at=datetime(2026, 11, 5, 0, 1, tzinfo=SHANGHAI),
                         lines=[(owes, "15958.00", "0"), (owed, "0", "15800.00"), (fees, "0", "150.94"),
                                (vat, "0", "7.06")])
        receipt = old_entry(apps, brain_id=pump, kind="reserve_receipt", reserve_id=reserve.pk,
                            reference="QJ-2026-0001", booked_on=date(2026, 11, 6), created_by_id=pete.pk,
                            lines=[(inventory, "796460.18", "0"), (input_vat, "103539.82", "0"),
                                   (owed, "0", "900000.00")])
        draw = old_entry(apps, brain_id=pump, kind="reserve_draw", reserve_id=reserve.pk, created_by_id=pete.pk,
                         lines=[(owes, "31600.00", "0"), (sales, "0", "27964.60"), (sales_vat, "0", "3635.40"),
                                (cogs, "26548.67", "0"), (inventory, "0", "26548.67")])
        apps.get_model("supplychain", "Replenishment").objects.filter(reserve_id=reserve.pk).update(
            status="received", received_quantity=D("60"), unit_cost=D("15000.00"), net=D("796460.18"),
            vat=D("103539.82"), note_number="QJ-2026-0001", entry=receipt)
        share = apps.get_model("supplychain", "ReserveShare").objects.create(
            brain_id=pump, reserve_id=reserve.pk, member_id=member, committed=D("20"), drawn=D("2"),
            committed_by_id=pete.pk)
        apps.get_model("supplychain", "Drawdown").objects.create(
            brain_id=pump, reserve_id=reserve.pk, share=share, member_id=member, quantity=D("2"),
            within_share=D("2"), beyond_share=D("0"), unit_price=D("15800.00"), beyond_unit_price=D("16590.00"),
            surcharge=D("0"), net=D("27964.60"), vat=D("3635.40"), cost=D("26548.67"), entry=draw,
            drawn_by_id=pete.pk)
        old = {entry.pk: (entry, lines_of(entry)) for entry in (deposit, lock, receipt, draw)}
    with brain_context(mould.pk):  # another brain's books, and an entry that names no document
        Account.objects.create(brain_id=mould.pk, kind="bank")
        other = old_entry(apps, brain_id=mould.pk, kind="member_payment", lines=[
            (Account.objects.get(brain_id=mould.pk, kind="bank"), "1.00", "0"),
            (Account.objects.create(brain_id=mould.pk, kind="fees"), "0", "1.00")])

    migrate()

    assert not set(OLD_TABLES) & set(connection.introspection.table_names())
    with brain_context(pump):
        copies = list(Entry.objects.filter(book=BOOK).order_by("id"))
        assert len(copies) == 4
        for (entry, lines), copy in zip(old.values(), copies, strict=True):
            assert (copy.kind, copy.memo, copy.reference, copy.booked_on, copy.created_by_id, copy.created_at) == (
                entry.kind, entry.memo, entry.reference, entry.booked_on, entry.created_by_id, entry.created_at)
            assert lines_of(copy) == lines
        assert [copy.document for copy in copies] == [("group_buy", steel_buy.pk)] * 2 + [("reserve", reserve.pk)] * 2
        assert Drawdown.objects.get().entry == copies[3]
        assert Replenishment.objects.get(reserve_id=reserve.pk).entry == copies[2]
        assert list(journal_entry_list(brain=pump, group_buy=steel_buy)) == copies[1::-1]  # newest first

        assert ledger.balance(brain_id=pump, kind="member", enterprise_id=member, group_buy=steel_buy) == D("12798.00")
        campaign = ledger.exposure(brain_id=pump, group_buy=steel_buy)
        assert (campaign.bank, campaign.members_owe, campaign.owed_to_suppliers, campaign.fees_earned) == (
            D("3160.00"), D("12798.00"), D("15800.00"), D("150.94"))
        books = reserve_books(reserve=reserve)
        assert (books.inventory, books.sales, books.cost_of_sales, books.output_vat, books.input_vat) == (
            D("769911.51"), D("27964.60"), D("26548.67"), D("3635.40"), D("103539.82"))
        assert (books.members_owe, books.owed_to_supplier) == (D("31600.00"), D("900000.00"))
        assert balances(brain_id=pump, book=BOOK)[("supplier", supplier)] == D("-915800.00")
    with brain_context(mould.pk):
        [copy] = Entry.objects.filter(book=BOOK)
        assert copy.document is None and lines_of(copy) == [("bank", None, D("1.00"), D("0")),
                                                              ("fees", None, D("0"), D("1.00"))]
        assert other.pk  # the old one, for the record: its copy has the journal's own id

    # the moved book goes on: the next posting lands in it beside the moved entries
    group_buys.payment_record(group_buy=steel_buy, by=pete, kind="member_payment", enterprise_id=member,
                              amount=D("12798.00"))
    with brain_context(pump):
        assert ledger.balance(brain_id=pump, kind="member", enterprise_id=member, group_buy=steel_buy) == 0


def test_an_empty_journal_moves_too():
    migrate(OLD)
    assert set(OLD_TABLES) <= set(connection.introspection.table_names())
    migrate()
    assert not set(OLD_TABLES) & set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'supplychain_entry_balanced'")
        assert cursor.fetchone() == (0,)


def test_a_moved_book_is_not_moved_back_out_of_the_append_only_journal(steel_buy, dongfang, pete):
    pledge(steel_buy, dongfang, "5")
    group_buys.payment_record(group_buy=steel_buy, by=pete, kind="member_payment",
                              enterprise_id=dongfang.enterprise_id, amount=D("100.00"))
    try:
        with pytest.raises(RuntimeError, match="append-only"):
            migrate(OLD)
    finally:
        migrate()
    with brain_context(steel_buy.brain_id):
        assert ledger.exposure(brain_id=steel_buy.brain_id, group_buy=steel_buy).bank == D("100.00")
