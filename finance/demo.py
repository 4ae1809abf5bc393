"""Finance demo of the mould brain, on capacity's demo evidence: every accepted delivery note gives its payable;
the first is confirmed, issued as a certificate, split, and a part passed on to a second-tier supplier, who
accepted it; an IP-pledge loan application under review at the demo bank, documents requested; early payment: the
bank's line on the buyer, a financed claim, a request waiting for a quote, a discount programme cleared once; in
any brain, the members' payables to its trader for group-purchase goods received, confirmed. Idempotent: each step
is taken only if it was not taken before."""

from datetime import time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from brain.models import DataSource
from brain.services import enterprise_files, sync
from brain.sync.engine import map_row, records_merge
from capacity.models import Delivery, DeliveryLine, Project, QuoteLine, Rfq, WorkOrder
from capacity.services import awards, projects, rfqs, work_orders
from capacity.services.deliveries import delivery_inspect, delivery_record
from finance.models import (
    Certificate, ClearingRun, CreditLine, DiscountOffer, DiscountProgramme, FinancingQuote, FinancingRequest,
    IpLoanApplication, Netting, NettingLeg, Payable,
)
from finance.services import certificates, discounting, financing, ip_loans, nettings, payables
from tenants.context import brain_context
from tenants.models import Membership, User

BRAIN = "mould"


def _admin_of(enterprise_id: int) -> User:
    return User.objects.filter(enterprise_id=enterprise_id, enterprise_role=User.EnterpriseRole.ADMIN).order_by(
        "pk").first()


@transaction.atomic
def load(*, brains: dict, users: dict) -> None:
    group_buy_demo(brains=brains)
    brain = brains.get(BRAIN)
    if brain is None:
        return
    ip_loan_demo(brain=brain, users=users)
    netting_demo(brain=brain, users=users)
    early_payment_demo(brain=brain, users=users)
    with brain_context(brain.pk):
        deliveries = list(Delivery.objects.in_brain(brain).order_by("delivered_on", "pk").values_list("pk", flat=True))
    recorded = [payable for delivery_id in deliveries
                if (payable := payables.payable_record_from_delivery(brain_id=brain.pk, delivery_id=delivery_id))]
    with brain_context(brain.pk):  # the netting demo's debts stay as their parties confirmed them
        netted = set(NettingLeg.objects.in_brain(brain).values_list("payable_id", flat=True))
    netted |= _early_claims(brain)  # and the early-payment demo's, paid early or waiting for it
    recorded = [payable for payable in recorded if payable.pk not in netted]
    if not recorded:
        return
    first = max(recorded, key=lambda payable: (payable.amount, -payable.pk))  # the largest: worth splitting
    if first.status == Payable.Status.PENDING:
        first = payables.payable_confirm(payable=first, by=users["buyer"])
    supplier = _admin_of(first.creditor_id)
    with brain_context(brain.pk):
        root = Certificate.objects.in_brain(brain).filter(payable=first, parent__isnull=True).first()
    if root is None and first.status == Payable.Status.CONFIRMED:
        root = certificates.certificate_issue(payable=first, by=supplier)
    if root is None or root.status != Certificate.Status.HELD:
        return
    # a second-tier supplier of the holder: another machining shop of the demo, which takes a part for its work
    second_tier = next(user for name in ("sup3", "sup8", "supplier", "sup1")
                       if (user := users.get(name)) and user.enterprise_id not in (first.creditor_id, first.debtor_id))
    part = (root.amount * Decimal("0.3")).quantize(Decimal("1"))
    transfer = certificates.certificate_transfer(certificate=root, by=supplier, receiver_id=second_tier.enterprise_id,
                                                 amount=part, note="热处理外协加工款（演示）")
    certificates.certificate_transfer_accept(transfer=transfer, by=second_tier)


# --- Group purchases ---------------------------------------------------------------------------------------------
# In the pump-valve brain the coil purchase's member whose goods all arrived (松门) owes them to the brain's trader,
# which supplychain's demo named; the member has confirmed it, so the trader holds a claim it may finance.


