"""Supplier capability: the cluster's capacity map (processes with free hours, machines, materials)."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import BrainOwned, Enterprise, Process


class SupplierProfile(BrainOwned):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    materials = ArrayField(models.CharField(max_length=30), default=list, blank=True, verbose_name=_("materials"))
    certifications = ArrayField(models.CharField(max_length=60), default=list, blank=True,
                                verbose_name=_("certifications"))
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    # Facts kept up to date by the work-order flow (Capacity sharing II); neutral until then.
    rating = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    on_time_rate = models.DecimalField(_("on-time rate"), max_digits=4, decimal_places=3, null=True, blank=True)
    first_pass_yield = models.DecimalField(_("first-pass yield"), max_digits=4, decimal_places=3, null=True,
                                           blank=True)
    ratings_count = models.PositiveIntegerField(_("ratings"), default=0)
    completed_lines = models.PositiveIntegerField(_("completed lines"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supplier profile")
        constraints = [models.UniqueConstraint(fields=["brain", "enterprise"], name="one_profile_per_brain")]

    def __str__(self) -> str:
        return str(self.enterprise)


class SupplierCapacity(BrainOwned):
    """A process the supplier offers, with its free capacity in hours per week."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="capacities")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+")
    weekly_free_hours = models.DecimalField(_("free hours per week"), max_digits=7, decimal_places=1,
                                            validators=[MinValueValidator(0)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "process"], name="one_capacity_per_process")]


class Machine(BrainOwned):
    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="machines")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+", verbose_name=_("process"))
    machine_type = models.CharField(_("machine type"), max_length=60)
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    model = models.CharField(_("model"), max_length=60, blank=True)
    count = models.PositiveIntegerField(_("count"), default=1)
    envelope_x_mm = models.PositiveIntegerField(_("travel X (mm)"))
    envelope_y_mm = models.PositiveIntegerField(_("travel Y (mm)"))
    envelope_z_mm = models.PositiveIntegerField(_("travel Z (mm)"))
    max_weight_kg = models.DecimalField(_("max workpiece weight (kg)"), max_digits=9, decimal_places=1)
    tolerance_mm = models.DecimalField(_("achievable tolerance (mm)"), max_digits=6, decimal_places=4)

    class Meta:
        ordering = ["process_id", "machine_type"]
