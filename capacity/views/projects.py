"""Web pages of a buyer's projects: the list, the part tree with BOM import and drawings, the import's progress.
Thin: forms in, services do the work, selectors read; another enterprise's project is a 404."""

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from capacity.forms.projects import BomUploadForm, DrawingUploadForm, ProjectForm
from capacity.models import BomImport, Part, Project, Rfq
from capacity.selectors.projects import bom_import_list, part_tree, project_list
from capacity.selectors.rfqs import own_rfq_list
from capacity.services import projects
from tenants.errors import DomainError, form_error
from tenants.views.base import BrainView


class BuyerView(BrainView):
    """Pages of a buyer member; its projects and RFQs are its enterprise's only (others get 404)."""

    member_role = "buyer"

    def project(self, pk) -> Project:
        return get_object_or_404(project_list(brain=self.brain, viewer=self.access), pk=pk)

    def rfq(self, pk) -> Rfq:
        rfqs = own_rfq_list(brain=self.brain, viewer=self.access).select_related("project").prefetch_related(None)
        return get_object_or_404(rfqs, pk=pk)


class ProjectListView(BuyerView):
    def get(self, request, brain_slug):
        return self._render(ProjectForm())

    def post(self, request, brain_slug):
        form = ProjectForm(request.POST)
        if form.is_valid():
            try:
                project = projects.project_create(brain=self.brain, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form_error(form, error)
            else:
                return HttpResponseRedirect(reverse("capacity:project", args=[brain_slug, project.pk]))
        return self._render(form, status=400)

    def _render(self, form, status=200):
        mine = project_list(brain=self.brain, viewer=self.access).annotate(rfq_count=Count("rfqs", distinct=True))
        return render(self.request, "capacity/projects/list.html", {"projects": mine, "form": form}, status=status)


class ProjectView(BuyerView):
    """The part tree, the BOM import, and the project's RFQs."""

    def get(self, request, brain_slug, pk):
        project = self.project(pk)
        return render(request, "capacity/projects/detail.html", {
            "project": project,
            "tree": part_tree(project=project),
            "rfqs": Rfq.objects.in_brain(self.brain).filter(project=project),
            "upload": BomUploadForm(),
            "imports": BomImport.objects.in_brain(self.brain).filter(project=project)[:5],
        })

    def post(self, request, brain_slug, pk):
        """Upload a BOM (kept, then imported by a worker; the import page shows progress and the report),
        or a new drawing version of one part."""
        project = self.project(pk)
        if request.POST.get("action") == "drawing":
            return self._upload_drawing(project)
        form = BomUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > projects.MAX_BOM_BYTES:  # before reading it into memory
                    raise DomainError(_("The file must be between 1 byte and 20 MB."), field="file")
                job = projects.bom_import_start(project=project, by=request.user, content=upload.read(),
                                                filename=upload.name)
            except DomainError as error:
                messages.error(request, error.detail)
            else:
                return HttpResponseRedirect(reverse("capacity:bom-import", args=[brain_slug, job.pk]))
        else:
            messages.error(request, _("Choose a file to upload."))
        return HttpResponseRedirect(reverse("capacity:project", args=[brain_slug, pk]))


    def _upload_drawing(self, project):
        form = DrawingUploadForm(self.request.POST, self.request.FILES)
        if form.is_valid():
            part = get_object_or_404(Part.objects.in_brain(self.brain), project=project, pk=form.cleaned_data["part"])
            upload = form.cleaned_data["file"]
            try:
                if upload.size > projects.MAX_DRAWING_BYTES:
                    raise DomainError(_("Drawings may be at most 50 MB."), field="file")
                drawing = projects.drawing_upload(part=part, by=self.request.user, content=upload.read(),
                                                  filename=upload.name)
            except DomainError as error:
                messages.error(self.request, error.detail)
            else:
                messages.success(self.request, _("Drawing %(part)s v%(version)s saved.") % {
                    "part": part.part_no, "version": drawing.version})
        else:
            messages.error(self.request, _("Choose a part and a file."))
        return HttpResponseRedirect(reverse("capacity:project", args=[self.brain.slug, project.pk]))


class BomImportView(BuyerView):
    """Progress (polled by htmx while the worker runs) and then the report of every bad row."""

    def get(self, request, brain_slug, pk):
        job = get_object_or_404(bom_import_list(brain=self.brain, viewer=self.access), pk=pk)
        context = {"job": job, "progress": cache.get(f"bom-import-{job.pk}") or {"done": 0, "total": 0}}
        template = "capacity/projects/_bom_import_status.html" if request.htmx else "capacity/projects/bom_import.html"
        return render(request, template, context)