def group_buy_demo(*, brains: dict) -> None:
    for brain in brains.values():
        for payable in payables.payables_record_from_group_buys(brain_id=brain.pk):
            member = _admin_of(payable.debtor_id)
            if payable.status == Payable.Status.PENDING and member is not None:
                payables.payable_confirm(payable=payable, by=member)


# --- IP-pledge loans ----------------------------------------------------------------------------------------------
# 宏达精密 (the demo's `supplier`, a small high-tech machining shop) applies to the demo bank (`bank`, 泰隆银行)
# pledging two of its patents; the bank has asked for documents. The patents reach its enterprise file as the
# intellectual property office's rows of a file-drop source, through the sync engine's `map_row` and `records_merge`,
# as brain/demo.py brings the registry's and the tax bureau's (the folder stays empty: a run by hand finds nothing).

PATENT_SOURCE = "知识产权局专利信息（演示）"
PATENT_MAPPING = {  # 专利权人统一社会信用代码, 专利号, 更新日期, 发明名称, 专利类型, 授权公告日
    "credit_code": "zlqrdm", "record_id": "zlh", "as_of": "gxrq",
    "attributes": {"title": "fmmc", "kind": "zllx", "granted_on": "sqggr"},
}
PATENTS = [  # (patent number, title, kind, granted on)
    ("ZL202310458721.6", "一种模具型腔深孔钻削定位夹具", "发明", "2024-06-18"),
    ("ZL202221873460.2", "一种数控加工中心冷却液过滤回收装置", "实用新型", "2023-01-10"),
    ("ZL202320112589.7", "一种精密顶针快速检测工装", "实用新型", "2023-08-22"),
]
PATENTS_AS_OF = "2026-09-30 09:00:00"  # fixed, so a second load sends the very same rows
LOAN = {"amount": "3000000.00", "term_months": 24, "purpose": "购置五轴联动加工中心，扩大精密模具零件产能（演示）"}
DOCUMENTS = ["近两年财务报表（资产负债表、利润表）", "专利价值评估报告（具备资质的评估机构出具）", "专利年费缴纳凭证",
             "企业征信查询授权书"]


def _patent_records(brain, borrower: User, operator: User) -> None:
    with brain_context(brain.pk):
        source = DataSource.objects.in_brain(brain).filter(name=PATENT_SOURCE).first()
    if source is None:
        source = sync.data_source_create(brain=brain, by=operator, name=PATENT_SOURCE, kind="file_drop",
                                         department="intellectual_property", record_type="patent",
                                         folder="demo/patents", mapping=PATENT_MAPPING, interval_minutes=0)
    rows = [{"zlqrdm": borrower.enterprise.credit_code, "zlh": number, "gxrq": PATENTS_AS_OF, "fmmc": title,
             "zllx": kind, "sqggr": granted_on} for number, title, kind, granted_on in PATENTS]
    with brain_context(brain.pk), transaction.atomic():
        records_merge(source=source, rows=[map_row(source.mapping, row) for row in rows])
    enterprise_files.enterprise_file_changed(brain=brain, enterprise_id=borrower.enterprise_id)


def ip_loan_demo(*, brain, users: dict) -> None:
    """An application of 宏达精密 to the demo bank, under review, with documents requested. Idempotent."""
    borrower, lender, operator = users.get("supplier"), users.get("bank"), users.get("operator")
    if not (borrower and lender and operator):
        return
    _patent_records(brain, borrower, operator)
    with brain_context(brain.pk):
        application = IpLoanApplication.objects.in_brain(brain).filter(
            applicant_id=borrower.enterprise_id, bank_id=lender.enterprise_id, purpose=LOAN["purpose"]).first()
    if application is None:
        application = ip_loans.ip_loan_apply(brain=brain, by=borrower, bank_id=lender.enterprise_id,
                                             patents=[number for number, *_rest in PATENTS[:2]], **LOAN)
    if application.status == IpLoanApplication.Status.SUBMITTED:
        ip_loans.ip_loan_documents_request(application=application, by=lender, items=DOCUMENTS,
                                           note="请加盖公章后以 PDF 上传；评估报告可在审批前补交。")


