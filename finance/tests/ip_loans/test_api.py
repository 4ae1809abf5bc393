"""IP-pledge loans over the API, as an applicant's ERP and a bank's system use them: the patent picker, the whole
journey (documents, approval, pledge, disbursement, repayments retried under an Idempotency-Key), the files bounded
and checked, and nothing of anyone else's."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from conftest import api_as, make_user
from finance.models import IpLoanDocument, IpLoanRepayment
from finance.services import ip_loans
from finance.tests.ip_loans.conftest import JPEG, PDF, fresh
from ledger.models import Entry
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import BrainStaff
from tenants.services import api_keys
from tenants.uploads import Upload, uploads_read
from tests.support import ids, url


def key_client(user, brain, scope="write"):
    client = APIClient()
    secret = api_keys.api_key_create(by=user, name="ERP", scope=scope, brains=[brain]).secret
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client


def apply_body(lender, **changes):
    return {"bank": lender.enterprise_id, "amount": "3000000.00", "term_months": 24, "purpose": "购置五轴加工中心",
            "patents": ["ZL202310001234.5", "ZL202220555666.1"], **changes}


def test_the_picker_and_the_banks_for_an_applicant(kaihua, bank, other_bank, mould):
    client = api_as(kaihua)
    patents = client.get(url("ip-loan-patents")).json()
    assert [(p["number"], p["kind"], p["pledged_by"]) for p in patents] == [
        ("ZL202120777888.3", "实用新型", ""), ("ZL202220555666.1", "实用新型", ""), ("ZL202310001234.5", "发明", "")]
    banks = {b["legal_name"] for b in client.get(url("ip-loan-banks")).json()}
    assert banks == {"浙江泰隆商业银行台州分行", "台州银行黄岩支行"}


def test_an_erp_applies_with_its_api_key_and_the_bank_sees_it(kaihua, bank, other_bank, alice, olga, mould):
    response = key_client(kaihua, mould).post(url("ip-loan-list"), apply_body(bank), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["amount"] == "3000000.00" and body["schedule"] == []
    assert sorted(p["patent_number"] for p in body["pledges"]) == ["ZL202220555666.1", "ZL202310001234.5"]
    assert body["actions"][0]["action"] == "submit"
    for who in (kaihua, bank, olga):
        assert ids(api_as(who).get(url("ip-loan-list"))) == [body["id"]]
    for who in (other_bank, alice):
        assert ids(api_as(who).get(url("ip-loan-list"))) == []
        assert api_as(who).get(url("ip-loan-detail", body["id"])).status_code == 404
    picked = {p["number"]: p["pledged_by"] for p in api_as(kaihua).get(url("ip-loan-patents")).json()}
    assert picked["ZL202310001234.5"] == body["number"]


@pytest.mark.parametrize("changes, field", [
    ({"amount": "abc"}, "amount"), ({"amount": "999.00"}, "amount"), ({"term_months": 0}, "term_months"),
    ({"purpose": ""}, "purpose"), ({"patents": []}, "patents"), ({"patents": ["ZL999"]}, "patents"),
    ({"bank": 0}, "bank"),
])
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(kaihua, bank, mould, changes, field):
    response = api_as(kaihua).post(url("ip-loan-list"), apply_body(bank, **changes), format="json")
    assert response.status_code == 400 and field in response.json()["fields"], response.content
    assert ids(api_as(kaihua).get(url("ip-loan-list"))) == []


def test_a_member_who_is_not_an_administrator_cannot_apply(clerk, bank):
    response = api_as(clerk).post(url("ip-loan-list"), apply_body(bank), format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_the_whole_journey_over_the_api(applied, kaihua, bank, mould):
    erp, core = key_client(kaihua, mould), api_as(bank)
    asked = core.post(url("ip-loan-request-documents", applied.pk), {"items": ["近两年财务报表", "专利评估报告"],
                                                                      "note": "加盖公章"}, format="json")
    assert asked.status_code == 200 and asked.json()["status"] == "documents_requested"
    uploaded = erp.post(url("ip-loan-documents", applied.pk), {
        "files": [SimpleUploadedFile("财务报表.pdf", PDF), SimpleUploadedFile("评估报告.jpg", JPEG)],
        "item": "近两年财务报表"}, format="multipart")
    assert uploaded.status_code == 201, uploaded.content
    assert [d["content_type"] for d in uploaded.json()] == ["application/pdf", "image/jpeg"]
    download = core.get(uploaded.json()[0]["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert erp.post(url("ip-loan-supply-documents", applied.pk), {}, format="json").json()["status"] == \
        "documents_supplied"
    approved = core.post(url("ip-loan-approve", applied.pk), {"amount": "2000000.00", "apr": "3.45",
                                                             "term_months": 12,
                                                             "repayment_method": "equal_instalments"},
                         format="json").json()
    assert approved["status"] == "approved" and {row["state"] for row in approved["schedule"]} == {"projected"}
    # ¥2,000,000 at 3.45 % over 12 months, equal instalments: 169,797.64 a month, the last 169,797.67
    assert [row["amount"] for row in approved["schedule"]] == ["169797.64"] * 11 + ["169797.67"]
    registered = core.post(url("ip-loan-register-pledge", applied.pk), {"registration_number": "Y2026330000123"},
                           format="json")
    assert registered.status_code == 200 and registered.json()["pledge_registration_number"] == "Y2026330000123"
    active = core.post(url("ip-loan-disburse", applied.pk), {}, format="json", HTTP_IDEMPOTENCY_KEY="pay-out-1")
    assert active.status_code == 200 and active.json()["status"] == "active"
    first = active.json()["schedule"][0]
    assert first["state"] == "due" and first["paid_amount"] == "0.00"
    # a retried repayment is recorded once
    sent = [core.post(url("ip-loan-repayments", applied.pk), {"amount": first["amount"], "reference": "TL-0001"},
                      format="json", HTTP_IDEMPOTENCY_KEY="repay-1") for _twice in range(2)]
    assert [r.status_code for r in sent] == [201, 201] and sent[0].json() == sent[1].json()
    assert sent[1]["Idempotent-Replayed"] == "true"
    with brain_context(mould.pk):
        assert IpLoanRepayment.objects.count() == 1 and Entry.objects.filter(kind="ip_loan_repayment").count() == 1
    detail = erp.get(url("ip-loan-detail", applied.pk)).json()
    assert detail["schedule"][0]["state"] == "paid" and detail["repayments"][0]["reference"] == "TL-0001"
    assert [a["action"] for a in detail["actions"]] == ["submit", "request_documents", "upload", "supply_documents",
                                                        "approve", "register_pledge", "disburse", "repayment"]


def test_the_applicant_cannot_decide_and_the_bank_cannot_withdraw(applied, kaihua, bank):
    assert api_as(kaihua).post(url("ip-loan-approve", applied.pk), {
        "amount": "1000.00", "apr": "3", "term_months": 6, "repayment_method": "interest_only"},
        format="json").status_code == 403
    assert api_as(bank).post(url("ip-loan-withdraw", applied.pk), {}, format="json").status_code == 403
    refused = api_as(bank).post(url("ip-loan-disburse", applied.pk), {}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_state"
    assert fresh(applied).status == "submitted"


def test_an_oversized_file_is_refused_before_it_is_read(applied, kaihua):
    class Huge:
        name, size = "报表.pdf", ip_loans.MAX_DOCUMENT_BYTES + 1

        def read(self, *args):
            raise AssertionError("read before its size was checked")

    with pytest.raises(DomainError) as error:
        uploads_read([(Huge(), "document")], field="files", max_files=ip_loans.MAX_DOCUMENTS_AT_ONCE,
                     max_bytes=ip_loans.MAX_DOCUMENT_BYTES)
    assert error.value.field == "files" and "10 MB" in error.value.detail
    big = SimpleUploadedFile("报表.pdf", PDF + b"0" * ip_loans.MAX_DOCUMENT_BYTES)
    response = api_as(kaihua).post(url("ip-loan-documents", applied.pk), {"files": [big]}, format="multipart")
    assert response.status_code == 400 and "files" in response.json()["fields"]
    with brain_context(applied.brain_id):
        assert not IpLoanDocument.objects.exists()


@pytest.mark.parametrize("name, content", [("报表.pdf", JPEG), ("证书.png", PDF), ("宏.exe", b"MZ\x90\x00"),
                                           ("脚本.pdf", b"<script>alert(1)</script>")])
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(applied, kaihua, name, content):
    response = api_as(kaihua).post(url("ip-loan-documents", applied.pk),
                                   {"files": [SimpleUploadedFile(name, content)]}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "bad_file", response.content
    with brain_context(applied.brain_id):
        assert not IpLoanDocument.objects.exists()


def test_documents_are_for_the_applicant_its_bank_and_operators_only(applied, kaihua, bank, other_bank, olga):
    [document] = ip_loans.ip_loan_documents_upload(application=applied, by=kaihua, uploads=[
        Upload(name="财务报表.pdf", content=PDF)])
    for who in (kaihua, bank, olga):
        assert api_as(who).get(url("ip-loan-document-download", document.pk)).status_code == 200
    assert ids(api_as(other_bank).get(url("ip-loan-document-list"))) == []
    assert api_as(other_bank).get(url("ip-loan-document-download", document.pk)).status_code == 404


def test_a_government_viewer_reads_totals_and_no_application(approved, mould):
    viewer = make_user("gov")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
    client = api_as(viewer)
    assert ids(client.get(url("ip-loan-list"))) == []
    assert client.get(url("ip-loan-detail", approved.pk)).status_code == 404
    rows = {row["status"]: row for row in client.get(url("ip-loan-totals")).json()["by_status"]}
    assert (rows["approved"]["count"], D(rows["approved"]["approved"])) == (1, D("2000000.00"))


def test_a_read_only_key_reads_but_does_not_act(applied, bank, mould):
    admin = make_user("tailong-boss", enterprise=bank.enterprise)
    client = key_client(admin, mould, scope="read")
    assert ids(client.get(url("ip-loan-list"))) == [applied.pk]
    assert client.post(url("ip-loan-decline", applied.pk), {"reason": "x"}, format="json").status_code == 403
    assert fresh(applied).status == "submitted"


def test_more_files_than_one_upload_takes_are_refused_unread(applied, kaihua):
    class Unread:
        name, size = "报表.pdf", 1000

        def read(self, *args):
            raise AssertionError("read before the files were counted")

    with pytest.raises(DomainError) as error:
        uploads_read([(Unread(), "document")] * (ip_loans.MAX_DOCUMENTS_AT_ONCE + 1), field="files",
                     max_files=ip_loans.MAX_DOCUMENTS_AT_ONCE, max_bytes=ip_loans.MAX_DOCUMENT_BYTES)
    assert error.value.field == "files"
    files = [SimpleUploadedFile(f"报表{n}.pdf", PDF) for n in range(ip_loans.MAX_DOCUMENTS_AT_ONCE + 1)]
    response = api_as(kaihua).post(url("ip-loan-documents", applied.pk), {"files": files}, format="multipart")
    assert response.status_code == 400 and "files" in response.json()["fields"]
    with pytest.raises(DomainError):  # the service holds the same bound for any caller
        ip_loans.ip_loan_documents_upload(application=applied, by=kaihua, uploads=[
            Upload(name=f"报表{n}.pdf", content=PDF) for n in range(ip_loans.MAX_DOCUMENTS_AT_ONCE + 1)])
    with brain_context(applied.brain_id):
        assert not IpLoanDocument.objects.exists()
