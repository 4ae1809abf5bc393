"""Files received over HTTP (API multipart bodies, web forms) as the services' Upload values.

Sizes are checked before anything is read into memory; the content is checked by the services."""

from django.utils.translation import gettext as _

from capacity.services.attachments import MAX_BYTES, MAX_FILES, Upload, _content_type
from tenants.errors import DomainError


def uploads_from(files_and_kinds, *, field: str = "files", max_bytes: int | None = None) -> list[Upload]:
    """[(uploaded file, kind)] → [Upload]; too many or too large files are refused unread. `max_bytes` bounds
    every file, for callers (finance's loan documents) whose kinds are not capacity's."""
    files_and_kinds = list(files_and_kinds)
    if len(files_and_kinds) > MAX_FILES:
        raise DomainError(_("At most %(n)s files at once.") % {"n": MAX_FILES}, field=field)
    for upload, kind in files_and_kinds:
        limit = max_bytes or MAX_BYTES.get(kind, max(MAX_BYTES.values()))
        if upload.size > limit:
            raise DomainError(_("The file %(name)s is too large (at most %(mb)s MB).") % {
                "name": upload.name, "mb": limit // (1024 * 1024)}, field=field)
    return [Upload(name=upload.name or "file", content=upload.read(), kind=kind) for upload, kind in files_and_kinds]


def kind_of(upload) -> str:
    """A file's kind, when its sender did not say, told from its first bytes: a video; a PDF or a workbook,
    an inspection report; anything else a photo (the content check has the last word)."""
    head = upload.read(16)
    upload.seek(0)
    if _content_type(head, "video"):
        return "video"
    if _content_type(head, "inspection"):
        return "inspection"
    return "photo"


def paired_kinds(files: list, kinds: list[str], *, field: str = "kind") -> list[tuple]:
    """Pair files with their kinds: one kind per file in order, or one kind for all; none: told from content."""
    if len(kinds) == len(files):
        return list(zip(files, kinds))
    if len(kinds) == 1:
        return [(upload, kinds[0]) for upload in files]
    if not kinds:
        return [(upload, kind_of(upload)) for upload in files]
    raise DomainError(_("Give one kind per file, or one kind for all of them."), field=field)
