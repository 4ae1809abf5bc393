"""The IP-pledge loan demo: the demo bank has real work (an application under review, documents requested), the
applicant's patents came through the sync engine into its enterprise file, and a second load changes nothing."""

import pytest

from brain import demo as brain_demo
from brain.models import DataSource, PublicRecord
from finance import demo as finance_demo
from finance.models import IpLoanAction, IpLoanApplication, IpLoanDocumentRequest, IpLoanPledge
from finance.selectors.ip_loans import ip_loan_awaiting, ip_loan_list, ip_loan_patents
from tenants import demo as tenants_demo
from tenants.access import brain_access
from tenants.context import brain_context, cross_brain


def load():
    """As load_demo runs them: brain's government data (registry, tax) before finance adds the patents."""
    loaded = tenants_demo.load()
    brain_demo.load(brains=loaded["brains"], users=loaded["users"])
    finance_demo.load(brains=loaded["brains"], users=loaded["users"])
    return loaded


def snapshot() -> dict:
    with cross_brain(reason="test assertion"):
        return {
            "patents": sorted(PublicRecord.objects.filter(record_type="patent").values_list(
                "credit_code", "record_id", "facts", "changed_at")),
            "sources": sorted(DataSource.objects.values_list("brain__slug", "name")),
            "applications": list(IpLoanApplication.objects.order_by("pk").values()),
            "pledges": list(IpLoanPledge.objects.order_by("pk").values()),
            "requests": list(IpLoanDocumentRequest.objects.order_by("pk").values()),
            "actions": list(IpLoanAction.objects.order_by("pk").values_list("action", "status_after")),
        }


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
    assert len(first["applications"]) == 1 and len(first["patents"]) == 3
    assert ("mould", "知识产权局专利信息（演示）") in first["sources"]


def test_the_demo_bank_sees_an_application_under_review_with_documents_requested(demo):
    loaded, _ = demo
    mould, users = loaded["brains"]["mould"], loaded["users"]
    with brain_context(mould.pk):
        bank = brain_access(user=users["bank"], brain=mould)
        [application] = ip_loan_list(brain=mould, viewer=bank)
        assert application.status == "documents_requested"
        assert application.applicant.legal_name == "台州市黄岩宏达精密机械加工厂"
        assert sorted(application.pledges.values_list("patent_number", flat=True)) == [
            "ZL202221873460.2", "ZL202310458721.6"]
        assert len(application.document_requests.get().items) == 4
        borrower = brain_access(user=users["supplier"], brain=mould)
        assert list(ip_loan_awaiting(brain=mould, viewer=borrower)) == [application]  # its turn: the documents
        picker = {p.number: p.pledged_by for p in ip_loan_patents(brain=mould, enterprise_id=borrower.enterprise_id)}
        assert picker == {"ZL202221873460.2": application.number, "ZL202310458721.6": application.number,
                          "ZL202320112589.7": ""}
        assert not ip_loan_list(brain=mould, viewer=brain_access(user=users["buyer"], brain=mould)).exists()
