"""Files received over HTTP (web forms, API multipart bodies) as the services take them: bounded in number and in
size before a byte is read into memory. What a file may contain is the receiving app's rule (capacity's attachments,
finance's loan documents); this is only the door every app's files come through."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tenants.errors import DomainError


@dataclass(frozen=True)
class Upload:
    """A file as received: its name, its bytes and what its sender says it is (a word of the receiving app)."""

    name: str
    content: bytes
    kind: str = ""


def uploads_read(files_and_kinds: Iterable[tuple], *, max_files: int, max_bytes: int | Callable[[str], int],
                 field: str = "files") -> list[Upload]:
    """[(uploaded file, kind)] → [Upload]. More than `max_files` files, or a file larger than `max_bytes` (one
    bound, or one per kind), is refused unread, with an error on `field`."""
    files_and_kinds = list(files_and_kinds)
    if len(files_and_kinds) > max_files:
        raise DomainError(_("At most %(n)s files at once.") % {"n": max_files}, field=field)
    for upload, kind in files_and_kinds:
        limit = max_bytes(kind) if callable(max_bytes) else max_bytes
        if upload.size > limit:
            raise DomainError(_("The file %(name)s is too large (at most %(mb)s MB).") % {
                "name": upload.name, "mb": limit // (1024 * 1024)}, field=field)
    return [Upload(name=upload.name or "file", content=upload.read(), kind=kind) for upload, kind in files_and_kinds]
