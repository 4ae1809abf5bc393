"""Supplier capability profiles: what a supplier can make and how much time it has free."""

from django.db import transaction
from django.utils.translation import gettext as _

from capacity.models import Machine, SupplierCapacity, SupplierProfile
from tenants.access import require_member_role
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import Brain, Process, User
from tenants.outbox import event_record


def _process_map(brain: Brain) -> dict[str, Process]:
    return {p.code: p for p in Process.objects.in_brain(brain)}


@transaction.atomic
def profile_save(
    *, brain: Brain, by: User, summary: str = "", materials: list[str] = (), certifications: list[str] = (),
    region_code: str = "", capacities: list[dict] = (), machines: list[dict] = (),
) -> SupplierProfile:
    """Create or replace the supplier's profile in `brain`: capacities and machines are replaced whole.

    capacities: [{"process": code, "weekly_free_hours": Decimal}]
    machines: [{"process": code, "machine_type", "brand", "model", "count", "envelope_x_mm", ...}]
    """
    with brain_context(brain.pk):
        membership = require_member_role(brain=brain, user=by, role="supplier")
        processes = _process_map(brain)
        for index, item in enumerate([*capacities, *machines]):
            if item["process"] not in processes:
                raise DomainError(_("Unknown process “%(code)s”.") % {"code": item["process"]}, field="process")
        codes = [c["process"] for c in capacities]
        if len(codes) != len(set(codes)):
            raise DomainError(_("Each process may be listed once."), field="capacities")
        profile, _created = SupplierProfile.objects.select_for_update().get_or_create(
            brain=brain, enterprise_id=membership.enterprise_id
        )
        profile.summary, profile.region_code = summary, region_code or membership.enterprise.region_code
        profile.materials = sorted({m.strip().upper() for m in materials if m.strip()})
        profile.certifications = [c.strip() for c in certifications if c.strip()]
        profile.save()
        SupplierCapacity.objects.in_brain(brain).filter(profile=profile).delete()
        SupplierCapacity.objects.bulk_create(
            SupplierCapacity(brain=brain, profile=profile, process=processes[c["process"]],
                             weekly_free_hours=c["weekly_free_hours"])
            for c in capacities
        )
        Machine.objects.in_brain(brain).filter(profile=profile).delete()
        Machine.objects.bulk_create(
            Machine(brain=brain, profile=profile, process=processes[m["process"]],
                    **{k: v for k, v in m.items() if k != "process"})
            for m in machines
        )
        # Its processes and materials are tag inputs (brain.tagging): the tags follow after commit.
        event_record(brain_id=brain.pk, name="supplier_profile.saved", payload={"enterprise": profile.enterprise_id})
        return profile
