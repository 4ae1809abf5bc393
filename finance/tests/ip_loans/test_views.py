"""The IP-pledge loan pages: the applicant applies with the patent picker, uploads and sees the schedule; the bank
asks, approves, registers, pays out and records repayments; operators see all, government viewers the totals; a
bystander and another brain get 404."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, make_user
from finance.models import IpLoanApplication, IpLoanDocument
from finance.services import ip_loans
from finance.tests.ip_loans.conftest import JPEG, PDF, fresh, instalments
from tenants.context import brain_context
from tenants.models import BrainStaff


def page(user, name, *args, brain="mould"):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client, reverse(f"finance:{name}", args=[brain, *args])


def test_the_applicant_applies_with_the_patent_picker(kaihua, bank, other_bank, mould):
    client, new = page(kaihua, "ip-loan-new")
    body = client.get(new).content.decode()
    assert 'data-testid="patent-picker"' in body and "一种注塑模具随形冷却水路结构" in body
    assert "浙江泰隆商业银行台州分行" in body and "台州银行黄岩支行" in body
    response = client.post(new, {"bank": bank.enterprise_id, "amount": "3000000.00", "term_months": "24",
                                 "purpose": "购置五轴加工中心", "patents": ["ZL202310001234.5", "ZL202120777888.3"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    with brain_context(mould.pk):
        made = IpLoanApplication.objects.get()
    assert response["Location"].endswith(f"/finance/ip-loans/{made.pk}/")
    again = client.get(new).content.decode()  # the pledged ones cannot be picked again
    assert 'value="ZL202310001234.5" disabled' in again and made.number in again


def test_a_bad_application_is_explained_on_the_page_and_nothing_is_made(kaihua, bank, mould):
    client, new = page(kaihua, "ip-loan-new")
    response = client.post(new, {"bank": bank.enterprise_id, "amount": "500.00", "term_months": "12",
                                 "purpose": "流动资金", "patents": ["ZL202310001234.5"]})
    assert response.status_code == 400 and ("1,000.00" in response.content.decode())
    with brain_context(mould.pk):
        assert not IpLoanApplication.objects.exists()


def test_a_member_who_is_not_an_administrator_is_told_to_ask_one(clerk):
    client, new = page(clerk, "ip-loan-new")
    body = client.get(new).content.decode()
    assert 'data-testid="not-admin"' in body and 'data-testid="apply-form"' not in body


def test_the_bank_works_the_application_through_on_its_page(applied, bank, kaihua, mould):
    client, home = page(bank, "home")
    assert applied.number in client.get(home).content.decode()  # waiting for it, on the finance home
    client, detail = page(bank, "ip-loan", applied.pk)
    body = client.get(detail).content.decode()
    assert 'data-testid="approve"' in body and 'data-testid="upload-button"' not in body
    assert client.post(detail, {"action": "request-documents", "items": "近两年财务报表\n专利评估报告",
                                "note": "盖章"}).status_code == 302
    assert fresh(applied).status == "documents_requested"
    applicant, its_page = page(kaihua, "ip-loan", applied.pk)
    upload = applicant.post(its_page, {"action": "upload", "item": "近两年财务报表",
                                       "files": [SimpleUploadedFile("报表.pdf", PDF),
                                                 SimpleUploadedFile("证书.jpg", JPEG)]})
    assert upload.status_code == 302
    assert applicant.post(its_page, {"action": "supply"}).status_code == 302
    assert client.post(detail, {"action": "approve", "amount": "2000000.00", "apr": "3.45", "term_months": "12",
                                "repayment_method": "interest_only"}).status_code == 302
    body = client.get(detail).content.decode()
    assert 'data-testid="schedule"' in body and "¥5750.00" in body  # 2,000,000 × 3.45 % ÷ 12, projected
    assert client.post(detail, {"action": "register-pledge", "registration_number": "Y2026330000456"}).status_code \
        == 302
    assert client.post(detail, {"action": "disburse"}).status_code == 302
    first = instalments(applied)[0]
    assert client.post(detail, {"action": "repay", "amount": str(first.amount), "reference": "TL-1"}).status_code \
        == 302
    body = applicant.get(its_page).content.decode()
    assert "Y2026330000456" in body and 'class="badge paid"' in body and "TL-1" in body
    assert fresh(applied).status == "active"


def test_a_refusal_is_shown_on_the_form_and_changes_nothing(applied, bank):
    client, detail = page(bank, "ip-loan", applied.pk)
    response = client.post(detail, {"action": "approve", "amount": "3000000.01", "apr": "3.45", "term_months": "12",
                                    "repayment_method": "interest_only"})
    assert response.status_code == 400 and "3,000,000.00" in response.content.decode()
    response = client.post(detail, {"action": "decline", "reason": ""})
    assert response.status_code == 400 and fresh(applied).status == "submitted"
    assert client.post(detail, {"action": "nonsense"}).status_code == 400


def test_an_upload_that_is_not_what_it_says_is_refused_on_the_page(applied, kaihua):
    client, detail = page(kaihua, "ip-loan", applied.pk)
    response = client.post(detail, {"action": "upload", "files": [SimpleUploadedFile("报表.pdf", JPEG)]})
    assert response.status_code == 400 and "报表.pdf" in response.content.decode()
    big = SimpleUploadedFile("报表.pdf", PDF + b"0" * ip_loans.MAX_DOCUMENT_BYTES)
    response = client.post(detail, {"action": "upload", "files": [big]})
    assert response.status_code == 400 and "10 MB" in response.content.decode()
    with brain_context(applied.brain_id):
        assert not IpLoanDocument.objects.exists()


def test_the_applicant_sees_its_schedule_on_a_phone_sized_page(active, kaihua):
    client, detail = page(kaihua, "ip-loan", active.pk)
    body = client.get(detail).content.decode()
    assert '<div style="overflow-x:auto"><table data-testid="schedule-table">' in body
    assert body.count("<tr><td>") >= 12 and 'data-testid="outstanding"' in body
    assert 'data-testid="repay"' not in body  # the bank records repayments, not the borrower


def test_operators_see_every_application_and_government_viewers_the_totals_only(applied, olga, mould):
    client, listing = page(olga, "ip-loans")
    assert applied.number in client.get(listing).content.decode()
    viewer = make_user("gov")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
    client, listing = page(viewer, "ip-loans")
    body = client.get(listing).content.decode()
    assert applied.number not in body and "¥3000000.00" in body  # the brain's total asked
    client, detail = page(viewer, "ip-loan", applied.pk)
    assert client.get(detail).status_code == 404


def test_a_bystander_another_bank_and_another_brain_get_404(applied, other_bank, alice, charlie, mould):
    for who in (other_bank, alice):
        client, detail = page(who, "ip-loan", applied.pk)
        assert client.get(detail).status_code == 404
        assert client.post(detail, {"action": "decline", "reason": "x"}).status_code == 404
    client, detail = page(charlie, "ip-loan", applied.pk, brain="pump-valve")
    assert client.get(detail).status_code == 404
    client, detail = page(charlie, "ip-loan", applied.pk)
    assert client.get(detail).status_code == 404
    assert fresh(applied).status == "submitted"