# --- Netting (轧差) ----------------------------------------------------------------------------------------------
# Three members owe each other in a cycle, each debt from real platform evidence (a project, an RFQ, a quote, the
# award, the work order, its delivery and the buyer's inspection, through capacity's services): 精诚模具 (`buyer`)
# bought CNC finishing of core inserts from 宏达精密 (`supplier`), 宏达 had the inserts vacuum-hardened at 恒通热处理
# (`supplier2`), and 恒通 bought quenching fixtures from 精诚. Each debtor confirmed its payable; the operator
# proposed netting their window, and 恒通 has confirmed: 精诚 and 宏达 see it waiting for their answer.

NETTING_NOTE = "12月月结轧差（演示）"
NETTING_DEBTS = [  # (debtor, creditor, project code, part, process, quantity, unit price with VAT, RFQ title)
    ("buyer", "supplier", "NET-DEMO-1", "型芯镶件 CNC 精加工", "CNC", 6, "12500.00", "型芯镶件精加工外协（轧差演示）"),
    ("supplier", "supplier2", "NET-DEMO-2", "镶件真空淬火+三次回火", "HT", 20, "2600.00", "镶件热处理外协（轧差演示）"),
    ("supplier2", "buyer", "NET-DEMO-3", "淬火工装夹具", "CNC", 8, "4300.00", "淬火工装夹具采购（轧差演示）"),
]


def _with_role(brain, user: User, role: str) -> None:
    """Demo set-up: the member also buys (or supplies), as a real member would ask its operator to record."""
    with brain_context(brain.pk):
        membership = Membership.objects.in_brain(brain).get(enterprise_id=user.enterprise_id)
        if role not in membership.roles:
            membership.roles = sorted({*membership.roles, role})
            membership.save(update_fields=["roles"])


def _owed_for_work(brain, *, debtor: User, creditor: User, code: str, part_name: str, process: str, quantity: int,
                   unit_price: str, title: str) -> Payable:
    """What `debtor` owes `creditor` for work it awarded, received and accepted, confirmed: every step once."""
    today = timezone.localdate()
    with brain_context(brain.pk):
        project = Project.objects.in_brain(brain).filter(buyer_id=debtor.enterprise_id, code=code).first()
    if project is None:
        project = projects.project_create(brain=brain, by=debtor, code=code, name=title, customer="轧差演示")
    with brain_context(brain.pk):
        rfq = Rfq.objects.in_brain(brain).filter(project=project, title=title).first()
    if rfq is None:
        part = projects.part_save(project=project, by=debtor, part_no=f"{code}-01", name=part_name,
                                  quantity=quantity, processes=[process])
        rfq = rfqs.rfq_create(project=project, by=debtor, title=title, deadline=timezone.now() + timedelta(days=2),
                              lines=[{"part": part.pk}], notes="含税13%专票，月结")
        rfqs.rfq_publish(rfq=rfq, by=debtor)
        with brain_context(brain.pk):
            line = rfq.lines.get()
        rfqs.quote_submit(rfq=rfq, by=creditor, remarks="含税13%，可月结", lines=[
            {"rfq_line": line.pk, "unit_price": Decimal(unit_price), "vat_rate": Decimal("13.00"),
             "lead_time_days": 7}])
        rfqs.rfq_close(rfq=rfq, by=debtor)
        with brain_context(brain.pk):
            rfq = Rfq.objects.in_brain(brain).get(pk=rfq.pk)
            quote_line = QuoteLine.objects.in_brain(brain).get(quote__rfq=rfq)
        awards.award_lines(rfq=rfq, decisions={line.pk: quote_line.pk}, by=debtor)
    with brain_context(brain.pk):
        work_order = WorkOrder.objects.in_brain(brain).get(rfq=rfq)
        delivery = Delivery.objects.in_brain(brain).filter(work_order=work_order).first()
    if work_order.status == WorkOrder.Status.ISSUED:
        work_order = work_orders.work_order_accept(work_order=work_order, by=creditor)
    if delivery is None:
        with brain_context(brain.pk):
            line = work_order.lines.get()
        delivery = delivery_record(work_order=work_order, by=creditor, note_number=f"SH-{code}", delivered_on=today,
                                   lines={line.pk: line.quantity})
    with brain_context(brain.pk):
        waiting = delivery.lines.filter(outcome=DeliveryLine.Outcome.PENDING).first()
    if waiting is not None:
        delivery_inspect(delivery_line=waiting, by=debtor, outcome="accepted", inspected_on=today)
    payable = payables.payable_record_from_delivery(brain_id=brain.pk, delivery_id=delivery.pk)
    if payable.status == Payable.Status.PENDING:
        payable = payables.payable_confirm(payable=payable, by=debtor)
    return payable


