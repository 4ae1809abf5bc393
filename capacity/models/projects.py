"""Projects and their parts: the part tree with routings, drawings, and BOM imports."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.models import BrainOwned, ChangeTracked, Enterprise, Process, User


class Project(ChangeTracked, BrainOwned):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("project status", "open")
        CLOSED = "closed", pgettext_lazy("project status", "closed")

    buyer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer"))
    code = models.CharField(_("project code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    customer = models.CharField(_("customer"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("project")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["brain", "buyer", "code"], name="project_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Part(ChangeTracked, BrainOwned):
    """A node of a project's tree: an assembly (has children) or a part."""

    sync_children = ("operations__updated_at",)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parts")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    part_no = models.CharField(_("part number"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    material = models.CharField(_("material"), max_length=30, blank=True)
    length_mm = models.DecimalField(_("length (mm)"), max_digits=9, decimal_places=2, null=True, blank=True)
    width_mm = models.DecimalField(_("width (mm)"), max_digits=9, decimal_places=2, null=True, blank=True)
    height_mm = models.DecimalField(_("height (mm)"), max_digits=9, decimal_places=2, null=True, blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=10, decimal_places=3, null=True, blank=True)
    hardness = models.CharField(_("hardness"), max_length=30, blank=True)
    tolerance_mm = models.DecimalField(_("tolerance (mm)"), max_digits=6, decimal_places=4, null=True, blank=True)
    surface_ra = models.DecimalField(_("surface roughness Ra (µm)"), max_digits=6, decimal_places=3,
                                     null=True, blank=True)
    standard_part = models.BooleanField(_("standard part"), default=False)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("part")
        ordering = ["part_no"]
        constraints = [models.UniqueConstraint(fields=["project", "part_no"], name="part_no_unique_in_project")]

    def __str__(self) -> str:
        return f"{self.part_no} {self.name}"


class Operation(ChangeTracked, BrainOwned):
    """One step of a part's routing, in order, from the brain's process catalogue."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="operations")
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+", verbose_name=_("process"))
    estimated_hours = models.DecimalField(_("estimated hours"), max_digits=7, decimal_places=1, null=True,
                                          blank=True)

    class Meta:
        ordering = ["part_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["part", "sequence"], name="operation_sequence_unique")]


class Drawing(BrainOwned):
    """A drawing file of a part. A new upload is a new version; old versions stay."""

    sync_field = "uploaded_at"  # never changes once made

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="drawings")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to="drawings/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["part_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["part", "version"], name="drawing_version_unique")]


class BomImport(BrainOwned):
    """A BOM file uploaded on the web, imported by a Celery worker while the page shows progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        DONE = "done", _("imported")
        REJECTED = "rejected", _("rejected")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row", "column", "reason"}]
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
