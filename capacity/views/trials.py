"""Web pages of remote mould trials (远程试模), for the project's buyer: the project's trials with the form to
schedule the next one, and a trial's page (record the result with photos, videos and inspection reports,
cancel, and add the modifications a "modify" conclusion calls for). Thin: forms in, services do the work."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from capacity.forms.trials import (
    NewPartModificationForm, OperationModificationForm, TrialCancelForm, TrialRecordForm, TrialScheduleForm,
)
from capacity.models import MouldTrial, Part
from capacity.selectors.projects import part_of
from capacity.selectors.trials import mould_trial_list
from capacity.services import trials
from capacity.uploads import uploads_from
from capacity.views.projects import BuyerView
from tenants.errors import DomainError, form_error
from tenants.selectors.brains import process_list


class Refused(Exception):
    """A rule refused the action as a whole (e.g. the trial was recorded meanwhile): say so on the page."""


class ProjectTrialsView(BuyerView):
    """The project's trials, newest first, and the form to schedule the next one."""

    def get(self, request, brain_slug, pk):
        return self._render(self.project(pk), TrialScheduleForm())

    def post(self, request, brain_slug, pk):
        project = self.project(pk)
        form = TrialScheduleForm(request.POST)
        if form.is_valid():
            try:
                trial = trials.trial_schedule(project=project, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Trial T%(n)s scheduled.") % {"n": trial.number})
                return HttpResponseRedirect(reverse("capacity:trial", args=[brain_slug, trial.pk]))
        return self._render(project, form, status=400)

    def _render(self, project, form, status=200):
        listed = mould_trial_list(brain=self.brain, viewer=self.access)
        return render(self.request, "capacity/trials/list.html", {
            "project": project, "trials": listed.filter(project=project), "form": form}, status=status)


class TrialView(BuyerView):
    """One trial: its details; while scheduled, the result form and cancelling; after a "modify" result,
    the modifications (a new part, or an operation added to an existing part)."""

    def trial(self, pk) -> MouldTrial:
        listed = mould_trial_list(brain=self.brain, viewer=self.access)
        return get_object_or_404(listed, pk=pk)

    def get(self, request, brain_slug, pk):
        return self._render(self.trial(pk))

    def post(self, request, brain_slug, pk):
        trial = self.trial(pk)
        action = request.POST.get("action")
        handler = {"record": self._record, "cancel": self._cancel, "add-part": self._add_part,
                   "add-operation": self._add_operation}.get(action)
        if handler is None:
            raise Http404
        try:
            return handler(trial)
        except Refused as refused:
            messages.error(request, str(refused))
            return HttpResponseRedirect(reverse("capacity:trial", args=[brain_slug, trial.pk]))

    @staticmethod
    def _field_error(form, error: DomainError) -> None:
        """An error of an input is shown by it; one of the action as a whole goes to the page's messages."""
        if error.field not in form.fields:
            raise Refused(error.detail)
        form.add_error(error.field, error.detail)

    def _done(self, trial, message):
        messages.success(self.request, message)
        return HttpResponseRedirect(reverse("capacity:trial", args=[self.brain.slug, trial.pk]))

    def _record(self, trial):
        form = TrialRecordForm(self.request.POST, self.request.FILES)
        if form.is_valid():
            try:
                uploads = uploads_from([(upload, kind) for field, kind in form.KINDS.items()
                                        for upload in form.cleaned_data[field]])
                data = {k: form.cleaned_data[k] for k in ("shots", "conclusion", "defects", "summary")}
                trials.trial_record(trial=trial, by=self.request.user, files=uploads, **data)
            except DomainError as error:
                if error.field == "files":  # the service names the file; show it by the inputs
                    error.field = "photos"
                self._field_error(form, error)
            else:
                return self._done(trial, _("Result of T%(n)s recorded.") % {"n": trial.number})
        return self._render(trial, record_form=form, status=400)

    def _cancel(self, trial):
        form = TrialCancelForm(self.request.POST)
        if form.is_valid():
            try:
                trials.trial_cancel(trial=trial, by=self.request.user, reason=form.cleaned_data["reason"])
            except DomainError as error:
                self._field_error(form, error)
            else:
                return self._done(trial, _("Trial T%(n)s cancelled.") % {"n": trial.number})
        return self._render(trial, cancel_form=form, status=400)

    def _add_part(self, trial):
        form = NewPartModificationForm(self.request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            description = data.pop("description")
            try:
                modification = trials.trial_modification_add(trial=trial, by=self.request.user,
                                                             description=description, new_part=data)
            except DomainError as error:
                self._field_error(form, error)
            else:
                return self._done(trial, _("Part %(part)s added to the project.") % {
                    "part": modification.part.part_no})
        return self._render(trial, part_form=form, status=400)

    def _add_operation(self, trial):
        form = self._operation_form(trial, self.request.POST)
        if form.is_valid():
            try:
                part = part_of(trial.project, form.cleaned_data["part"])  # the API's lookup and answer
                modification = trials.trial_modification_add(
                    trial=trial, by=self.request.user, description=form.cleaned_data["description"], part=part,
                    process=form.cleaned_data["process"])
            except DomainError as error:
                self._field_error(form, error)
            else:
                return self._done(trial, _("Operation %(process)s added to %(part)s.") % {
                    "process": modification.operation.process.name, "part": part.part_no})
        return self._render(trial, operation_form=form, status=400)

    def _operation_form(self, trial, data=None):
        parts = Part.objects.in_brain(self.brain).filter(project_id=trial.project_id).order_by("part_no")  # choices
        return OperationModificationForm(data, parts=parts, processes=list(process_list(brain=self.brain, viewer=self.access)))

    def _render(self, trial, *, status=200, **forms):
        context = {
            "trial": trial, "project": trial.project,
            "record_form": forms.get("record_form") or TrialRecordForm(),
            "cancel_form": forms.get("cancel_form") or TrialCancelForm(),
            "part_form": forms.get("part_form") or NewPartModificationForm(),
            "operation_form": forms.get("operation_form") or self._operation_form(trial),
            "modifiable": trial.status == MouldTrial.Status.RECORDED and trial.conclusion == MouldTrial.Conclusion.MODIFY,
        }
        return render(self.request, "capacity/trials/detail.html", context, status=status)
