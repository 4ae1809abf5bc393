"""Reads of payables: the one place that decides who sees which."""

from django.db.models import Count, Q, Sum

from brain.eligibility import CRITERIA
from brain.selectors.enterprise_files import enterprise_file
from finance.models import Payable
from ledger.money import ZERO
from tenants.models import Brain


def payable_list(*, brain, viewer):
    """Operators see every payable of the brain; a member those it owes or is owed; nobody else any."""
    rows = Payable.objects.in_brain(brain).select_related("debtor", "creditor", "confirmed_by")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        return rows.filter(Q(debtor_id=viewer.enterprise_id) | Q(creditor_id=viewer.enterprise_id))
    return rows.none()


def enterprise_size(*, brain_id: int, enterprise_id: int) -> str | None:
    """large, medium, small or micro by the 2011 standard, from the enterprise file's figures; None if it cannot
    say."""
    file = enterprise_file(brain=Brain.objects.get(pk=brain_id), enterprise=enterprise_id, viewer=None)
    return CRITERIA["size_class"].read(file).value


def payable_totals(*, brain, viewer) -> dict:
    """Counts and sums by status of the payables the viewer may see, and how many are beyond the legal terms.
    Government viewers see these totals of the whole brain, never a payable."""
    rows = Payable.objects.in_brain(brain) if viewer.staff_role else payable_list(brain=brain, viewer=viewer)
    by_status = {row["status"]: row for row in rows.order_by().values("status").annotate(
        count=Count("pk"), amount=Sum("amount"))}
    return {
        "by_status": [{"status": status, "label": label, "count": by_status.get(status, {}).get("count", 0),
                       "amount": by_status.get(status, {}).get("amount") or ZERO}
                      for status, label in Payable.Status.choices],
        "beyond_legal_terms": rows.filter(beyond_legal_terms=True).exclude(
            status__in=[Payable.Status.PAID, Payable.Status.WAIVED]).count(),
    }
