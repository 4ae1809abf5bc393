"""Reads of the catalogue: the one place that decides who sees which data products.

Who sees what: operators every product of their brain, drafts and retired ones included; members and government
viewers the listed products; nobody else any."""

from dataproducts.models import DataProduct, DataProductSettings
from tenants.access import BrainAccess
from tenants.models import BrainStaff


def catalogue_reader(viewer: BrainAccess | None) -> bool:
    return bool(viewer and (viewer.is_member or viewer.staff_role == BrainStaff.Role.GOVERNMENT_VIEWER))


def product_list(brain, viewer: BrainAccess | None):
    """What the viewer may see in the catalogue: listed products for members and government viewers; all for
    operators."""
    products = DataProduct.objects.in_brain(brain)
    if viewer is not None and viewer.is_operator:
        return products
    if catalogue_reader(viewer):
        return products.filter(status=DataProduct.Status.LISTED)
    return products.none()


def settings_for(brain) -> DataProductSettings:
    """The brain's rule, or the defaults (5 enterprises, 60 %) until an operator sets one (not saved)."""
    return DataProductSettings.objects.in_brain(brain).first() or DataProductSettings(brain=brain)
