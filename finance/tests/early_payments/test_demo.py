"""The early-payment demo: the demo bank's line on the demo buyer, a financed claim (paid to the supplier, owed to
the bank), a request waiting for the bank's quote, the buyer's discount programme with offers and one clearing run;
a second load changes nothing."""

import pytest

from brain import demo as brain_demo
from capacity import demo as capacity_demo
from finance import demo as finance_demo
from finance.models import (
    ClearingRun, CreditLine, DiscountOffer, DiscountProgramme, EarlyPayment, FinancingInvitation, FinancingQuote,
    FinancingRequest, Payable,
)
from finance.selectors.financing import financing_request_list
from finance.tests.claims import claims_match_debts
from tenants import demo as tenants_demo
from tenants.access import brain_access
from tenants.context import brain_context, cross_brain

COUNTED = (ClearingRun, CreditLine, DiscountOffer, DiscountProgramme, EarlyPayment, FinancingInvitation,
           FinancingQuote, FinancingRequest, Payable)


def load():
    """As load_demo runs them, in the order of the apps."""
    loaded = tenants_demo.load()
    for demo in (brain_demo, capacity_demo, finance_demo):
        demo.load(brains=loaded["brains"], users=loaded["users"])
    return loaded


def snapshot() -> dict:
    with cross_brain(reason="test assertion"):
        return {model.__name__: list(model.objects.order_by("pk").values()) for model in COUNTED}


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    loaded = load()
    first = snapshot()
    load()
    return loaded, first


def test_a_second_load_changes_nothing(demo):
    _loaded, first = demo
    assert snapshot() == first


def test_the_bank_has_a_line_a_financed_claim_and_a_request_to_quote(demo):
    loaded, _first = demo
    mould, bank, buyer = loaded["brains"]["mould"], loaded["users"]["bank"], loaded["users"]["buyer"]
    with brain_context(mould.pk):
        line = CreditLine.objects.get(bank_id=bank.enterprise_id, buyer_id=buyer.enterprise_id)
        financed = EarlyPayment.objects.get(kind="bank", payer_id=bank.enterprise_id)
        asked = financing_request_list(brain=mould, viewer=brain_access(user=bank, brain=mould)).filter(
            status="open")
        assert line.used == financed.face and financed.payable.status == Payable.Status.FINANCED
        assert asked.count() == 1 and not FinancingQuote.objects.filter(request=asked.get()).exists()
    assert claims_match_debts(mould.pk)


def test_the_buyer_ran_one_clearing_and_an_offer_waits_for_the_next(demo):
    loaded, _first = demo
    mould, buyer = loaded["brains"]["mould"], loaded["users"]["buyer"]
    with brain_context(mould.pk):
        programme = DiscountProgramme.objects.get(buyer_id=buyer.enterprise_id, status="open")
        run = ClearingRun.objects.get(programme=programme)
        statuses = sorted(DiscountOffer.objects.filter(programme=programme).values_list("status", flat=True))
    assert run.offers_cleared == 2 and run.offers_skipped == 1 and statuses == ["cleared", "cleared", "open"]
    assert programme.cash_used == run.cash_cleared
