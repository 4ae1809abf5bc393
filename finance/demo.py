"""Finance demo of the mould brain, on capacity's demo evidence: every accepted delivery note gives its payable;
the first is confirmed, issued as a certificate, split, and a part passed on to a second-tier supplier, who
accepted it. Idempotent: each step is taken only if it was not taken before."""

from decimal import Decimal

from django.db import transaction

from capacity.models import Delivery
from finance.models import Certificate, Payable
from finance.services import certificates, payables
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
    with brain_context(brain.pk):
        deliveries = list(Delivery.objects.in_brain(brain).order_by("delivered_on", "pk").values_list("pk", flat=True))
    recorded = [payable for delivery_id in deliveries
                if (payable := payables.payable_record_from_delivery(brain_id=brain.pk, delivery_id=delivery_id))]
    if not recorded:
        return
    first = recorded[0]
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
