"""Projects, their part trees, BOM imports and drawings."""

import hashlib
import logging
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, ProtectedError
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity import bom
from capacity.models import BomImport, Drawing, Operation, Part, Project, RfqLine
from tenants.access import require_member_role
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import Brain, Process, User
from tenants.outbox import event_record

logger = logging.getLogger("industry_brain.capacity")

MAX_BOM_BYTES = 20 * 1024 * 1024
ANALYZE_AFTER_ROWS = 2000


def lock_project(project: Project) -> Project:
    """The lock of a project's part tree: imports and part edits validate and write under it, so two at
    once cannot together make a cycle or upsert the same part number twice."""
    return Project.objects.in_brain(project.brain_id).select_for_update().get(pk=project.pk)


def require_project_buyer(project: Project, by: User) -> None:
    """Only the buyer enterprise that owns a project may change it."""
    require_member_role(brain=project.brain, user=by, role="buyer")
    if by.enterprise_id != project.buyer_id:
        raise NotAllowed(_("Only the project's own enterprise may change it."))


@transaction.atomic
def project_create(*, brain: Brain, by: User, code: str, name: str, customer: str = "", due_date=None) -> Project:
    with brain_context(brain.pk):
        membership = require_member_role(brain=brain, user=by, role="buyer")
        if Project.objects.in_brain(brain).filter(buyer_id=membership.enterprise_id, code=code).exists():
            raise DomainError(_("You already have a project with this code."), code="duplicate", field="code")
        return Project.objects.create(brain=brain, buyer_id=membership.enterprise_id, code=code, name=name,
                                      customer=customer, due_date=due_date, created_by=by)


def _process_lookup(brain: Brain) -> dict[str, int]:
    """Process codes (any case) and Chinese names -> id, as BOM files and forms name them."""
    lookup = {}
    for process in Process.objects.in_brain(brain):
        lookup[process.code] = lookup[process.code.upper()] = lookup[process.name_zh] = process.pk
    return lookup


def _stored_parents(project: Project) -> dict[str, str | None]:
    return dict(Part.objects.in_brain(project.brain_id).filter(project=project)
                .values_list("part_no", "parent__part_no"))


@transaction.atomic
def part_save(*, project: Project, by: User, part_no: str, parent_no: str = "", processes: list[str] = (),
              **values) -> Part:
    """Create or update one part by its number, with its routing (process codes or names, in order)."""
    with brain_context(project.brain_id):
        require_project_buyer(project, by)
        lock_project(project)
        lookup = _process_lookup(project.brain)
        unknown = [p for p in processes if p not in lookup]
        if unknown:
            raise DomainError(_("Unknown process: %(processes)s.") % {"processes": ", ".join(unknown)},
                              field="processes")
        row = bom.BomRow(row=1, part_no=part_no, name=values.pop("name", ""), quantity=values.pop("quantity", 0),
                         parent_no=parent_no, process_ids=[lookup[p] for p in processes], values=values)
        problems = []
        bom.check_parents([row], _stored_parents(project), lambda _row, _column, reason: problems.append(reason))
        if problems:
            raise DomainError(problems[0], field="parent_no")
        _apply_rows(project, [row])
        return Part.objects.in_brain(project.brain_id).get(project=project, part_no=part_no)


@transaction.atomic
def part_delete(*, part: Part, by: User) -> None:
    with brain_context(part.brain_id):
        require_project_buyer(part.project, by)
        lock_project(part.project)
        if part.children.exists():
            raise DomainError(_("Delete or move the parts under this assembly first."), code="has_children")

        if RfqLine.objects.in_brain(part.brain_id).filter(part=part).exists():
            raise DomainError(_("This part is in an RFQ and cannot be deleted."), code="in_use")
        part.delete()


def _analyze_parts() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE capacity_part, capacity_operation")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[bom.RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def bom_import(*, project: Project, by: User, content: bytes, filename: str, progress=None) -> ImportReport:
    """Import a BOM file: every row validated first; either every row lands or none does.

    Upserts by part number, so importing the same file twice changes nothing the second time.
    `progress(done, total)` is called as rows are applied (for a large file's progress bar).
    """
    with brain_context(project.brain_id):
        require_project_buyer(project, by)
        if len(content) > MAX_BOM_BYTES:
            raise DomainError(_("The file must be between 1 byte and 20 MB."), code="invalid_file", field="file")
        try:
            table = bom.read_table(content, filename)
        except bom.BomFileError as error:
            raise DomainError(str(error), code="invalid_file", field="file")
        return _import_table(project, table, progress)