def netting_demo(*, brain, users: dict) -> None:
    """A netting proposal among three members who owe each other in a cycle, one of them confirmed. Idempotent."""
    operator = users.get("operator")
    people = {name: users.get(name) for name in ("buyer", "supplier", "supplier2")}
    if operator is None or None in people.values():
        return
    with brain_context(brain.pk):
        if Netting.objects.in_brain(brain).filter(note=NETTING_NOTE).exists():
            return
    _with_role(brain, people["buyer"], "supplier")
    for name in ("supplier", "supplier2"):
        _with_role(brain, people[name], "buyer")
    owed = [_owed_for_work(brain, debtor=people[debtor], creditor=people[creditor], code=code, part_name=part,
                           process=process, quantity=quantity, unit_price=price, title=title)
            for debtor, creditor, code, part, process, quantity, price, title in NETTING_DEBTS]
    netting = nettings.netting_propose(brain=brain, by=operator, window_from=min(p.due_on for p in owed),
                                       window_to=max(p.due_on for p in owed),
                                       respond_days=nettings.MAX_RESPOND_DAYS, note=NETTING_NOTE)
    nettings.netting_confirm(netting=netting, by=people["supplier2"])


# --- Early payment (提前付款): dynamic discounting and bank financing -----------------------------------------------
# 精诚模具 (`buyer`) owes its suppliers for work it awarded, received and accepted (capacity's flow, as above). The
# demo bank (`bank`, 泰隆银行) keeps a credit line on it. 宏达精密 (`supplier`) had one such claim financed: it asked,
# the bank quoted, it accepted and was paid; 精诚 pays the bank at maturity. 恒通热处理 (`supplier2`) has asked to
# finance another, which waits for the bank's quote. 精诚 runs a discount programme: both suppliers offered discounts
# on further claims, one clearing ran (the two best offers paid), and an offer that did not fit waits for the next.

EARLY_DEMO_NOTE = "SH-EP-DEMO"  # the delivery notes of these claims: the certificate story above leaves them alone
EARLY_DEBTS = {  # key: (creditor, project code, part, process, quantity, unit price with VAT, RFQ title)
    "financed": ("supplier", "EP-DEMO-1", "动模板 CNC 粗精加工", "CNC", 12, "20000.00", "动模板加工外协（融资演示）"),
    "asked": ("supplier2", "EP-DEMO-2", "滑块真空淬火", "HT", 16, "5000.00", "滑块热处理外协（融资演示）"),
    "best": ("supplier", "EP-DEMO-3", "定模镶件精加工", "CNC", 8, "15000.00", "定模镶件加工外协（贴现演示）"),
    "second": ("supplier2", "EP-DEMO-4", "型腔镶件淬火回火", "HT", 30, "5000.00", "型腔镶件热处理外协（贴现演示）"),
    "waiting": ("supplier", "EP-DEMO-5", "斜顶机构加工", "CNC", 10, "10000.00", "斜顶机构加工外协（贴现演示）"),
}
EARLY_OFFERS = {"best": "9.5", "second": "8", "waiting": "7"}  # % a year
PROGRAMME_TITLE = "2026年末供应商提前付款计划（演示）"


