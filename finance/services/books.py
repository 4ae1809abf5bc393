"""Finance's book in the platform's one journal: who holds which claim on whom, and the money that settled them.

Accounts, per enterprise: `receivable` (confirmed payables it is owed, not issued as certificates), `certificate`
(certificates it holds), `payable` (what it owes, a liability: credit balance), `cash` (money it received, less
money it paid, for settlements recorded here). So at every moment the receivables and certificates held add up to
the payables owed: every entry below keeps that, and the tests check it after any sequence of actions.
"""

from decimal import Decimal

from ledger.services.journal import Leg, entry_post
from tenants.models import User

BOOK = "finance"
RECEIVABLE, CERTIFICATE, PAYABLE, CASH = "receivable", "certificate", "payable", "cash"


def post(*, brain_id: int, kind: str, document: tuple[str, int], legs: list[Leg], by: User | None,
         memo: str = "", reference: str = ""):
    return entry_post(brain_id=brain_id, book=BOOK, kind=kind, legs=legs, by=by, document=document, memo=memo,
                      reference=reference)


def claim_moves(*, amount: Decimal, from_kind: str, from_id: int, to_kind: str, to_id: int) -> list[Leg]:
    """A claim of `amount` leaves one account (credit) and lands in another (debit)."""
    return [Leg(to_kind, debit=amount, enterprise_id=to_id), Leg(from_kind, credit=amount, enterprise_id=from_id)]


def settlement(*, amount: Decimal, debtor_id: int, holder_id: int, held_as: str) -> list[Leg]:
    """The debtor pays the holder: the debt and the claim go, the money moves."""
    return [Leg(PAYABLE, debit=amount, enterprise_id=debtor_id), Leg(CASH, credit=amount, enterprise_id=debtor_id),
            Leg(CASH, debit=amount, enterprise_id=holder_id), Leg(held_as, credit=amount, enterprise_id=holder_id)]
