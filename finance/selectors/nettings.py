"""Reads of nettings: which payables may be netted, and the one place that decides who sees which netting, which
positions and which netted payables.

Who sees what: operators everything of their brain; a party the nettings it is in, there only its own position and
its own payables (so only the counterparties it deals with anyway), plus each netting's totals; government viewers
the totals only. The totals never name anyone."""

from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from finance.models import EarlyPayment, Netting, NettingLeg, NettingParty, Payable
from ledger.money import ZERO


def nettable_payables(*, brain, window_from: date, window_to: date):
    """The payables a netting of this window may take: confirmed (so not disputed, not issued as a certificate, not
    paid), never paid early or financed, due in the window, and in no live netting already."""
    return (Payable.objects.in_brain(brain)
            .filter(status=Payable.Status.CONFIRMED, due_on__gte=window_from, due_on__lte=window_to)
            .exclude(pk__in=EarlyPayment.objects.in_brain(brain).filter(payable__isnull=False).values("payable_id"))
            .exclude(pk__in=NettingLeg.objects.in_brain(brain).filter(netting_status__in=Netting.LIVE)
                     .values("payable_id")))


def _nettings(*, brain, viewer):
    if viewer.is_operator or viewer.staff_role:
        return Netting.objects.in_brain(brain)
    if viewer.is_member:
        return Netting.objects.in_brain(brain).filter(pk__in=NettingParty.objects.in_brain(brain).filter(
            enterprise_id=viewer.enterprise_id).values("netting_id"))
    return Netting.objects.none()


def netting_notes_visible(*, viewer) -> bool:
    """A netting's note and the reason it was rejected are for its parties and the operators (a member sees only the
    nettings it is a party to); government viewers see the totals only."""
    return bool(viewer and (viewer.is_operator or viewer.is_member))


def netting_list(*, brain, viewer):
    """Operators and government viewers see every netting of the brain (as totals; positions and payables are read
    through the two selectors below); a member the nettings it is a party to; nobody else any."""
    confirmed = (NettingParty.objects.filter(netting=OuterRef("pk"), decision=NettingParty.Decision.CONFIRMED)
                 .order_by().values("netting").annotate(count=Count("pk")).values("count"))
    return _nettings(brain=brain, viewer=viewer).select_related("proposed_by", "voided_by").annotate(
        confirmed_count=Coalesce(Subquery(confirmed), 0))


def netting_party_list(*, brain, viewer):
    """Positions: operators every party's; a member its own; nobody else any (a government viewer sees totals)."""
    rows = NettingParty.objects.in_brain(brain).select_related("netting", "enterprise", "decided_by")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        return rows.filter(enterprise_id=viewer.enterprise_id)
    return rows.none()


def netting_leg_list(*, brain, viewer):
    """Netted payables: operators every one; a member those it owes or is owed (its counterparties are named there
    and nowhere else); nobody else any."""
    rows = NettingLeg.objects.in_brain(brain).select_related("netting", "payable", "debtor", "creditor", "remainder")
    if viewer.is_operator:
        return rows
    if viewer.is_member:
        return rows.filter(Q(debtor_id=viewer.enterprise_id) | Q(creditor_id=viewer.enterprise_id))
    return rows.none()


def netting_totals(*, brain, viewer) -> dict:
    """What the nettings the viewer may see saved: the amount settled by netting, which nobody had to pay or
    finance, against what was owed in their windows; and how many wait for answers."""
    rows = _nettings(brain=brain, viewer=viewer).order_by()
    settled = rows.filter(status=Netting.Status.SETTLED).aggregate(
        count=Count("pk"), netted=Sum("netted_total"), window=Sum("window_total"))
    netted, window = settled["netted"] or ZERO, settled["window"] or ZERO
    return {"settled": settled["count"], "netted": netted, "window": window,
            "share": netted / window if window else 0, "percent": round(netted / window * 100, 1) if window else 0,
            "proposed": rows.filter(status=Netting.Status.PROPOSED).count()}
