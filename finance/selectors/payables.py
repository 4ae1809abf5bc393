"""Reads of payables: the one place that decides who sees which."""

from django.db.models import Q

from brain.eligibility import CRITERIA
from brain.selectors.enterprise_files import enterprise_file
from finance.models import Payable
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
    file = enterprise_file(brain=Brain.objects.get(pk=brain_id), enterprise=enterprise_id, viewer_access=None)
    return CRITERIA["size_class"].read(file).value
