"""Remote mould trials (远程试模): the buyer schedules a trial of the project's mould (T1, T2, …), records its
result with photos, videos and inspection reports, and turns a "modify" conclusion into new parts or new
operations on the project board, which can then be put into an RFQ like any other part."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from capacity.models import MouldTrial, Operation, Part, Project, TrialModification
from capacity.services import projects
from capacity.services.attachments import Upload, attachments_check, attachments_store
from capacity.services.projects import lock_project, require_project_buyer
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import Process, User
from tenants.outbox import event_record

MAX_TEXT = 5000
MAX_SHOTS = 1_000_000
MAX_QUANTITY = 10_000_000
OPERATION_STEP = 10  # routings are numbered 10, 20, 30, … (as BOM imports number them)


def lock_trial(trial: MouldTrial) -> MouldTrial:
    return MouldTrial.objects.in_brain(trial.brain_id).select_for_update().get(pk=trial.pk)


def _require_open(project: Project) -> None:
    if project.status != Project.Status.OPEN:
        raise DomainError(_("The project is closed."), code="invalid_state")


def _text(value, *, field: str, limit: int, required: str | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(required, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("Keep it under %(n)s characters.") % {"n": limit}, field=field)
    return value


def _payload(trial: MouldTrial, by: User, **more) -> dict:
    return {"project": trial.project_id, "trial": trial.pk, "number": trial.number, "by": by.pk, **more}


@transaction.atomic
def trial_schedule(*, project: Project, by: User, scheduled_at: datetime, location: str, press: str = "",
                   meeting_url: str = "") -> MouldTrial:
    """The project's buyer schedules the next trial. Numbers follow each other per project (T1, T2, …) with
    no gap and no twin, also when two people schedule at once: they are given under the project's lock."""
    with brain_context(project.brain_id):
        require_project_buyer(project, by)
        if not isinstance(scheduled_at, datetime):
            raise DomainError(_("Give the date and time of the trial."), code="required", field="scheduled_at")
        if timezone.is_naive(scheduled_at):
            scheduled_at = timezone.make_aware(scheduled_at)
        if timezone.localtime(scheduled_at).date() < timezone.localdate():
            raise DomainError(_("A trial cannot be scheduled on a day that has passed."), field="scheduled_at")
        location = _text(location, field="location", limit=200, required=_("Say where the trial takes place."))
        press = _text(press, field="press", limit=100)
        meeting_url = _text(meeting_url, field="meeting_url", limit=200)
        if meeting_url:
            try:
                URLValidator(schemes=["http", "https"])(meeting_url)
            except ValidationError:
                raise DomainError(_("Give the video meeting link as a web address (https://…)."),
                                  field="meeting_url") from None
        project = lock_project(project)  # numbers are handed out one at a time
        _require_open(project)
        number = (MouldTrial.objects.in_brain(project.brain_id).filter(project=project)
                  .aggregate(n=Max("number"))["n"] or 0) + 1
        trial = MouldTrial.objects.create(
            brain_id=project.brain_id, project=project, number=number, scheduled_at=scheduled_at,
            location=location, press=press, meeting_url=meeting_url, scheduled_by=by,
        )
        event_record(brain_id=project.brain_id, name="mould_trial.scheduled", payload=_payload(trial, by))
        return trial


@transaction.atomic
def trial_record(*, trial: MouldTrial, by: User, shots: int | None, conclusion: str, defects: str = "",
                 summary: str = "", files: list[Upload] = ()) -> MouldTrial:
    """Record a scheduled trial's result: shots fired, defects found, the conclusion (pass, or modify the
    mould: then the defects must say what is wrong), a summary, and photos, videos or inspection reports."""
    with brain_context(trial.brain_id):
        require_project_buyer(trial.project, by)
        if conclusion not in MouldTrial.Conclusion.values:
            raise DomainError(_("Choose the conclusion: pass, or modify the mould."), code="required",
                              field="conclusion")
        if shots is None or isinstance(shots, bool) or not isinstance(shots, int):
            raise DomainError(_("Say how many shots were made."), code="required", field="shots")
        if not 0 <= shots <= MAX_SHOTS:
            raise DomainError(_("The shots must be from 0 to %(max)s.") % {"max": MAX_SHOTS}, field="shots")
        defects = _text(defects, field="defects", limit=MAX_TEXT,
                        required=_("Describe the defects that call for modifying the mould.")
                        if conclusion == MouldTrial.Conclusion.MODIFY else None)
        summary = _text(summary, field="summary", limit=MAX_TEXT)
        files = list(files)
        attachments_check(files)
        trial = lock_trial(trial)
        if not can_proceed(trial.record):
            raise DomainError(_("Trial T%(n)s was already %(status)s.") % {
                "n": trial.number, "status": trial.get_status_display()}, code="invalid_state")
        trial.record()
        trial.shots, trial.defects, trial.conclusion, trial.summary = shots, defects, conclusion, summary
        trial.recorded_by = by
        trial.save()
        stored = attachments_store(uploads=files, by=by, trial=trial)
        event_record(brain_id=trial.brain_id, name="mould_trial.recorded",
                     payload=_payload(trial, by, conclusion=conclusion, files=[a.pk for a in stored]))
        return trial


