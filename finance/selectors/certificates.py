"""Reads of certificates and their transfers: the one place that decides who sees which."""

from django.db.models import Q

from finance.models import Certificate, CertificateTransfer


def certificate_list(*, brain, viewer):
    """Operators see every certificate; a member those it holds, issued, or is offered; nobody else any. A split
    certificate stays visible to whoever could see it, for its history."""
    rows = Certificate.objects.in_brain(brain).select_related("issuer", "holder", "offered_to", "payable")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        me = viewer.enterprise_id
        return rows.filter(Q(holder_id=me) | Q(issuer_id=me) | Q(offered_to_id=me))
    return rows.none()


def certificate_transfer_list(*, brain, viewer):
    """Operators see every transfer; a member those it sent or received."""
    rows = (CertificateTransfer.objects.in_brain(brain)
            .select_related("certificate__issuer", "certificate__holder", "certificate__offered_to", "sender",
                            "receiver", "offered_by", "decided_by"))
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        me = viewer.enterprise_id
        return rows.filter(Q(sender_id=me) | Q(receiver_id=me))
    return rows.none()
