"""Files kept with progress reports and mould trials: checked by their content, not the client's word."""

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from capacity.models import Attachment, MouldTrial, ProgressReport
from tenants.errors import DomainError
from tenants.models import User
from tenants.uploads import Upload as ReceivedUpload

# content type -> (kinds it may be, magic bytes at offset 0 or, for ISO media, "ftyp" brands at offset 4)
ATTACHMENT_TYPES = {
    "image/jpeg": ({"photo"}, (b"\xff\xd8\xff",)),
    "image/png": ({"photo"}, (b"\x89PNG",)),
    "application/pdf": ({"photo", "inspection"}, (b"%PDF",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ({"inspection"}, (b"PK\x03\x04",)),
}
ISO_MEDIA = {  # phones: HEIC photos, MP4 / QuickTime videos
    b"heic": ("image/heic", {"photo"}), b"heix": ("image/heic", {"photo"}), b"mif1": ("image/heic", {"photo"}),
    b"isom": ("video/mp4", {"video"}), b"mp41": ("video/mp4", {"video"}), b"mp42": ("video/mp4", {"video"}),
    b"avc1": ("video/mp4", {"video"}), b"qt  ": ("video/quicktime", {"video"}),
}
MAX_BYTES = {"photo": 20 * 1024 * 1024, "inspection": 20 * 1024 * 1024, "video": 200 * 1024 * 1024}
MAX_FILES = 10


@dataclass(frozen=True)
class Upload(ReceivedUpload):
    """A file as received (tenants.uploads) for a report or a trial: a photo unless its sender says video or
    inspection."""

    kind: str = "photo"


def _content_type(content: bytes, kind: str) -> str | None:
    if content[4:8] == b"ftyp":
        content_type, kinds = ISO_MEDIA.get(content[8:12], (None, set()))
        return content_type if kind in kinds else None
    for content_type, (kinds, magics) in ATTACHMENT_TYPES.items():
        if kind in kinds and content.startswith(magics):
            return content_type
    return None


def attachments_check(uploads: list[Upload]) -> None:
    """Raise on the first bad file, before anything is written."""
    if len(uploads) > MAX_FILES:
        raise DomainError(_("At most %(n)s files at once.") % {"n": MAX_FILES}, field="files")
    for upload in uploads:
        if upload.kind not in Attachment.Kind.values:
            raise DomainError(_("Unknown kind of file: %(kind)s.") % {"kind": upload.kind}, field="files")
        if not upload.content:
            raise DomainError(_("The file %(name)s is empty.") % {"name": upload.name}, field="files")
        if len(upload.content) > MAX_BYTES[upload.kind]:
            raise DomainError(_("The file %(name)s is too large (at most %(mb)s MB).") % {
                "name": upload.name, "mb": MAX_BYTES[upload.kind] // (1024 * 1024)}, field="files")
        if _content_type(upload.content, upload.kind) is None:
            raise DomainError(_("%(name)s is not an accepted file: photos in JPEG, PNG or HEIC, videos in MP4 "
                                "or MOV, inspection reports in PDF or XLSX.") % {"name": upload.name},
                              field="files")


def attachments_store(*, uploads: list[Upload], by: User, report: ProgressReport | None = None,
                      trial: MouldTrial | None = None) -> list[Attachment]:
    """Store checked uploads with their report or trial. The caller holds the transaction and has checked
    who may upload; a failure later in it removes the rows (files left on disk are unreferenced)."""
    attachments_check(uploads)
    owner = report or trial
    stored = []
    for upload in uploads:
        attachment = Attachment(brain_id=owner.brain_id, report=report, trial=trial, kind=upload.kind,
                                original_name=upload.name[:200], content_type=_content_type(upload.content, upload.kind),
                                size=len(upload.content), sha256=hashlib.sha256(upload.content).hexdigest(),
                                uploaded_by=by)
        folder = f"report-{report.pk}" if report else f"trial-{trial.pk}"
        attachment.file.save(f"{owner.brain_id}/{folder}/{attachment.sha256[:16]}", ContentFile(upload.content),
                             save=False)
        attachment.save()
        stored.append(attachment)
    return stored
