"""Run matching for a published RFQ: invite every capable supplier, and say why it fits."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from capacity import matching
from capacity.models import Invitation, Machine, Operation, Rfq, RfqLine, SupplierCapacity, SupplierProfile
from capacity.services.rfqs import lock_rfq
from tenants.context import brain_context
from tenants.outbox import event_record
from tenants.selectors.memberships import active_members


def line_specs(rfq: Rfq) -> list[matching.LineSpec]:
    lines = list(RfqLine.objects.in_brain(rfq.brain_id).filter(rfq=rfq).select_related("part", "operation"))
    routing = defaultdict(list)
    for part_id, process_id in (Operation.objects.in_brain(rfq.brain_id)
                                .filter(part_id__in=[l.part_id for l in lines])
                                .order_by("sequence").values_list("part_id", "process_id")):
        routing[part_id].append(process_id)
    specs = []
    for line in lines:
        part = line.part
        dims = [d for d in (part.length_mm, part.width_mm, part.height_mm) if d is not None]
        processes = (line.operation.process_id,) if line.operation else tuple(dict.fromkeys(routing[part.pk]))
        specs.append(matching.LineSpec(
            line=line.pk, processes=processes,
            dimensions=tuple(sorted(dims, reverse=True)) if len(dims) == 3 else None,
            weight_kg=part.weight_kg, tolerance_mm=part.tolerance_mm, material=part.material,
        ))
    return specs


def supplier_specs(brain_id: int, *, exclude: int) -> list[matching.SupplierSpec]:
    """Every active supplier of the brain with a profile, in three queries."""
    active = set(active_members(brain=brain_id, role="supplier").values_list("enterprise_id", flat=True))
    active.discard(exclude)
    profiles = {p.pk: matching.SupplierSpec(enterprise=p.enterprise_id, free_hours={},
                                            materials=frozenset(p.materials), rating=p.rating,
                                            on_time_rate=p.on_time_rate, first_pass_yield=p.first_pass_yield)
                for p in SupplierProfile.objects.in_brain(brain_id).filter(enterprise_id__in=active)}
    for profile_id, process_id, hours in SupplierCapacity.objects.in_brain(brain_id).filter(
            profile_id__in=profiles).values_list("profile_id", "process_id", "weekly_free_hours"):
        profiles[profile_id].free_hours[process_id] = hours
    for machine in Machine.objects.in_brain(brain_id).filter(profile_id__in=profiles):
        profiles[machine.profile_id].machines.append(matching.MachineSpec(
            process=machine.process_id,
            envelope=tuple(sorted((machine.envelope_x_mm, machine.envelope_y_mm, machine.envelope_z_mm), reverse=True)),
            max_weight_kg=machine.max_weight_kg, tolerance_mm=machine.tolerance_mm,
        ))
    return list(profiles.values())


def matching_run(*, brain_id: int, rfq_id: int) -> int:
    """Invite the matched suppliers (idempotent: a re-run updates, never duplicates). Returns how many.

    Ranks without holding the RFQ's lock (seconds for a large RFQ, and quoting must not wait), then
    writes the invitations under it. On an invitation-only RFQ nobody new is invited.
    """
    with brain_context(brain_id):
        rfq = Rfq.objects.in_brain(brain_id).get(pk=rfq_id)
        if rfq.status != Rfq.Status.PUBLISHED:
            return 0
        ranked = matching.rank(line_specs(rfq), supplier_specs(brain_id, exclude=rfq.buyer_id))
    with brain_context(brain_id):
        return _invite(rfq, ranked)


@transaction.atomic
def _invite(rfq: Rfq, ranked) -> int:
    rfq = lock_rfq(rfq)
    if rfq.status != Rfq.Status.PUBLISHED:  # closed or cancelled while ranking
        return 0
    per_supplier = defaultdict(list)
    for line_id, matches in ranked.items():
        for match in matches:
            per_supplier[match.supplier].append({"line": line_id, "score": match.score, "reasons": list(match.reasons)})
    existing = {i.supplier_id: i for i in Invitation.objects.in_brain(rfq.brain_id).filter(rfq=rfq)}
    if not rfq.open_to_all:  # the buyer chose who may quote: matching only explains how well they fit
        per_supplier = {s: lines for s, lines in per_supplier.items() if s in existing}
    new, changed = [], []
    for supplier_id, lines in per_supplier.items():
        score = max(line["score"] for line in lines)
        invitation = existing.get(supplier_id)
        if invitation is None:
            new.append(Invitation(brain_id=rfq.brain_id, rfq=rfq, supplier_id=supplier_id,
                                  source=Invitation.Source.MATCHING, score=score, matched_lines=lines))
        else:
            invitation.score, invitation.matched_lines = score, lines
            changed.append(invitation)
    Invitation.objects.bulk_create(new, batch_size=1000)
    Invitation.objects.bulk_update(changed, ["score", "matched_lines"], batch_size=1000)
    rfq.matched_at = timezone.now()
    rfq.save(update_fields=["matched_at"])
    event_record(brain_id=rfq.brain_id, name="rfq.matched",
                 payload={"rfq": rfq.pk, "invited": sorted(i.supplier_id for i in new),
                          "matched": len(per_supplier)})
    return len(per_supplier)
