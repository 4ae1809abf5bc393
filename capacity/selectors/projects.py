"""Reads of projects, their part trees, BOM rows and drawings: a buyer's own only."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from capacity.models import BomImport, Drawing, Operation, Part, Project, RfqLine
from capacity.selectors.rfqs import rfqs_open_to_supplier
from tenants.errors import DomainError
from tenants.models import Process

PART_FIELDS = ["name", "quantity", "material", "length_mm", "width_mm", "height_mm", "weight_kg", "hardness",
               "tolerance_mm", "surface_ra", "standard_part", "due_date", "remarks"]


def bom_rows(*, project: Project) -> list[dict]:
    """The project's parts as BOM rows (canonical keys), for the XLSX export."""
    codes = dict(Process.objects.in_brain(project.brain_id).values_list("pk", "code"))
    routing = {}
    for part_id, process_id in (Operation.objects.in_brain(project.brain_id).filter(part__project=project)
                                .order_by("part_id", "sequence").values_list("part_id", "process_id")):
        routing.setdefault(part_id, []).append(codes[process_id])
    rows = []
    for part in Part.objects.in_brain(project.brain_id).filter(project=project).select_related("parent"):
        row = {name: getattr(part, name) for name in PART_FIELDS}
        row.update(part_no=part.part_no, parent_no=part.parent.part_no if part.parent else "",
                   processes=";".join(routing.get(part.pk, [])),
                   standard_part="是" if part.standard_part else "否",
                   due_date=part.due_date.isoformat() if part.due_date else "")
        rows.append(row)
    return rows


@dataclass
class TreeRow:
    part: Part
    depth: int
    routing: list[Operation]
    drawing: "Drawing | None" = None  # the latest version


def part_tree(*, project: Project) -> list[TreeRow]:
    """The project's parts in tree order (assemblies before their children), with routing and latest drawing;
    three queries whatever the size."""
    parts = list(Part.objects.in_brain(project.brain_id).filter(project=project).order_by("part_no"))
    routing: dict[int, list[Operation]] = {}
    for operation in (Operation.objects.in_brain(project.brain_id).filter(part__project=project)
                      .select_related("process").order_by("part_id", "sequence")):
        routing.setdefault(operation.part_id, []).append(operation)
    drawings = latest_drawings(brain=project.brain_id, part_ids=[p.pk for p in parts])
    children: dict[int | None, list[Part]] = {}
    for part in parts:
        children.setdefault(part.parent_id, []).append(part)
    rows, stack = [], [(part, 0) for part in reversed(children.get(None, []))]
    while stack:
        part, depth = stack.pop()
        rows.append(TreeRow(part, depth, routing.get(part.pk, []), drawings.get(part.pk)))
        stack.extend((child, depth + 1) for child in reversed(children.get(part.pk, [])))
    return rows


def latest_drawings(*, brain, part_ids) -> dict[int, "Drawing"]:
    """part id -> its latest drawing version."""
    return {d.part_id: d for d in Drawing.objects.in_brain(brain).filter(part_id__in=list(part_ids))
            .order_by("part_id", "-version").distinct("part_id")}


def project_list(*, brain, viewer):
    """A buyer's own projects: nobody else in the brain sees them."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return Project.objects.none()
    return (Project.objects.in_brain(brain).filter(buyer_id=enterprise_id)
            .annotate(part_count=Count("parts", distinct=True))
            .order_by("-created_at", "-pk"))


def part_list(*, brain, viewer):
    """Parts of the buyer's own projects, each with its routing (operations in sequence)."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return Part.objects.none()
    return (Part.objects.in_brain(brain).filter(project__buyer_id=enterprise_id).select_related("parent")
            .prefetch_related(Prefetch("operations", queryset=Operation.objects.select_related("process")
                                       .order_by("sequence")))
            .order_by("project_id", "part_no"))


def drawing_list(*, brain, viewer):
    """Drawings of the buyer's own parts, and of parts in RFQs the enterprise may quote on."""
    enterprise_id = viewer.enterprise_id
    if enterprise_id is None:
        return Drawing.objects.none()
    quotable = RfqLine.objects.in_brain(brain).filter(
        rfq__in=rfqs_open_to_supplier(brain=brain, viewer=viewer)).values("part_id")
    return (Drawing.objects.in_brain(brain)
            .filter(Q(part__project__buyer_id=enterprise_id) | Q(part_id__in=quotable))
            .select_related("part").order_by("part_id", "-version"))


def part_of(project: Project, pk) -> Part:
    """A part of the project named in a request's body, else an error on the field `part`."""
    part = Part.objects.in_brain(project.brain_id).filter(project=project, pk=pk).first()
    if part is None:
        raise DomainError(_("That part is not in this project."), field="part")
    return part


def bom_import_list(*, brain, viewer):
    """BOM imports of the buyer's own projects."""
    return (BomImport.objects.in_brain(brain).filter(project__buyer_id=viewer.enterprise_id or 0)
            .select_related("project"))
