"""Files received over HTTP for progress reports and trials, as the services' Upload values: bounded by capacity's
count and per-kind sizes through tenants.uploads before anything is read; the content is checked by the services."""

from django.utils.translation import gettext as _

from capacity.services.attachments import MAX_BYTES, MAX_FILES, _content_type
from tenants.errors import DomainError
from tenants.uploads import Upload, uploads_read


def uploads_from(files_and_kinds, *, field: str = "files") -> list[Upload]:
    """[(uploaded file, kind)] → [Upload]; too many or too large files (by capacity's bound for each kind) are
    refused unread."""
    return uploads_read(files_and_kinds, field=field, max_files=MAX_FILES,
                        max_bytes=lambda kind: MAX_BYTES.get(kind, max(MAX_BYTES.values())))


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