def bom_rows_upsert(*, project: Project, by: User, rows: list[dict]) -> ImportReport:
    """An ERP's BOM as JSON rows, upserted by part number with the file import's rules: every row checked
    first (errors carry the row's index), then all land or none."""
    with brain_context(project.brain_id):
        require_project_buyer(project, by)
        if not rows:
            raise DomainError(_("Send at least one row."), code="required", field="rows")
        try:
            table = bom.table_from_rows(rows)
        except bom.BomFileError as error:
            raise DomainError(str(error), code="invalid", field="rows")
        return _import_table(project, table, None)


def _import_table(project: Project, table, progress) -> ImportReport:
    lock_project(project)
    rows, errors = bom.validate(table, processes=_process_lookup(project.brain),
                                existing_parents=_stored_parents(project))
    if errors:
        return ImportReport(errors=errors)
    with transaction.atomic():
        created, updated = _apply_rows(project, rows, progress=progress)
        event_record(brain_id=project.brain_id, name="project.bom_imported",
                     payload={"project": project.pk, "created": created, "updated": updated})
    return ImportReport(created=created, updated=updated)


def _apply_rows(project: Project, rows: list[bom.BomRow], progress=None) -> tuple[int, int]:
    """Upsert parts by number (two passes: parts, then parents) and replace their routings."""
    brain_id = project.brain_id
    existing = {p.part_no: p for p in Part.objects.in_brain(brain_id).filter(project=project)}
    to_create, to_update = [], []
    for row in rows:
        values = {"name": row.name, "quantity": row.quantity, **row.values}
        part = existing.get(row.part_no)
        if part is None:
            to_create.append(Part(brain_id=brain_id, project=project, part_no=row.part_no, **values))
        else:
            changed = False
            for name, value in values.items():
                if getattr(part, name) != value:
                    setattr(part, name, value)
                    changed = True
            if changed:
                to_update.append(part)
    try:
        created = Part.objects.bulk_create(to_create, batch_size=2000)
    except IntegrityError as error:  # a concurrent import added the same part number
        raise DomainError(_("The project changed while importing; try again."), code="conflict") from error
    fields = sorted({k for row in rows for k in row.values} | {"name", "quantity"})
    Part.objects.bulk_update(to_update, fields, batch_size=2000)
    existing.update({p.part_no: p for p in created})

    # Parents, now that every number exists.
    reparent = []
    for row in rows:
        if row.parent_no is None:  # no parent column in the file: keep the stored parent
            continue
        part = existing[row.part_no]
        parent_id = existing[row.parent_no].pk if row.parent_no else None
        if part.parent_id != parent_id:
            part.parent_id = parent_id
            reparent.append(part)
    Part.objects.bulk_update(reparent, ["parent"], batch_size=2000)

    # Routings: replaced only where they differ, so a re-import leaves operations (and RFQ lines on them) alone.
    current = {}
    for part_id, process_id in (Operation.objects.in_brain(brain_id).filter(part__project=project)
                                .order_by("part_id", "sequence").values_list("part_id", "process_id")):
        current.setdefault(part_id, []).append(process_id)
    stale, fresh = [], []
    for index, row in enumerate(rows, start=1):
        part = existing[row.part_no]
        if row.process_ids is not None and current.get(part.pk, []) != row.process_ids and (
                row.process_ids or part.pk in current):
            stale.append(part.pk)
            fresh.extend(Operation(brain_id=brain_id, part=part, sequence=(seq + 1) * 10, process_id=pid)
                         for seq, pid in enumerate(row.process_ids))
        if progress and index % 500 == 0:
            progress(index, len(rows))
    if stale:
        try:
            with transaction.atomic():
                Operation.objects.in_brain(brain_id).filter(part_id__in=stale).delete()
        except ProtectedError as error:
            tendered = sorted({obj.part.part_no for obj in error.protected_objects})
            raise DomainError(
                _("The routing of %(parts)s is tendered in an RFQ and cannot change.") % {"parts": ", ".join(tendered)},
                code="in_use", field="processes",
            ) from error
    Operation.objects.bulk_create(fresh, batch_size=5000)
    if stale:  # a routing emptied leaves no operation whose change time would show it: the part shows it
        Part.objects.in_brain(brain_id).filter(pk__in=stale).update(updated_at=Now())
    if len(created) + len(fresh) > ANALYZE_AFTER_ROWS:
        # Fresh statistics now, not whenever autovacuum gets to it: with stale ones the next re-import's
        # routing query was planned for one row and took seconds instead of milliseconds (docs/benchmarks.md).
        transaction.on_commit(_analyze_parts, robust=True)  # after commit: not holding its lock meanwhile
    if progress:
        progress(len(rows), len(rows))
    return len(created), len(to_update)


