"""The brain's books are supplychain's book in the platform's one journal: the database refuses to commit an entry
whose debits and credits differ, whatever books it (a campaign's payment, a reserve's draw), also at a real commit
after the service has left its brain; other books of the journal are not supplychain's money; the page names the
book's words in the reader's language."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from ledger.models import Entry, Line
from ledger.services.journal import Leg, account_of, entry_post
from supplychain.models import BOOK
from supplychain.services import group_buys, ledger
from supplychain.tests.conftest import pledge
from tenants.context import brain_context

D = Decimal


def test_the_database_refuses_an_entry_that_does_not_balance(steel_buy, dongfang):
    with brain_context(steel_buy.brain_id), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ledger_entry_balanced IMMEDIATE")
        entry = Entry.objects.create(brain_id=steel_buy.brain_id, book=BOOK, kind="member_payment",
                                     document_type="group_buy", document_id=steel_buy.pk)
        bank = account_of(brain_id=steel_buy.brain_id, book=BOOK, kind="bank")
        with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
            Line.objects.create(brain_id=steel_buy.brain_id, entry=entry, account=bank, debit=D("1.00"))


def test_the_database_refuses_an_unbalanced_reserve_entry(steel_reserve):
    with brain_context(steel_reserve.brain_id), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ledger_entry_balanced IMMEDIATE")
        entry = Entry.objects.create(brain_id=steel_reserve.brain_id, book=BOOK, kind="reserve_draw",
                                     document_type="reserve", document_id=steel_reserve.pk)
        inventory = account_of(brain_id=steel_reserve.brain_id, book=BOOK, kind="inventory")
        with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
            Line.objects.create(brain_id=steel_reserve.brain_id, entry=entry, account=inventory,
                                credit=D("1.00"))


@pytest.mark.django_db(transaction=True)
def test_an_unbalanced_group_buy_posting_fails_at_a_real_commit(steel_buy, dongfang, pete):
    """payment_record enters the brain and leaves it before the transaction commits. supplychain's own journal
    checked its entries at COMMIT without a brain, so under row-level security it saw no line and let this one
    through; the one journal's check reads the entry's lines in the entry's brain."""
    pledge(steel_buy, dongfang, "5")
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        entry = group_buys.payment_record(group_buy=steel_buy, by=pete, kind="member_payment",
                                          enterprise_id=dongfang.enterprise_id, amount=D("100.00"))
        with brain_context(steel_buy.brain_id):  # a fen more on the bank's side, written the way a bug would
            bank = account_of(brain_id=steel_buy.brain_id, book=BOOK, kind="bank")
            Line.objects.create(brain_id=steel_buy.brain_id, entry=entry, account=bank, debit=D("0.01"))
    with brain_context(steel_buy.brain_id):
        assert not Entry.objects.filter(book=BOOK).exists()
        assert ledger.exposure(brain_id=steel_buy.brain_id, group_buy=steel_buy).bank == 0
    group_buys.payment_record(group_buy=steel_buy, by=pete, kind="member_payment",
                              enterprise_id=dongfang.enterprise_id, amount=D("100.00"))
    with brain_context(steel_buy.brain_id):
        assert ledger.exposure(brain_id=steel_buy.brain_id, group_buy=steel_buy).bank == D("100.00")


def test_other_books_of_the_journal_are_not_the_brains_pooled_buying_money(steel_buy, dongfang, pete):
    pledge(steel_buy, dongfang, "5")
    group_buys.payment_record(group_buy=steel_buy, by=pete, kind="member_payment",
                              enterprise_id=dongfang.enterprise_id, amount=D("100.00"))
    with brain_context(steel_buy.brain_id):  # the same words in another book, even naming the same document
        entry_post(brain_id=steel_buy.brain_id, book="finance", kind="member_payment",
                   document=("group_buy", steel_buy.pk),
                   legs=[Leg("bank", debit=D("7.00")),
                         Leg("member", credit=D("7.00"), enterprise_id=dongfang.enterprise_id)])
        books = ledger.exposure(brain_id=steel_buy.brain_id)
        assert (books.bank, books.members_prepaid) == (D("100.00"), D("100.00"))
        assert ledger.exposure(brain_id=steel_buy.brain_id, group_buy=steel_buy).bank == D("100.00")
        assert ledger.balance(brain_id=steel_buy.brain_id, kind="member", enterprise_id=dongfang.enterprise_id,
                              group_buy=steel_buy) == D("-100.00")
        assert [entry.book for entry in Entry.objects.order_by("id")] == [BOOK, "finance"]


def test_a_party_account_needs_its_enterprise_and_no_other_takes_one(steel_buy, dongfang):
    with brain_context(steel_buy.brain_id):
        for legs in ([Leg("bank", debit=D("1.00")), Leg("member", credit=D("1.00"))],
                     [Leg("bank", debit=D("1.00"), enterprise_id=dongfang.enterprise_id),
                      Leg("member", credit=D("1.00"), enterprise_id=dongfang.enterprise_id)]):
            with pytest.raises(ValueError, match="enterprise"):
                ledger.entry_post(brain_id=steel_buy.brain_id, kind="member_payment", legs=legs, by=None,
                                  group_buy=steel_buy)
        assert not Entry.objects.exists()


def test_the_campaigns_journal_names_entries_and_accounts_in_the_readers_language(client, steel_buy, dongfang, pete):
    """The journal stores supplychain's words only; the page says them in the reader's language."""
    pledge(steel_buy, dongfang, "5")
    group_buys.payment_record(group_buy=steel_buy, by=pete, kind="member_payment",
                              enterprise_id=dongfang.enterprise_id, amount=D("100.00"), reference="BK-7")
    client.force_login(pete)
    page = reverse("supplychain:group-buy", args=["pump-valve", steel_buy.pk])
    chinese = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for shown, words in ((chinese, ("收到成员付款", "银行存款", "成员应收款")),
                         (english, ("payment received from a member", "bank", "member receivable"))):
        journal = shown.split('data-testid="journal"')[1].split("</table>")[0]
        assert all(word in journal for word in words) and "BK-7" in journal and "¥100.00" in journal
