"""Finance demo of the mould brain, on capacity's demo evidence: every accepted delivery note gives its payable;
the first is confirmed, issued as a certificate, split, and a part passed on to a second-tier supplier, who
accepted it; an IP-pledge loan application under review at the demo bank, documents requested. Idempotent: each
step is taken only if it was not taken before."""

from decimal import Decimal

from django.db import transaction

from brain.models import DataSource
from brain.services import enterprise_files, sync
from brain.sync.engine import map_row, records_merge
from capacity.models import Delivery
from finance.models import Certificate, IpLoanApplication, Payable
from finance.services import certificates, ip_loans, payables
from tenants.context import brain_context
from tenants.models import User

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
    with brain_context(brain.pk):
        deliveries = list(Delivery.objects.in_brain(brain).order_by("delivered_on", "pk").values_list("pk", flat=True))
    recorded = [payable for delivery_id in deliveries
                if (payable := payables.payable_record_from_delivery(brain_id=brain.pk, delivery_id=delivery_id))]
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
