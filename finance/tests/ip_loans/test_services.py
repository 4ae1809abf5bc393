"""IP-pledge loans, the rules: apply pledging patents of the enterprise file (each pledged at most once at a time, by
the database), the bank's requests for documents and the applicant's files, approval or a reason to decline,
withdrawal, the pledge registration and the disbursement with its schedule, repayments to the fen in the one
journal, release of the patents, reminders before each due date, and who sees what."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.utils.translation import override

from conftest import join, make_user
from finance.models import (
    IpLoanAction, IpLoanApplication, IpLoanDocument, IpLoanDocumentRequest, IpLoanInstalment, IpLoanPledge,
    IpLoanReminder, IpLoanRepayment,
)
from finance.schedules import repayment_schedule, schedule_totals
from finance.selectors.ip_loans import ip_loan_document_list, ip_loan_list, ip_loan_patents, ip_loan_totals
from finance.services import ip_loans
from finance.services.books import BOOK
from finance.tests.ip_loans.conftest import JPEG, PDF, PNG, apply, fresh, instalments, patent_records, today
from ledger.models import Entry
from ledger.services.journal import balance, balances
from tenants.access import brain_access, enterprise_access
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import BrainStaff, Notification, OutboxEvent
from tenants.uploads import Upload
from tests.support import race


def events(brain, prefix="ip_loan."):
    with brain_context(brain.pk):
        return list(OutboxEvent.objects.filter(name__startswith=prefix).order_by("pk").values_list("name", flat=True))


def live_pledges(application):
    with brain_context(application.brain_id):
        return sorted(IpLoanPledge.objects.filter(application=application, released_at__isnull=True)
                      .values_list("patent_number", flat=True))


def trail(application):
    with brain_context(application.brain_id):
        return list(IpLoanAction.objects.filter(application=application).order_by("pk").values_list(
            "action", "status_before", "status_after", "by__username"))


def ask_documents(application, bank, items=("近两年财务报表", "专利价值评估报告")):
    return ip_loans.ip_loan_documents_request(application=application, by=bank, items=list(items),
                                              note="请加盖公章后上传")


def pdf(name="财务报表.pdf", content=PDF):
    return Upload(name=name, content=content, kind="document")


def book(application):
    with brain_context(application.brain_id):
        return balances(brain_id=application.brain_id, book=BOOK)


class TestApply:
    def test_it_applies_pledging_patents_of_its_enterprise_file(self, applied, kaihua, bank, mould):
        assert applied.status == IpLoanApplication.Status.SUBMITTED and applied.number.startswith("IPL-")
        assert (applied.applicant_id, applied.bank_id, applied.amount, applied.term_months) == (
            kaihua.enterprise_id, bank.enterprise_id, D("3000000.00"), 24)
        with brain_context(mould.pk):
            pledged = {p.patent_number: (p.title, p.kind, p.granted_on) for p in applied.pledges.all()}
        assert pledged == {"ZL202310001234.5": ("一种注塑模具随形冷却水路结构", "发明", "2024-03-12"),
                           "ZL202220555666.1": ("一种模具快速换模定位装置", "实用新型", "2022-11-08")}
        assert trail(applied) == [("submit", "", "submitted", "kaihua")]
        assert events(mould) == ["ip_loan.submitted"]

    def test_the_picker_lists_the_files_patents_and_marks_the_pledged(self, applied, kaihua, mould):
        with brain_context(mould.pk):
            listed = {p.number: p.pledged_by for p in ip_loan_patents(brain=mould, enterprise_id=kaihua.enterprise_id)}
        assert listed == {"ZL202310001234.5": applied.number, "ZL202220555666.1": applied.number,
                          "ZL202120777888.3": ""}

    def test_a_patent_number_is_read_as_the_office_writes_it(self, kaihua, bank, mould):
        application = apply(kaihua, bank, mould, patents=[" zl 2021 2077 7888.3 "])
        assert live_pledges(application) == ["ZL202120777888.3"]

    def test_a_patent_not_in_its_file_is_refused_and_nothing_is_made(self, kaihua, bank, mould, alice):
        patent_records(alice.enterprise, {"ZL201910009999.1": ("别家的专利", "发明", "2020-01-01")})
        with pytest.raises(DomainError) as error:
            apply(kaihua, bank, mould, patents=["ZL202310001234.5", "ZL201910009999.1"])
        assert (error.value.code, error.value.field) == ("not_in_file", "patents")
        with brain_context(mould.pk):
            assert not IpLoanApplication.objects.exists() and not IpLoanPledge.objects.exists()

    def test_a_patent_pledged_in_a_live_application_is_refused_until_it_ends(self, applied, kaihua, bank, mould):
        with pytest.raises(DomainError) as error:
            apply(kaihua, bank, mould, patents=["ZL202120777888.3", "ZL202310001234.5"])
        assert error.value.code == "already_pledged" and applied.number in error.value.detail
        ip_loans.ip_loan_withdraw(application=applied, by=kaihua, reason="改向其他银行申请")
        again = apply(kaihua, bank, mould, patents=["ZL202310001234.5"])
        assert live_pledges(again) == ["ZL202310001234.5"] and live_pledges(applied) == []

    def test_the_database_allows_one_live_pledge_per_patent_in_any_brain(self, applied, pump):
        with brain_context(pump.pk), pytest.raises(IntegrityError), transaction.atomic():
            IpLoanPledge.objects.create(brain=pump, application_id=applied.pk, patent_number="ZL202310001234.5")

    @pytest.mark.parametrize("changes, field", [
        ({"bank_id": "x"}, "bank"), ({"amount": "999.99"}, "amount"), ({"amount": "abc"}, "amount"),
        ({"amount": "1000.001"}, "amount"), ({"term_months": 0}, "term_months"), ({"term_months": 61}, "term_months"),
        ({"term_months": "十二"}, "term_months"), ({"purpose": "  "}, "purpose"), ({"purpose": "用" * 501}, "purpose"),
        ({"patents": []}, "patents"), ({"patents": "ZL202310001234.5"}, "patents"),
        ({"patents": ["ZL202310001234.5", "ZL202310001234.5"]}, "patents"), ({"patents": [""]}, "patents"),
        ({"patents": [f"ZL{n}" for n in range(21)]}, "patents"),
    ])
    def test_bad_input_is_refused_naming_the_field_and_nothing_is_made(self, kaihua, bank, mould, changes, field):
        data = {"bank_id": bank.enterprise_id, "amount": "500000.00", "term_months": 12, "purpose": "流动资金",
                "patents": ["ZL202310001234.5"], **changes}
        with pytest.raises(DomainError) as error:
            ip_loans.ip_loan_apply(brain=mould, by=kaihua, **data)
        assert error.value.field == field
        with brain_context(mould.pk):
            assert not IpLoanApplication.objects.exists()

    def test_only_a_bank_of_the_brain_and_not_oneself(self, kaihua, alice, mould, bank):
        for who in (alice, kaihua):  # a buyer is no bank; nor is the applicant itself
            with pytest.raises(DomainError) as error:
                ip_loans.ip_loan_apply(brain=mould, by=kaihua, bank_id=who.enterprise_id, amount="10000",
                                       term_months=6, purpose="x", patents=["ZL202310001234.5"])
            assert error.value.field == "bank"

    def test_only_an_administrator_of_an_active_member_applies(self, clerk, bank, mould, charlie):
        for who in (clerk, charlie):
            with pytest.raises(NotAllowed):
                apply(who, bank, mould)

    def test_the_refusal_speaks_the_readers_language(self, kaihua, bank, mould):
        with override("zh-hans"), pytest.raises(DomainError) as chinese:
            apply(kaihua, bank, mould, patents=["ZL000"])
        with override("en"), pytest.raises(DomainError) as english:
            apply(kaihua, bank, mould, patents=["ZL000"])
        assert "ZL000" in chinese.value.detail and "enterprise file" in english.value.detail


@pytest.mark.django_db(transaction=True)
class TestPledgeRace:
    def test_two_applications_pledging_one_patent_at_once_one_wins_by_the_database(self, kaihua, bank, mould):
        results = race(lambda: apply(kaihua, bank, mould, patents=["ZL202310001234.5"]),
                       lambda: apply(kaihua, bank, mould, patents=["ZL202120777888.3", "ZL202310001234.5"]))
        winners = [r for r in results if isinstance(r, IpLoanApplication)]
        losers = [r for r in results if isinstance(r, Exception)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert isinstance(losers[0], DomainError) and losers[0].code == "already_pledged"
        with brain_context(mould.pk):
            assert IpLoanApplication.objects.count() == 1
            assert IpLoanPledge.objects.filter(patent_number="ZL202310001234.5").count() == 1

    def test_without_the_services_check_the_database_still_lets_one_pledge_live(self, kaihua, bank, mould):
        """Two writers that skip the service (a bug, a script) pledge one patent at once, each for an application of
        its own: the unique index on live pledges lets one commit."""
        first = apply(kaihua, bank, mould, patents=["ZL202120777888.3"])
        second = apply(kaihua, bank, mould, patents=["ZL202220555666.1"])

        def pledge_raw(application):
            def run():
                with transaction.atomic(), brain_context(mould.pk):
                    return IpLoanPledge.objects.create(brain=mould, application=application,
                                                       patent_number="ZL202310001234.5")
            return run

        results = race(pledge_raw(first), pledge_raw(second))
        assert sum(isinstance(r, IntegrityError) for r in results) == 1, results
        with brain_context(mould.pk):
            assert IpLoanPledge.objects.filter(patent_number="ZL202310001234.5").count() == 1

    def test_two_approvals_at_once_one_wins(self, applied, bank):
        def approve(amount):
            return lambda: ip_loans.ip_loan_approve(application=applied, by=bank, amount=amount, apr="3.45",
                                                    term_months=12, repayment_method="equal_instalments")

        results = race(approve("2000000.00"), approve("1500000.00"))
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], DomainError) and errors[0].code == "invalid_state"
        won = next(r for r in results if isinstance(r, IpLoanApplication))
        assert fresh(applied).approved_amount == won.approved_amount
        assert [row[0] for row in trail(applied)] == ["submit", "approve"]

    def test_two_loans_given_one_registration_number_at_once_one_keeps_it(self, approved, kaihua, bank, mould):
        other = apply(kaihua, bank, mould, patents=["ZL202120777888.3"])
        ip_loans.ip_loan_approve(application=other, by=bank, amount="10000", apr="3", term_months=3,
                                 repayment_method="interest_only")
        results = race(*[lambda loan=loan: ip_loans.ip_loan_pledge_register(
            application=loan, by=bank, registration_number="Y2026330000999") for loan in (approved, other)])
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], DomainError), results
        assert errors[0].field == "registration_number"
        assert {fresh(approved).pledge_registration_number, fresh(other).pledge_registration_number} == {
            "Y2026330000999", ""}

    def test_two_disbursements_at_once_pay_out_once(self, registered, bank):
        results = race(lambda: ip_loans.ip_loan_disburse(application=registered, by=bank),
                       lambda: ip_loans.ip_loan_disburse(application=registered, by=bank))
        assert sum(isinstance(r, DomainError) for r in results) == 1, results
        with brain_context(registered.brain_id):
            assert Entry.objects.filter(kind="ip_loan_disbursement").count() == 1
            assert IpLoanInstalment.objects.filter(application=registered).count() == 12


class TestDocuments:
    def test_the_bank_asks_and_the_applicant_uploads_and_supplies(self, applied, bank, kaihua, mould):
        request = ask_documents(applied, bank)
        assert fresh(applied).status == "documents_requested" and request.items == ["近两年财务报表", "专利价值评估报告"]
        with pytest.raises(DomainError) as early:
            ip_loans.ip_loan_documents_supply(application=applied, by=kaihua)
        assert early.value.field == "files"  # nothing uploaded since the request
        [stored] = ip_loans.ip_loan_documents_upload(application=applied, by=kaihua, uploads=[pdf()],
                                                     item="近两年财务报表")
        assert (stored.content_type, stored.size, stored.request_id) == ("application/pdf", len(PDF), request.pk)
        with stored.file.open("rb") as handle:
            assert handle.read() == PDF
        ip_loans.ip_loan_documents_supply(application=applied, by=kaihua, note="已上传")
        assert fresh(applied).status == "documents_supplied"
        with brain_context(mould.pk):
            assert IpLoanDocumentRequest.objects.get(pk=request.pk).supplied_at is not None
        assert events(mould) == ["ip_loan.submitted", "ip_loan.documents_requested", "ip_loan.documents_supplied"]
        assert [row[0] for row in trail(applied)] == ["submit", "request_documents", "upload", "supply_documents"]

    def test_the_bank_may_ask_again_after_the_documents_came(self, applied, bank, kaihua):
        ask_documents(applied, bank)
        ip_loans.ip_loan_documents_upload(application=applied, by=kaihua, uploads=[pdf()])
        ip_loans.ip_loan_documents_supply(application=applied, by=kaihua)
        ask_documents(applied, bank, ["专利年费缴费凭证"])
        assert fresh(applied).status == "documents_requested"

    @pytest.mark.parametrize("items", [[], ["  "], "", ["x" * 201], [f"材料{n}" for n in range(21)]])
    def test_a_request_lists_what_it_needs(self, applied, bank, items):
        with pytest.raises(DomainError) as error:
            ip_loans.ip_loan_documents_request(application=applied, by=bank, items=items)
        assert error.value.field == "items" and fresh(applied).status == "submitted"

    def test_only_the_bank_asks_and_only_the_applicants_administrators_upload(self, applied, kaihua, clerk,
                                                                              other_bank, alice, bank):
        for who in (kaihua, other_bank, alice):
            with pytest.raises(NotAllowed):
                ask_documents(applied, who)
        for who in (bank, clerk, alice):
            with pytest.raises(NotAllowed):
                ip_loans.ip_loan_documents_upload(application=applied, by=who, uploads=[pdf()])

    @pytest.mark.parametrize("upload, code", [
        (Upload(name="报表.pdf", content=b"", kind="document"), "invalid"),  # empty
        (Upload(name="报表.pdf", content=b"PK\x03\x04 a workbook", kind="document"), "bad_file"),  # not what it says
        (Upload(name="报表.pdf", content=PNG, kind="document"), "bad_file"),  # a PNG named as a PDF
        (Upload(name="营业执照.png", content=JPEG, kind="document"), "bad_file"),
        (Upload(name="宏.docx", content=PDF, kind="document"), "bad_file"),
        (Upload(name="大.pdf", content=PDF + b"0" * ip_loans.MAX_DOCUMENT_BYTES, kind="document"), "invalid"),
    ])
    def test_a_file_that_is_not_what_it_says_or_too_large_is_refused_and_nothing_is_stored(self, applied, kaihua,
                                                                                           upload, code, settings):
        with pytest.raises(DomainError) as error:
            ip_loans.ip_loan_documents_upload(application=applied, by=kaihua, uploads=[pdf("好.pdf"), upload])
        assert (error.value.code, error.value.field) == (code, "files")
        with brain_context(applied.brain_id):
            assert not IpLoanDocument.objects.exists()
        assert not (settings.MEDIA_ROOT / "ip-loans").exists() and not any(settings.MEDIA_ROOT.glob("**/*"))

    def test_photos_and_scans_are_taken_by_their_content(self, applied, kaihua):
        stored = ip_loans.ip_loan_documents_upload(application=applied, by=kaihua, uploads=[
            Upload(name="营业执照.jpg", content=JPEG, kind="document"),
            Upload(name="专利证书.PNG", content=PNG, kind="document"),
            Upload(name="scan", content=PDF, kind="document")])  # no ending: the content says
        assert [d.content_type for d in stored] == ["image/jpeg", "image/png", "application/pdf"]

    def test_no_uploads_once_the_bank_has_decided(self, approved, kaihua):
        with pytest.raises(DomainError) as error:
            ip_loans.ip_loan_documents_upload(application=approved, by=kaihua, uploads=[pdf()])
        assert error.value.code == "invalid_state"


class TestDecision:
    def test_the_bank_approves_within_what_was_asked(self, approved, bank, mould):
        assert approved.status == "approved" and approved.decided_by_id == bank.pk
        assert (approved.approved_amount, approved.apr, approved.approved_term_months, approved.repayment_method) == (
            D("2000000.00"), D("3.4500"), 12, "equal_instalments")
        assert events(mould)[-1] == "ip_loan.approved"

    @pytest.mark.parametrize("changes, field", [
        ({"amount": "3000000.01"}, "amount"), ({"amount": "999"}, "amount"), ({"apr": "0"}, "apr"),
        ({"apr": "24.0001"}, "apr"), ({"apr": "3.45678"}, "apr"), ({"apr": "NaN"}, "apr"),
        ({"term_months": 61}, "term_months"), ({"repayment_method": "balloon"}, "repayment_method"),
    ])
    def test_bad_terms_are_refused_and_change_nothing(self, applied, bank, changes, field):
        data = {"amount": "2000000.00", "apr": "3.45", "term_months": 12, "repayment_method": "interest_only",
                **changes}
        with pytest.raises(DomainError) as error:
            ip_loans.ip_loan_approve(application=applied, by=bank, **data)
        assert error.value.field == field and fresh(applied).status == "submitted"

    def test_not_while_documents_are_awaited(self, applied, bank):
        ask_documents(applied, bank)
        with override("en"), pytest.raises(DomainError) as error:
            ip_loans.ip_loan_approve(application=applied, by=bank, amount="10000", apr="3", term_months=12,
                                     repayment_method="interest_only")
        assert error.value.code == "invalid_state" and "documents requested" in error.value.detail

    def test_only_the_bank_it_was_made_to_decides(self, applied, kaihua, other_bank, alice):
        for who in (kaihua, other_bank, alice):
            with pytest.raises(NotAllowed):
                ip_loans.ip_loan_decline(application=applied, by=who, reason="x")
            with pytest.raises(NotAllowed):
                ip_loans.ip_loan_approve(application=applied, by=who, amount="10000", apr="3", term_months=12,
                                         repayment_method="interest_only")
        assert fresh(applied).status == "submitted"

    def test_a_decline_says_why_and_frees_the_patents(self, applied, bank, mould):
        with pytest.raises(DomainError) as error:
            ip_loans.ip_loan_decline(application=applied, by=bank, reason=" ")
        assert error.value.field == "reason" and live_pledges(applied)
        ip_loans.ip_loan_decline(application=applied, by=bank, reason="专利剩余保护期不足，评估值低于申请额")
        assert fresh(applied).status == "declined" and live_pledges(applied) == []
        assert events(mould)[-1] == "ip_loan.declined"

    def test_the_applicant_may_withdraw_an_approval_it_does_not_take(self, approved, kaihua, bank):
        with pytest.raises(NotAllowed):
            ip_loans.ip_loan_withdraw(application=approved, by=bank)
        ip_loans.ip_loan_withdraw(application=approved, by=kaihua, reason="利率高于预期")
        assert fresh(approved).status == "withdrawn" and live_pledges(approved) == []
        for step in (lambda: ip_loans.ip_loan_decline(application=approved, by=bank, reason="x"),
                     lambda: ip_loans.ip_loan_withdraw(application=approved, by=kaihua)):
            with pytest.raises(DomainError) as error:
                step()
            assert error.value.code == "invalid_state"


class TestPledgeAndDisbursement:
    def test_no_money_before_the_pledge_is_registered(self, approved, bank):
        with pytest.raises(DomainError) as error:
            ip_loans.ip_loan_disburse(application=approved, by=bank)
        assert error.value.code == "pledge_not_registered" and fresh(approved).status == "approved"

    @pytest.mark.parametrize("number, day, field", [
        ("", 0, "registration_number"), ("Y" * 61, 0, "registration_number"), ("Y1", 1, "registered_on"),
        ("Y1", -30, "registered_on"),  # before the application
    ])
    def test_a_registration_needs_a_number_and_a_day_that_can_be(self, approved, bank, number, day, field):
        with pytest.raises(DomainError) as error:
            ip_loans.ip_loan_pledge_register(application=approved, by=bank, registration_number=number,
                                             registered_on=today() + timedelta(days=day))
        assert error.value.field == field and not fresh(approved).pledge_registration_number

    def test_a_registration_number_is_one_loans(self, registered, kaihua, bank, mould):
        other = apply(kaihua, bank, mould, patents=["ZL202120777888.3"])
        ip_loans.ip_loan_approve(application=other, by=bank, amount="10000", apr="3", term_months=3,
                                 repayment_method="interest_only")
        with pytest.raises(DomainError) as error:
            ip_loans.ip_loan_pledge_register(application=other, by=bank, registration_number="Y2026330000123")
        assert error.value.field == "registration_number"

    def test_the_disbursement_makes_the_loan_active_with_its_schedule_and_the_banks_claim(self, active, bank,
                                                                                           kaihua, mould):
        assert active.status == "active" and active.disbursed_on == today()
        rows = instalments(active)
        expected = repayment_schedule(principal=D("2000000.00"), apr=D("3.45"), months=12,
                                      method="equal_instalments", start=today())
        assert [(r.sequence, r.due_on, r.principal, r.interest) for r in rows] == [
            (e.sequence, e.due_on, e.principal, e.interest) for e in expected]
        books = book(active)
        assert books[("loan", bank.enterprise_id)] == D("2000000.00")
        assert books[("loan_payable", kaihua.enterprise_id)] == D("-2000000.00")
        assert books[("cash", kaihua.enterprise_id)] == D("2000000.00") == -books[("cash", bank.enterprise_id)]
        assert sum(books.values()) == 0
        assert events(mould)[-1] == "ip_loan.disbursed"
        assert [row[:3] for row in trail(active)] == [
            ("submit", "", "submitted"), ("approve", "submitted", "approved"),
            ("register_pledge", "approved", "approved"), ("disburse", "approved", "active")]

    def test_the_disbursement_date_is_not_in_the_future_nor_before_the_pledge(self, registered, bank):
        for day in (1, -1):
            with pytest.raises(DomainError) as error:
                ip_loans.ip_loan_disburse(application=registered, by=bank, disbursed_on=today() + timedelta(days=day))
            assert error.value.field == "disbursed_on"
        assert fresh(registered).status == "approved"

    def test_an_active_loan_is_not_withdrawn_declined_or_approved_again(self, active, kaihua, bank):
        for step in (lambda: ip_loans.ip_loan_withdraw(application=active, by=kaihua),
                     lambda: ip_loans.ip_loan_decline(application=active, by=bank, reason="x"),
                     lambda: ip_loans.ip_loan_disburse(application=active, by=bank),
                     lambda: ip_loans.ip_loan_pledge_register(application=active, by=bank, registration_number="Y9")):
            with pytest.raises(DomainError) as error:
                step()
            assert error.value.code == "invalid_state"


class TestRepayments:
    def test_a_repayment_pays_the_first_instalment_interest_first(self, active, bank, kaihua, mould):
        first = instalments(active)[0]
        partial = ip_loans.ip_loan_repayment_record(application=active, by=bank, amount="1000.00", reference="R1")
        assert (partial.interest, partial.principal) == (D("1000.00"), D("0.00"))  # interest first
        rest = ip_loans.ip_loan_repayment_record(application=active, by=bank, amount=first.amount - D("1000.00"))
        assert (rest.interest, rest.principal) == (first.interest - D("1000.00"), first.principal)
        row = instalments(active)[0]
        assert row.paid_amount == row.amount and row.paid_on == today()
        books = book(active)
        assert books[("loan", bank.enterprise_id)] == D("2000000.00") - first.principal
        assert books[("interest_income", bank.enterprise_id)] == -first.interest
        assert books[("interest_expense", kaihua.enterprise_id)] == first.interest
        assert sum(books.values()) == 0 and events(mould)[-1] == "ip_loan.repayment_recorded"

    def test_more_than_is_outstanding_is_refused(self, active, bank):
        owed = sum(r.amount for r in instalments(active))
        with pytest.raises(DomainError) as error:
            ip_loans.ip_loan_repayment_record(application=active, by=bank, amount=owed + D("0.01"))
        assert error.value.field == "amount" and f"{owed:,.2f}" in error.value.detail

    @pytest.mark.parametrize("amount, day, field", [("0", 0, "amount"), ("-5", 0, "amount"), ("1.001", 0, "amount"),
                                                    ("100", 1, "paid_on"), ("100", -1, "paid_on")])
    def test_bad_repayments_are_refused_and_book_nothing(self, active, bank, amount, day, field):
        with pytest.raises(DomainError) as error:
            ip_loans.ip_loan_repayment_record(application=active, by=bank, amount=amount,
                                              paid_on=today() + timedelta(days=day))
        assert error.value.field == field
        with brain_context(active.brain_id):
            assert not IpLoanRepayment.objects.exists() and not Entry.objects.filter(kind="ip_loan_repayment")

    def test_only_the_bank_records_repayments_on_an_active_loan(self, approved, active, kaihua):
        with pytest.raises(NotAllowed):
            ip_loans.ip_loan_repayment_record(application=active, by=kaihua, amount="100")

    def test_paid_in_full_the_loan_is_repaid_and_the_patents_freed(self, active, bank, kaihua, mould):
        schedule = instalments(active)
        total = sum(r.amount for r in schedule)
        for row in schedule[:-1]:
            ip_loans.ip_loan_repayment_record(application=active, by=bank, amount=row.amount)
        assert fresh(active).status == "active" and live_pledges(active)
        ip_loans.ip_loan_repayment_record(application=active, by=bank, amount=schedule[-1].amount)
        done = fresh(active)
        assert done.status == "repaid" and done.repaid_on == today() and live_pledges(active) == []
        with brain_context(mould.pk):
            repaid = IpLoanRepayment.objects.filter(application=active)
            assert sum(r.amount for r in repaid) == total
            assert sum(r.principal for r in repaid) == D("2000000.00")
            assert balance(brain_id=mould.pk, book=BOOK, kind="loan", enterprise_id=bank.enterprise_id,
                           document=("ip_loan", active.pk)) == 0
        interest = schedule_totals(repayment_schedule(principal=D("2000000.00"), apr=D("3.45"), months=12,
                                                      method="equal_instalments", start=today()))["interest"]
        assert book(active)[("interest_income", bank.enterprise_id)] == -interest
        assert events(mould)[-2:] == ["ip_loan.repayment_recorded", "ip_loan.repaid"]
        again = apply(kaihua, bank, mould, patents=["ZL202310001234.5"])  # pledgeable again
        assert live_pledges(again) == ["ZL202310001234.5"]
        with pytest.raises(DomainError):
            ip_loans.ip_loan_repayment_record(application=active, by=bank, amount="1")

    def test_a_repayment_counts_as_a_change_of_the_loan_for_the_erps_that_sync(self, active, bank):
        before = fresh(active).updated_at
        ip_loans.ip_loan_repayment_record(application=active, by=bank, amount="100.00")
        assert fresh(active).updated_at > before

    def test_one_payment_may_pay_several_instalments(self, active, bank):
        rows = instalments(active)
        ip_loans.ip_loan_repayment_record(application=active, by=bank, amount=rows[0].amount + rows[1].amount + 1)
        paid = instalments(active)
        assert [r.paid_on is not None for r in paid[:3]] == [True, True, False]
        assert paid[2].paid_amount == D("1.00")


class TestReminders:
    def test_each_instalment_is_reminded_7_3_and_1_days_before_once_each(self, active, kaihua, mould):
        due = instalments(active)[0].due_on
        sent = [ip_loans.ip_loan_reminders_send(today=due - timedelta(days=days)).count
                for days in (8, 7, 7, 6, 3, 2, 1, 1, 0)]
        assert sent == [0, 1, 0, 0, 1, 0, 1, 0, 0]
        with brain_context(mould.pk):
            assert sorted(IpLoanReminder.objects.values_list("days_before", flat=True)) == [1, 3, 7]
        assert events(mould, "ip_loan.repayment_due") == ["ip_loan.repayment_due"] * 3

    def test_a_missed_day_is_made_up_once(self, active, mould):
        due = instalments(active)[0].due_on
        assert ip_loans.ip_loan_reminders_send(today=due - timedelta(days=5)).count == 1  # the 7-day one, late
        assert ip_loans.ip_loan_reminders_send(today=due - timedelta(days=4)).count == 0
        with brain_context(mould.pk):
            assert list(IpLoanReminder.objects.values_list("days_before", flat=True)) == [7]

    def test_a_paid_instalment_or_a_suspended_brain_is_not_reminded(self, active, bank, mould):
        rows = instalments(active)
        ip_loans.ip_loan_repayment_record(application=active, by=bank, amount=rows[0].amount)
        assert ip_loans.ip_loan_reminders_send(today=rows[0].due_on - timedelta(days=1)).count == 0
        mould.status = "suspended"
        mould.save()
        assert ip_loans.ip_loan_reminders_send(today=rows[1].due_on - timedelta(days=1)).count == 0

    def test_the_database_allows_one_reminder_per_instalment_and_day(self, active):
        row = instalments(active)[0]
        with brain_context(active.brain_id):
            IpLoanReminder.objects.create(brain_id=active.brain_id, instalment=row, days_before=7)
            with pytest.raises(IntegrityError), transaction.atomic():
                IpLoanReminder.objects.create(brain_id=active.brain_id, instalment=row, days_before=7)

    def test_the_borrower_is_told_in_the_app_once(self, active, kaihua, bank, mould):
        due = instalments(active)[0].due_on
        [event_id] = ip_loans.ip_loan_reminders_send(today=due - timedelta(days=3)).events
        for _twice in range(2):
            made = ip_loans.ip_loan_notifications_from_event(brain_id=mould.pk, event_id=event_id)
        assert {n.user_id for n in made} == {kaihua.pk}
        with brain_context(mould.pk), override("en"):
            [told] = Notification.objects.filter(kind="ip_loan.repayment_due")
            assert active.number in told.title and due.isoformat() in told.title


class TestNotifications:
    def test_the_bank_hears_of_the_application_and_the_applicant_of_the_decision(self, applied, bank, kaihua, mould):
        ip_loans.ip_loan_decline(application=applied, by=bank, reason="评估值不足")
        with brain_context(mould.pk):
            ids = dict(OutboxEvent.objects.filter(name__startswith="ip_loan.").values_list("name", "pk"))
        told = ip_loans.ip_loan_notifications_from_event(brain_id=mould.pk, event_id=ids["ip_loan.submitted"])
        assert {n.user.username for n in told} == {"tailong", "tailong-admin"}
        told = ip_loans.ip_loan_notifications_from_event(brain_id=mould.pk, event_id=ids["ip_loan.declined"])
        assert {n.user.username for n in told} == {"kaihua"} and told[0].body == "评估值不足"


class TestWhoSeesWhat:
    def test_the_applicant_its_bank_and_the_operators_see_it_and_nobody_else(self, applied, kaihua, bank,
                                                                             other_bank, alice, olga, mould):
        def sees(user):
            with brain_context(mould.pk):
                return list(ip_loan_list(brain=mould, viewer=brain_access(user=user, brain=mould))
                            .values_list("pk", flat=True))

        assert sees(kaihua) == sees(bank) == sees(olga) == [applied.pk]
        assert sees(other_bank) == sees(alice) == []
        ip_loans.ip_loan_documents_upload(application=applied, by=kaihua, uploads=[pdf()])
        with brain_context(mould.pk):
            assert ip_loan_document_list(brain=mould, viewer=enterprise_access(
                brain=mould, enterprise_id=other_bank.enterprise_id)).count() == 0
            assert ip_loan_document_list(brain=mould, viewer=enterprise_access(
                brain=mould, enterprise_id=bank.enterprise_id)).count() == 1

    def test_a_government_viewer_sees_totals_only(self, applied, approved, kaihua, bank, mould):
        viewer = make_user("gov")
        with brain_context(mould.pk):
            BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
            access = brain_access(user=viewer, brain=mould)
            assert not ip_loan_list(brain=mould, viewer=access).exists()
            totals = {row["status"]: row for row in ip_loan_totals(brain=mould, viewer=access)["by_status"]}
        assert totals["approved"]["count"] == 1 and totals["approved"]["amount"] == D("3000000.00")
        assert totals["approved"]["approved"] == D("2000000.00") and totals["submitted"]["count"] == 0


def test_a_members_two_brains_are_two_worlds(kaihua, bank, mould, pump):
    """An enterprise in two brains: a bank of one is no bank of the other, and a pledge in one holds in both."""
    join(pump, kaihua.enterprise, roles=("buyer",))
    with pytest.raises(DomainError) as error:
        ip_loans.ip_loan_apply(brain=pump, by=kaihua, bank_id=bank.enterprise_id, amount="10000", term_months=6,
                               purpose="x", patents=["ZL202310001234.5"])
    assert error.value.field == "bank"
    apply(kaihua, bank, mould, patents=["ZL202310001234.5"])
    join(pump, bank.enterprise, roles=("financier",))
    with pytest.raises(DomainError) as error:
        ip_loans.ip_loan_apply(brain=pump, by=kaihua, bank_id=bank.enterprise_id, amount="10000", term_months=6,
                               purpose="x", patents=["ZL202310001234.5"])
    assert error.value.code == "already_pledged"  # registered nationally: refused by the database's index