def _early_claims(brain) -> set[int]:
    with brain_context(brain.pk):
        return set(Payable.objects.in_brain(brain).filter(description__contains=EARLY_DEMO_NOTE)
                   .values_list("pk", flat=True))


def _financed(brain, *, payable: Payable, supplier: User, bank: User) -> None:
    """宏达 asks, the bank quotes, 宏达 accepts: each step once."""
    if payable.status != Payable.Status.CONFIRMED:
        return
    with brain_context(brain.pk):
        request = FinancingRequest.objects.in_brain(brain).filter(
            payable=payable, status=FinancingRequest.Status.OPEN).first()
    request = request or financing.financing_request_make(brain=brain, by=supplier, payable=payable,
                                                          note="月底发放工资、采购模具钢（演示）")
    with brain_context(brain.pk):
        quote = FinancingQuote.objects.in_brain(brain).filter(request=request, bank_id=bank.enterprise_id,
                                                              status=FinancingQuote.Status.OPEN).first()
    quote = quote or financing.financing_quote_make(request=request, by=bank, apr="4.35", fee="200.00",
                                                    valid_until=request.expires_at, note="核心企业确权应付账款，T+0放款")
    financing.financing_quote_accept(quote=quote, by=supplier)


def early_payment_demo(*, brain, users: dict) -> None:
    """The bank's line on 精诚, a financed claim, a request waiting for the bank's quote, and 精诚's discount
    programme with offers and one clearing run. Idempotent."""
    buyer, bank, operator = users.get("buyer"), users.get("bank"), users.get("operator")
    people = {name: users.get(name) for name in ("supplier", "supplier2")}
    if not (buyer and bank and operator) or None in people.values():
        return
    claims = {key: _owed_for_work(brain, debtor=buyer, creditor=people[creditor], code=code, part_name=part,
                                  process=process, quantity=quantity, unit_price=price, title=title)
              for key, (creditor, code, part, process, quantity, price, title) in EARLY_DEBTS.items()}
    with brain_context(brain.pk):
        line = CreditLine.objects.in_brain(brain).filter(bank_id=bank.enterprise_id, buyer_id=buyer.enterprise_id)
        has_line = line.exists()
    if not has_line:
        financing.credit_line_open(brain=brain, by=bank, buyer_id=buyer.enterprise_id, limit="5000000.00",
                                   expires_on=timezone.localdate() + timedelta(days=365))
    _financed(brain, payable=claims["financed"], supplier=people["supplier"], bank=bank)
    asked = claims["asked"]
    with brain_context(brain.pk):
        requested = FinancingRequest.objects.in_brain(brain).filter(payable=asked).exists()
    if not requested and asked.status == Payable.Status.CONFIRMED:
        financing.financing_request_make(brain=brain, by=people["supplier2"], payable=asked,
                                         note="旺季备料，希望本周到账（演示）")
    with brain_context(brain.pk):
        programme = DiscountProgramme.objects.in_brain(brain).filter(buyer_id=buyer.enterprise_id,
                                                                     title=PROGRAMME_TITLE).first()
    if programme is None:
        programme = discounting.discount_programme_open(
            brain=brain, by=buyer, title=PROGRAMME_TITLE, cash_available="300000.00",
            ends_on=timezone.localdate() + timedelta(days=60), cutoff_time=time(16, 0), hurdle_apr="6")
    for key, apr in EARLY_OFFERS.items():
        with brain_context(brain.pk):
            offered = DiscountOffer.objects.in_brain(brain).filter(payable=claims[key]).exists()
        if not offered and claims[key].status == Payable.Status.CONFIRMED:
            supplier = people[EARLY_DEBTS[key][0]]
            discounting.discount_offer_make(programme=programme, by=supplier, payable=claims[key], apr=apr)
    with brain_context(brain.pk):
        cleared = ClearingRun.objects.in_brain(brain).filter(programme=programme).exists()
    if not cleared and programme.status == DiscountProgramme.Status.OPEN:
        discounting.discount_clearing_run(programme=programme, by=buyer)
