"""Files of progress reports and mould trials: photos, videos, inspection reports."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capacity.models.work_orders import ProgressReport
from tenants.models import BrainOwned, User


class Attachment(BrainOwned):
    """A file kept with a progress report or a mould trial: photos, videos, measurement reports. Checked by
    content, not by what the client claims."""

    sync_field = "uploaded_at"  # never changes once made

    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        VIDEO = "video", _("video")
        INSPECTION = "inspection", _("inspection report")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    trial = models.ForeignKey("MouldTrial", on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(report__isnull=False, trial__isnull=True) | models.Q(report__isnull=True,
                                                                                  trial__isnull=False),
            name="attachment_belongs_to_one_thing")]
