"""Finance's book in the platform's one journal: who holds which claim on whom, and the money that settled them.

Accounts, per enterprise: `receivable` (confirmed payables it is owed, not issued as certificates), `certificate`
(certificates it holds), `payable` (what it owes, a liability: credit balance), `cash` (money it received, less
money it paid, for settlements recorded here). So at every moment the receivables and certificates held add up to
the payables owed: every entry below keeps that, and the tests check it after any sequence of actions.

Paying early adds three income and cost accounts, none of them a claim: `discount_income` (a buyer's, what it
kept by paying its own claim early), `financing_income` (a bank's, the discount and fee it earns), `finance_cost`
(a supplier's, what it gave up for its money early).
"""

from collections import defaultdict
from decimal import Decimal

from ledger.services.journal import Leg, entry_post
from tenants.models import User

BOOK = "finance"
RECEIVABLE, CERTIFICATE, PAYABLE, CASH = "receivable", "certificate", "payable", "cash"
DISCOUNT_INCOME, FINANCING_INCOME, FINANCE_COST = "discount_income", "financing_income", "finance_cost"


def post(*, brain_id: int, kind: str, document: tuple[str, int], legs: list[Leg], by: User | None,
         memo: str = "", reference: str = ""):
    return entry_post(brain_id=brain_id, book=BOOK, kind=kind, legs=legs, by=by, document=document, memo=memo,
                      reference=reference)


def claim_moves(*, amount: Decimal, from_kind: str, from_id: int, to_kind: str, to_id: int) -> list[Leg]:
    """A claim of `amount` leaves one account (credit) and lands in another (debit)."""
    return [Leg(to_kind, debit=amount, enterprise_id=to_id), Leg(from_kind, credit=amount, enterprise_id=from_id)]


def netting(*, netted: list[tuple[int, int, Decimal]]) -> list[Leg]:
    """A netting settles each payable (debtor, creditor, amount netted) by its netted amount and no money moves: the
    debtors' payables are debited and the creditors' receivables credited, summed per enterprise (every party nets
    as much owing as owed, so its payable and its receivable shrink alike)."""
    debits, credits = defaultdict(Decimal), defaultdict(Decimal)
    for debtor_id, creditor_id, amount in netted:
        debits[debtor_id] += amount
        credits[creditor_id] += amount
    return [*(Leg(PAYABLE, debit=amount, enterprise_id=e) for e, amount in sorted(debits.items())),
            *(Leg(RECEIVABLE, credit=amount, enterprise_id=e) for e, amount in sorted(credits.items()))]


def settlement(*, amount: Decimal, debtor_id: int, holder_id: int, held_as: str) -> list[Leg]:
    """The debtor pays the holder: the debt and the claim go, the money moves."""
    return [Leg(PAYABLE, debit=amount, enterprise_id=debtor_id), Leg(CASH, credit=amount, enterprise_id=debtor_id),
            Leg(CASH, debit=amount, enterprise_id=holder_id), Leg(held_as, credit=amount, enterprise_id=holder_id)]


def early_settlement(*, face: Decimal, discount: Decimal, debtor_id: int, holder_id: int, held_as: str) -> list[Leg]:
    """The debtor pays its own claim early at a discount: the debt and the claim go at face, face − discount moves
    as money, and the discount is the debtor's income and the holder's cost."""
    paid = face - discount
    return [Leg(PAYABLE, debit=face, enterprise_id=debtor_id), Leg(CASH, credit=paid, enterprise_id=debtor_id),
            Leg(DISCOUNT_INCOME, credit=discount, enterprise_id=debtor_id),
            Leg(CASH, debit=paid, enterprise_id=holder_id), Leg(FINANCE_COST, debit=discount, enterprise_id=holder_id),
            Leg(held_as, credit=face, enterprise_id=holder_id)]


def financing(*, face: Decimal, paid: Decimal, bank_id: int, holder_id: int, held_as: str) -> list[Leg]:
    """A bank buys a claim at face and pays `paid` for it: the claim moves to the bank, the money to the holder, and
    the difference (discount and fee) is the bank's income and the holder's cost. The debt is unchanged."""
    return [*claim_moves(amount=face, from_kind=held_as, from_id=holder_id, to_kind=held_as, to_id=bank_id),
            Leg(CASH, credit=paid, enterprise_id=bank_id), Leg(FINANCING_INCOME, credit=face - paid, enterprise_id=bank_id),
            Leg(CASH, debit=paid, enterprise_id=holder_id), Leg(FINANCE_COST, debit=face - paid, enterprise_id=holder_id)]


# IP-pledge loans. A loan's principal is a claim of the bank on the borrower: `loan` (the bank's, debit balance)
# against `loan_payable` (the borrower's, credit balance), so the two always add up to nothing, as receivables and
# certificates do against payables. Interest is the bank's `interest_income` and the borrower's `interest_expense`,
# booked when it is paid. Every entry names its loan (document ("ip_loan", id)), so one loan's outstanding
# principal is one balance read.
LOAN, LOAN_PAYABLE = "loan", "loan_payable"
INTEREST_INCOME, INTEREST_EXPENSE = "interest_income", "interest_expense"


def loan_disbursement(*, amount: Decimal, bank_id: int, borrower_id: int) -> list[Leg]:
    """The bank pays out a loan: its money goes to the borrower, and it holds the claim the borrower owes."""
    return [Leg(LOAN, debit=amount, enterprise_id=bank_id), Leg(CASH, credit=amount, enterprise_id=bank_id),
            Leg(CASH, debit=amount, enterprise_id=borrower_id), Leg(LOAN_PAYABLE, credit=amount, enterprise_id=borrower_id)]


def loan_repayment(*, principal: Decimal, interest: Decimal, bank_id: int, borrower_id: int) -> list[Leg]:
    """The borrower repays `principal` of the claim with `interest`: the claim shrinks by the principal, the money
    moves, the interest is the bank's income and the borrower's expense."""
    paid = principal + interest
    return [Leg(LOAN_PAYABLE, debit=principal, enterprise_id=borrower_id),
            Leg(INTEREST_EXPENSE, debit=interest, enterprise_id=borrower_id),
            Leg(CASH, credit=paid, enterprise_id=borrower_id),
            Leg(CASH, debit=paid, enterprise_id=bank_id), Leg(LOAN, credit=principal, enterprise_id=bank_id),
            Leg(INTEREST_INCOME, credit=interest, enterprise_id=bank_id)]
