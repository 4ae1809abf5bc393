"""The operators' pages of government-data sync: sources, one source, a run, the quarantine. Thin: forms in,
brain.services.sync acts, brain.selectors.sync reads."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from brain.forms.sync import DataSourceForm, RetryForm
from brain.models import QuarantinedRecord
from brain.selectors.sync import data_source_list, quarantined_record_list, sync_run_list
from brain.services import sync
from tenants.errors import DomainError
from tenants.views.base import BrainView


def form_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.detail)


class SyncSourcesView(BrainView):
    """Every source of the brain with its last run and open quarantine, and a form for a new one."""

    operators_only = True

    def get(self, request, brain_slug):
        return self.page(DataSourceForm())

    def post(self, request, brain_slug):
        form = DataSourceForm(request.POST)
        if form.is_valid():
            try:
                made = sync.data_source_create(brain=self.brain, by=request.user, **form.service_values())
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Source saved: %(name)s") % {"name": made.name})
                return HttpResponseRedirect(reverse("sync-source", args=[brain_slug, made.pk]))
        return self.page(form, status=400)

    def page(self, form, status=200):
        sources = data_source_list(brain=self.brain, viewer=self.access).annotate(
            open_quarantine=Count("quarantine", filter=Q(quarantine__status=QuarantinedRecord.Status.OPEN)))
        last_runs = {}
        for run in sync_run_list(brain=self.brain, viewer=self.access)[:200]:
            last_runs.setdefault(run.source_id, run)
        return render(self.request, "brain/sync/sources.html", {
            "sources": [(s, last_runs.get(s.pk)) for s in sources], "form": form}, status=status)


class SyncSourceView(BrainView):
    """One source: its settings to change, run it now, its runs."""

    operators_only = True

    def source(self, pk):
        return get_object_or_404(data_source_list(brain=self.brain, viewer=self.access), pk=pk)

    def get(self, request, brain_slug, pk):
        source = self.source(pk)
        return self.page(source, DataSourceForm.for_source(source))

    def page(self, source, form, status=200):
        return render(self.request, "brain/sync/source.html", {
            "source": source, "form": form, "runs": sync_run_list(brain=self.brain, viewer=self.access, source_id=source.pk)[:50],
            "open_quarantine": quarantined_record_list(brain=self.brain, viewer=self.access, source_id=source.pk).count(),
        }, status=status)

    def post(self, request, brain_slug, pk):
        source = self.source(pk)
        action = request.POST.get("action", "")
        handlers = {"save": self._save, "run": self._run, "delete": self._delete}
        if action not in handlers:
            raise Http404
        return handlers[action](source)

    def _save(self, source):
        form = DataSourceForm(self.request.POST)
        if form.is_valid():
            try:
                sync.data_source_update(source=source, by=self.request.user,
                                        reset_watermark="reset_watermark" in self.request.POST,
                                        **form.service_values())
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(self.request, _("Source saved: %(name)s") % {"name": form.cleaned_data["name"]})
                return HttpResponseRedirect(self.request.path)
        return self.page(source, form, status=400)

    def _run(self, source):
        try:
            sync.sync_run_request(source=source, by=self.request.user)
        except DomainError as error:
            messages.error(self.request, error.detail)
        else:
            messages.success(self.request, _("Run queued: the page shows it when a worker takes it."))
        return HttpResponseRedirect(self.request.path)

    def _delete(self, source):
        sync.data_source_delete(source=source, by=self.request.user)
        messages.success(self.request, _("Source removed: %(name)s") % {"name": source.name})
        return HttpResponseRedirect(reverse("sync-sources", args=[self.brain.slug]))


class SyncRunView(BrainView):
    """One run: its reconciled counts, the faults retried, its error, the rows it quarantined."""

    operators_only = True

    def get(self, request, brain_slug, pk):
        run = get_object_or_404(sync_run_list(brain=self.brain, viewer=self.access), pk=pk)
        return render(request, "brain/sync/run.html", {
            "run": run, "quarantine": QuarantinedRecord.objects.in_brain(self.brain).filter(run=run)[:200]})


class SyncQuarantineView(BrainView):
    """Rows the sources sent that could not be taken: re-try them (with a corrected credit code) or dismiss them."""

    operators_only = True

    def get(self, request, brain_slug):
        status = request.GET.get("status", QuarantinedRecord.Status.OPEN)
        if status not in QuarantinedRecord.Status.values:
            status = QuarantinedRecord.Status.OPEN
        source = request.GET.get("source", "")
        records = quarantined_record_list(brain=self.brain, viewer=self.access, status=status,
                                          source_id=int(source) if source.isdigit() else None)
        return render(request, "brain/sync/quarantine.html", {
            "records": records[:200], "status": status, "statuses": QuarantinedRecord.Status.choices})

    def post(self, request, brain_slug):
        form = RetryForm(request.POST)
        action = request.POST.get("action", "")
        handlers = {"retry": self._retry, "dismiss": self._dismiss}
        if action not in handlers or not form.is_valid():
            raise Http404
        record = get_object_or_404(quarantined_record_list(brain=self.brain, viewer=self.access, status=None),
                                   pk=form.cleaned_data["record"])
        try:
            message = handlers[action](record, form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(request.get_full_path())

    def _retry(self, record, data):
        sync.quarantined_record_retry(record=record, by=self.request.user, credit_code=data["credit_code"] or None)
        return _("The row was taken.")

    def _dismiss(self, record, data):
        sync.quarantined_record_dismiss(record=record, by=self.request.user)
        return _("The row was dismissed.")
