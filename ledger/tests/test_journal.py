"""The one journal: balanced by the database, append-only, one account per book, kind and party."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction

from conftest import make_enterprise
from ledger.models import Account, Entry, Line
from ledger.services.journal import Leg, account_of, balance, balances, entry_post
from tenants.context import brain_context
from tenants.errors import DomainError


def test_it_posts_a_balanced_entry_and_reads_balances(mould, alice_ent):
    with brain_context(mould.pk):
        entry = entry_post(brain_id=mould.pk, book="finance", kind="confirm", document=("payable", 7), legs=[
            Leg("receivable", debit=D("113.00"), enterprise_id=alice_ent.pk),
            Leg("payable", credit=D("100.00"), enterprise_id=alice_ent.pk),
            Leg("payable", credit=D("13.00"), enterprise_id=alice_ent.pk),
        ])
        assert entry.lines.count() == 3
        assert balance(brain_id=mould.pk, book="finance", kind="receivable", enterprise_id=alice_ent.pk) == D("113.00")
        assert balance(brain_id=mould.pk, book="finance", kind="payable", enterprise_id=alice_ent.pk,
                       document=("payable", 7)) == D("-113.00")
        assert balance(brain_id=mould.pk, book="finance", kind="payable", enterprise_id=alice_ent.pk,
                       document=("payable", 8)) == D("0")
        assert balances(brain_id=mould.pk, book="finance") == {
            ("receivable", alice_ent.pk): D("113.00"), ("payable", alice_ent.pk): D("-113.00")}
        # another book's accounts of the same kind are other accounts
        assert balance(brain_id=mould.pk, book="supplychain", kind="receivable", enterprise_id=alice_ent.pk) == 0


def test_it_refuses_an_unbalanced_or_empty_entry_and_writes_nothing(mould):
    with brain_context(mould.pk):
        with pytest.raises(DomainError) as error:
            entry_post(brain_id=mould.pk, book="finance", kind="x", legs=[Leg("cash", debit=D("1.00")),
                                                                          Leg("fees", credit=D("0.99"))])
        assert error.value.code == "unbalanced"
        with pytest.raises(DomainError):
            entry_post(brain_id=mould.pk, book="finance", kind="x", legs=[Leg("cash")])
        assert not Entry.objects.exists() and not Line.objects.exists()


def test_the_database_refuses_to_commit_an_entry_that_does_not_balance(mould):
    with brain_context(mould.pk), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ledger_entry_balanced IMMEDIATE")
        entry = Entry.objects.create(brain_id=mould.pk, book="finance", kind="x")
        cash = account_of(brain_id=mould.pk, book="finance", kind="cash")
        with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
            Line.objects.create(brain_id=mould.pk, entry=entry, account=cash, debit=D("1.00"))


def test_the_journal_is_append_only(mould):
    with brain_context(mould.pk):
        entry = entry_post(brain_id=mould.pk, book="finance", kind="x",
                           legs=[Leg("cash", debit=D("5.00")), Leg("fees", credit=D("5.00"))])
        line = entry.lines.first()
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            Line.objects.filter(pk=line.pk).update(debit=D("6.00"))
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            Line.objects.filter(pk=line.pk).delete()
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            Entry.objects.filter(pk=entry.pk).update(memo="rewritten")
        assert Line.objects.get(pk=line.pk).debit == D("5.00")


def test_one_account_per_book_kind_and_party(mould, alice_ent):
    with brain_context(mould.pk):
        first = account_of(brain_id=mould.pk, book="finance", kind="cash", enterprise_id=alice_ent.pk)
        assert account_of(brain_id=mould.pk, book="finance", kind="cash", enterprise_id=alice_ent.pk) == first
        assert account_of(brain_id=mould.pk, book="finance", kind="cash") != first
        account_of(brain_id=mould.pk, book="finance", kind="cash")
        with pytest.raises(IntegrityError), transaction.atomic():  # NULL enterprise counts as one party too
            Account.objects.create(brain_id=mould.pk, book="finance", kind="cash")


@pytest.mark.django_db(transaction=True)
def test_the_check_holds_at_a_real_commit_after_the_brain_context_is_left(mould):
    """Services enter their brain inside the transaction and leave it before it commits: the deferred check must
    still see the entry's lines (under RLS it would otherwise see none, and an empty sum balances)."""
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        with brain_context(mould.pk):
            entry = Entry.objects.create(brain_id=mould.pk, book="finance", kind="x")
            cash = account_of(brain_id=mould.pk, book="finance", kind="cash")
            Line.objects.create(brain_id=mould.pk, entry=entry, account=cash, debit=D("1.00"))
    with brain_context(mould.pk):
        assert not Entry.objects.exists()
        entry_post(brain_id=mould.pk, book="finance", kind="x",
                   legs=[Leg("cash", debit=D("1.00")), Leg("fees", credit=D("1.00"))])
    with brain_context(mould.pk):
        assert Line.objects.count() == 2


def test_an_entry_of_many_parties_costs_the_same_queries_as_one_of_few(mould, alice_ent, django_assert_max_num_queries):
    """A netting or clearing posts one entry with a leg per party: its accounts are read (and made) in bulk."""
    parties = [alice_ent] + [make_enterprise(700 + n, f"企业{n}") for n in range(30)]
    legs = [leg for party in parties for leg in (Leg("receivable", debit=D("1.00"), enterprise_id=party.pk),
                                                   Leg("payable", credit=D("1.00"), enterprise_id=party.pk))]
    with brain_context(mould.pk):
        with django_assert_max_num_queries(8):  # entry, two reads, one bulk insert of accounts, lines, savepoints
            entry_post(brain_id=mould.pk, book="finance", kind="netting", legs=legs)
        with django_assert_max_num_queries(6):  # the accounts exist now: read once
            entry_post(brain_id=mould.pk, book="finance", kind="netting", legs=legs)
        assert Account.objects.filter(book="finance").count() == 62
        assert balances(brain_id=mould.pk, book="finance")[("receivable", alice_ent.pk)] == D("2.00")