@transaction.atomic
def trial_cancel(*, trial: MouldTrial, by: User, reason: str = "") -> MouldTrial:
    """Call off a scheduled trial. Its number stays taken (the next one is the next number); the reason,
    if given, is kept as the trial's summary."""
    with brain_context(trial.brain_id):
        require_project_buyer(trial.project, by)
        reason = _text(reason, field="reason", limit=500)
        trial = lock_trial(trial)
        if not can_proceed(trial.cancel):
            raise DomainError(_("Trial T%(n)s was already %(status)s.") % {
                "n": trial.number, "status": trial.get_status_display()}, code="invalid_state")
        trial.cancel()
        trial.summary = reason
        trial.save(update_fields=["status", "summary"])
        event_record(brain_id=trial.brain_id, name="mould_trial.cancelled", payload=_payload(trial, by, reason=reason))
        return trial


NEW_PART_FIELDS = {"part_no", "name", "quantity", "material", "due_date", "processes", "parent_no"}


@transaction.atomic
def trial_modification_add(*, trial: MouldTrial, by: User, description: str, new_part: dict | None = None,
                           part: Part | None = None, process: str = "") -> TrialModification:
    """A modification called for by a trial concluded "modify": either a new part of the project
    (new_part: part_no, name, quantity, material, due_date, processes as codes or names, parent_no), made
    by the project's part service so the BOM rules hold; or one more operation (`process`, a code or name)
    appended to the routing of an existing `part` of the project. Either shows on the board as not yet
    awarded and can be tendered in a new RFQ."""
    with brain_context(trial.brain_id):
        project = trial.project
        require_project_buyer(project, by)
        description = _text(description, field="description", limit=500,
                            required=_("Describe the modification."))
        if (new_part is None) == (part is None):
            raise DomainError(_("Add either a new part or an operation on an existing part."), field="part")
        if new_part is not None:
            values = _new_part_values(project, new_part)
        else:
            if part.project_id != project.pk or part.brain_id != project.brain_id:
                raise DomainError(_("That part is not in this project."), field="part")
            process_id = _process_id(project, process)
        project = lock_project(project)  # lock order: project, then trial
        _require_open(project)
        trial = lock_trial(trial)
        if trial.status != MouldTrial.Status.RECORDED or trial.conclusion != MouldTrial.Conclusion.MODIFY:
            raise DomainError(_("Modifications are added to a trial whose result is \"modify the mould\"."),
                              code="invalid_state")
        if new_part is not None:
            if Part.objects.in_brain(project.brain_id).filter(project=project, part_no=values["part_no"]).exists():
                raise DomainError(_("The project already has a part %(part_no)s: give the new part its own number, "
                                    "or add an operation to that part.") % {"part_no": values["part_no"]},
                                  code="duplicate", field="part_no")
            made = projects.part_save(project=project, by=by, **values)
            operation = None
        else:
            part = Part.objects.in_brain(project.brain_id).filter(project=project, pk=part.pk).first()
            if part is None:  # deleted meanwhile
                raise DomainError(_("That part is not in this project."), field="part")
            last = (Operation.objects.in_brain(project.brain_id).filter(part=part)
                    .aggregate(s=Max("sequence"))["s"] or 0)
            operation = Operation.objects.create(brain_id=project.brain_id, part=part, process_id=process_id,
                                                 sequence=(last // OPERATION_STEP + 1) * OPERATION_STEP)
            made = part
        modification = TrialModification.objects.create(
            brain_id=trial.brain_id, trial=trial, description=description, part=made, operation=operation,
            new_part=new_part is not None, created_by=by,
        )
        event_record(brain_id=trial.brain_id, name="mould_trial.modification_added", payload=_payload(
            trial, by, modification=modification.pk, part=made.pk, operation=operation.pk if operation else None,
            new_part=modification.new_part))
        return modification


def _new_part_values(project: Project, data: dict) -> dict:
    unknown = set(data) - NEW_PART_FIELDS
    if unknown:
        raise DomainError(_("Unknown field: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, field="part")
    part_no = _text(data.get("part_no"), field="part_no", limit=60, required=_("Give the new part a number."))
    name = _text(data.get("name"), field="name", limit=200, required=_("Give the new part a name."))
    quantity = data.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(_("The quantity must be from 1 to %(max)s.") % {"max": MAX_QUANTITY}, field="quantity")
    material = _text(data.get("material"), field="material", limit=30)
    due_date = data.get("due_date")
    if due_date is not None and (isinstance(due_date, datetime) or not isinstance(due_date, date)):
        raise DomainError(_("Give the due date as a date."), field="due_date")
    processes = [str(p).strip() for p in data.get("processes") or () if str(p).strip()]
    values = {"part_no": part_no, "name": name, "quantity": quantity, "material": material,
              "due_date": due_date, "processes": processes}
    if data.get("parent_no"):
        values["parent_no"] = _text(data["parent_no"], field="parent_no", limit=60)
    return values


def _process_id(project: Project, process: str) -> int:
    process = (process or "").strip()
    if not process:
        raise DomainError(_("Choose the process of the new operation."), code="required", field="process")
    for found in Process.objects.in_brain(project.brain_id):
        if process.upper() == found.code or process in (found.name_zh, found.name_en):
            return found.pk
    raise DomainError(_("Unknown process: %(processes)s.") % {"processes": process}, field="process")
