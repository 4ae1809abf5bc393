"""The brain's ledger: the database refuses to commit a journal entry whose debits and credits differ, whatever
books it (a campaign's payment, a reserve's draw)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from supplychain.models import JournalEntry, JournalLine
from supplychain.services import ledger
from tenants.context import brain_context

D = Decimal


def test_the_database_refuses_an_entry_that_does_not_balance(steel_buy, dongfang):
    with brain_context(steel_buy.brain_id), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS journal_entry_balanced IMMEDIATE")
        entry = JournalEntry.objects.create(brain_id=steel_buy.brain_id, kind="member_payment")
        bank = ledger.account(brain_id=steel_buy.brain_id, kind="bank")
        with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
            JournalLine.objects.create(brain_id=steel_buy.brain_id, entry=entry, account=bank, debit=D("1.00"))


def test_the_database_refuses_an_unbalanced_reserve_entry(steel_reserve):
    with brain_context(steel_reserve.brain_id), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS journal_entry_balanced IMMEDIATE")
        entry = JournalEntry.objects.create(brain_id=steel_reserve.brain_id, kind="reserve_draw",
                                            reserve=steel_reserve)
        inventory = ledger.account(brain_id=steel_reserve.brain_id, kind="inventory")
        with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
            JournalLine.objects.create(brain_id=steel_reserve.brain_id, entry=entry, account=inventory,
                                       credit=D("1.00"))
