"""Ratings: what a buyer says of a completed work order."""

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capacity.models.work_orders import WorkOrder
from tenants.models import BrainOwned, Enterprise, User


class SupplierRating(BrainOwned):
    """The buyer's rating of a completed work order, 1 to 5 on each count."""

    sync_field = "rated_at"  # never changes once made

    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="rating")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    quality = models.PositiveSmallIntegerField(_("quality"))
    on_time = models.PositiveSmallIntegerField(_("on-time delivery"))
    communication = models.PositiveSmallIntegerField(_("communication"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("supplier rating")
        constraints = [models.CheckConstraint(
            condition=models.Q(quality__range=(1, 5), on_time__range=(1, 5), communication__range=(1, 5)),
            name="rating_from_1_to_5")]

    @property
    def score(self) -> Decimal:
        return (Decimal(self.quality + self.on_time + self.communication) / 3).quantize(Decimal("0.01"))
