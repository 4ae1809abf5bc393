"""Finance demo of the mould brain, on capacity's demo evidence: every accepted delivery note gives its payable;
the first is confirmed, issued as a certificate, split, and a part passed on to a second-tier supplier, who
accepted it; an IP-pledge loan application under review at the demo bank, documents requested. Idempotent: each
step is taken only if it was not taken before."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from brain.models import DataSource
from brain.services import enterprise_files, sync
from brain.sync.engine import map_row, records_merge
from capacity.models import Delivery, DeliveryLine, Project, QuoteLine, Rfq, WorkOrder
from capacity.services import awards, projects, rfqs, work_orders
from capacity.services.deliveries import delivery_inspect, delivery_record
from finance.models import Certificate, IpLoanApplication, Netting, NettingLeg, Payable
from finance.services import certificates, ip_loans, nettings, payables
from tenants.context import brain_context
from tenants.models import Membership, User

BRAIN = "mould"


def _admin_of(enterprise_id: int) -> User:
    return User.objects.filter(enterprise_id=enterprise_id, enterprise_role=User.EnterpriseRole.ADMIN).order_by(
        "pk").first()


@transaction.atomic
def load(*, brains: dict, users: dict) -> None:
    brain = brains.get(BRAIN)
    if brain is None:
        return
    ip_loan_demo(brain=brain, users=users)
    netting_demo(brain=brain, users=users)
    with brain_context(brain.pk):
        deliveries = list(Delivery.objects.in_brain(brain).order_by("delivered_on", "pk").values_list("pk", flat=True))
    recorded = [payable for delivery_id in deliveries
                if (payable := payables.payable_record_from_delivery(brain_id=brain.pk, delivery_id=delivery_id))]
    with brain_context(brain.pk):  # the netting demo's debts stay as their parties confirmed them
        netted = set(NettingLeg.objects.in_brain(brain).values_list("payable_id", flat=True))
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