@transaction.atomic
def bom_import_start(*, project: Project, by: User, content: bytes, filename: str) -> BomImport:
    """Keep an uploaded BOM and hand it to a worker; the page follows its progress."""
    with brain_context(project.brain_id):
        require_project_buyer(project, by)
        if not filename.lower().endswith((".csv", ".xlsx")):
            raise DomainError(_("Upload a .csv or .xlsx file."), code="invalid_file", field="file")
        if not content or len(content) > MAX_BOM_BYTES:
            raise DomainError(_("The file must be between 1 byte and 20 MB."), code="invalid_file", field="file")
        job = BomImport(brain_id=project.brain_id, project=project, filename=filename[:200], uploaded_by=by)
        job.file.save(f"{project.brain_id}/{project.pk}/{filename[-60:]}", ContentFile(content), save=False)
        job.save()
        event_record(brain_id=project.brain_id, name="project.bom_import_requested", payload={"import": job.pk})
        return job


def bom_import_run(*, brain_id: int, import_id: int, progress=None) -> BomImport:
    """Worker side of bom_import_start. Idempotent: a finished import, or one another worker is running,
    is left as it is. Whatever happens, the job ends done or rejected: the page never waits forever."""
    with brain_context(brain_id), transaction.atomic():
        job = (BomImport.objects.in_brain(brain_id).select_for_update(skip_locked=True, of=("self",))
               .select_related("project", "uploaded_by").filter(pk=import_id).first())
        if job is None or job.status != BomImport.Status.PENDING:
            return job or BomImport.objects.in_brain(brain_id).get(pk=import_id)
        with job.file.open("rb") as handle:
            content = handle.read()
        try:
            with transaction.atomic():
                report = bom_import(project=job.project, by=job.uploaded_by, content=content,
                                    filename=job.filename, progress=progress)
        except DomainError as error:
            job.status, job.errors = BomImport.Status.REJECTED, [{"row": 0, "column": "", "reason": error.detail}]
        except Exception:
            logger.exception("BOM import %s failed", import_id)
            job.status = BomImport.Status.REJECTED
            job.errors = [{"row": 0, "column": "", "reason": _("The file could not be imported.")}]
        else:
            job.status = BomImport.Status.DONE if report.ok else BomImport.Status.REJECTED
            job.created, job.updated = report.created, report.updated
            job.errors = [e.as_dict() for e in report.errors]
        job.finished_at = timezone.now()
        job.save()
        return job


DRAWING_TYPES = {
    "application/pdf": (b"%PDF",),
    "image/png": (b"\x89PNG",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/acad": (b"AC10",),  # DWG
    "application/dxf": (b"0\r\nSECTION", b"0\nSECTION", b"  0\r\nSECTION", b"  0\nSECTION"),
    "model/step": (b"ISO-10303-21",),
}
MAX_DRAWING_BYTES = 50 * 1024 * 1024


@transaction.atomic
def drawing_upload(*, part: Part, by: User, content: bytes, filename: str) -> Drawing:
    """Store a new drawing version, checked by size and by content (not by what the client claims)."""
    with brain_context(part.brain_id):
        require_project_buyer(part.project, by)
        if not content:
            raise DomainError(_("The file is empty."), field="file")
        if len(content) > MAX_DRAWING_BYTES:
            raise DomainError(_("Drawings may be at most 50 MB."), field="file")
        content_type = next((t for t, magics in DRAWING_TYPES.items() if content.startswith(magics)), None)
        if content_type is None:
            raise DomainError(_("Upload a PDF, PNG, JPEG, DWG, DXF or STEP drawing."), field="file")
        part = Part.objects.in_brain(part.brain_id).select_for_update().get(pk=part.pk)  # one version at a time
        version = (Drawing.objects.in_brain(part.brain_id).filter(part=part).aggregate(v=Max("version"))["v"] or 0) + 1
        drawing = Drawing(brain_id=part.brain_id, part=part, version=version, original_name=filename[:200],
                          content_type=content_type, size=len(content),
                          sha256=hashlib.sha256(content).hexdigest(), uploaded_by=by)
        drawing.file.save(f"{part.brain_id}/{part.pk}/v{version}", ContentFile(content), save=False)
        drawing.save()
        return drawing
