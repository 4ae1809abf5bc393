"""Reads of supplier profiles: the brain's capacity map, an enterprise's own profile, its facts for the enterprise file."""

from django.db.models import Prefetch

from brain.selectors.enterprise_files import ProcessCapability
from capacity.models import Machine, PurchaseOrder, SupplierCapacity, SupplierProfile
from tenants.selectors.memberships import active_members


def _with_capability(profiles):
    return profiles.select_related("enterprise").prefetch_related(
        Prefetch("capacities", queryset=SupplierCapacity.objects.select_related("process")
                 .order_by("process__sort_order", "process__code")),
        Prefetch("machines", queryset=Machine.objects.select_related("process")),
    )


def supplier_profile_list(*, brain, viewer):
    """Profiles of the brain's active suppliers, with their capacities and machines."""
    active = active_members(brain=brain, role="supplier")
    return _with_capability(SupplierProfile.objects.in_brain(brain)
                            .filter(enterprise_id__in=active.values("enterprise_id"))
                            .order_by("enterprise__legal_name", "pk"))


def own_supplier_profile(*, brain, enterprise_id: int | None) -> SupplierProfile | None:
    """The enterprise's own profile in this brain, with its capacities and machines."""
    if enterprise_id is None:
        return None
    return _with_capability(SupplierProfile.objects.in_brain(brain).filter(enterprise_id=enterprise_id)).first()


def supplier_file_facts(*, brain, enterprise_id: int, facts) -> None:
    """The enterprise file's platform facts from capacity sharing (a brain.selectors platform-facts provider):
    the capability profile, purchase orders won as supplier (not declined) and the delivery record."""
    profile = own_supplier_profile(brain=brain, enterprise_id=enterprise_id)
    facts.orders_won = PurchaseOrder.objects.in_brain(brain).filter(
        supplier_id=enterprise_id, cancelled_at__isnull=True).count()
    if profile is None:
        return
    facts.processes = [ProcessCapability(c.process.code, c.process.name, c.weekly_free_hours)
                       for c in profile.capacities.all()]
    facts.materials, facts.certifications = list(profile.materials), list(profile.certifications)
    facts.completed_lines, facts.ratings_count = profile.completed_lines, profile.ratings_count
    facts.on_time_rate, facts.first_pass_yield, facts.rating = (profile.on_time_rate, profile.first_pass_yield,
                                                                profile.rating)
