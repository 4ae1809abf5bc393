"""Brains: platform administrators create, suspend and reactivate them; operators keep a brain's process
catalogue; every app numbers its documents per brain."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.access import require_brain_active, require_operator, require_platform_admin
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import Brain, Counter, Process, User
from tenants.outbox import event_record


@transaction.atomic
def brain_create(
    *, slug: str, name_zh: str, name_en: str, sector: str, region_code: str = "",
    processes: list[tuple[str, str, str]] = (), by: User,
) -> Brain:
    """Create a brain with its process catalogue [(code, name_zh, name_en), …]."""
    require_platform_admin(user=by)
    duplicate = DomainError(_("A brain with this slug already exists."), code="duplicate", field="slug")
    if Brain.objects.filter(slug=slug).exists():
        raise duplicate
    brain = Brain(slug=slug, name_zh=name_zh, name_en=name_en, sector=sector, region_code=region_code)
    try:
        brain.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], field=field) from error
    try:
        with transaction.atomic():
            brain.save()
    except IntegrityError:  # created by a concurrent request since the check above
        raise duplicate from None
    with brain_context(brain.pk):
        Process.objects.bulk_create(
            Process(brain=brain, code=code, name_zh=zh, name_en=en, sort_order=index * 10)
            for index, (code, zh, en) in enumerate(processes)
        )
        event_record(brain_id=brain.pk, name="brain.created", payload={"slug": slug, "by": by.pk})
    return brain


@transaction.atomic
def brain_suspend(*, brain: Brain, reason: str, by: User) -> Brain:
    require_platform_admin(user=by)
    brain = Brain.objects.select_for_update().get(pk=brain.pk)
    if not reason.strip():
        raise DomainError(_("Give a reason for the suspension."), code="required", field="reason")
    if len(reason.strip()) > 300:
        raise DomainError(_("At most 300 characters."), code="max_length", field="reason")
    if not brain.is_active:
        raise DomainError(_("This brain is already suspended."), code="invalid_state")
    brain.suspend(reason=reason.strip())
    brain.save()
    with brain_context(brain.pk):
        event_record(brain_id=brain.pk, name="brain.suspended", payload={"reason": brain.suspended_reason})
    return brain


@transaction.atomic
def brain_reactivate(*, brain: Brain, by: User) -> Brain:
    require_platform_admin(user=by)
    brain = Brain.objects.select_for_update().get(pk=brain.pk)
    if brain.is_active:
        raise DomainError(_("This brain is already active."), code="invalid_state")
    brain.reactivate()
    brain.save()
    with brain_context(brain.pk):
        event_record(brain_id=brain.pk, name="brain.reactivated", payload={})
    return brain


# --- Process catalogue (operators) ---------------------------------------------------------


@transaction.atomic
def process_save(*, brain: Brain, by: User, process: Process | None = None, **fields) -> Process:
    """Create a catalogue entry, or change `process`. fields: code, name_zh, name_en, sort_order."""
    with brain_context(brain.pk):
        require_operator(brain=brain, user=by)
        require_brain_active(brain=brain)
        code = fields.get("code", process.code if process else "")
        clash = Process.objects.in_brain(brain).filter(code=code)
        if process is not None:
            clash = clash.exclude(pk=process.pk)
        if clash.exists():
            raise DomainError(_("This code is already in the catalogue."), code="duplicate", field="code")
        process = process or Process(brain=brain)
        for name, value in fields.items():
            setattr(process, name, value)
        try:
            with transaction.atomic():
                process.save()
        except IntegrityError:
            raise DomainError(_("This code is already in the catalogue."), code="duplicate", field="code") from None
        event_record(brain_id=brain.pk, name="process.saved", payload={"process": process.pk, "code": code})
        return process


@transaction.atomic
def process_delete(*, process: Process, by: User) -> None:
    with brain_context(process.brain_id):
        require_operator(brain=process.brain, user=by)
        require_brain_active(brain=process.brain)
        try:
            with transaction.atomic():
                process.delete()
        except ProtectedError:
            raise DomainError(_("This process is in use and cannot be deleted."), code="in_use") from None


# --- Document numbers -----------------------------------------------------------------------


def next_number(*, brain_id: int, prefix: str) -> str:
    """The next number of a brain's document series, gap-free: the counter row is locked until commit."""
    return next_numbers(brain_id=brain_id, prefix=prefix, count=1)[0]


def next_numbers(*, brain_id: int, prefix: str, count: int) -> list[str]:
    """The next `count` numbers of a brain's document series at once (a batch, e.g. a clearing run's early
    payments): one locked counter update instead of one per document."""
    year = timezone.localdate().year
    with brain_context(brain_id):
        Counter.objects.get_or_create(brain_id=brain_id, prefix=prefix, year=year)
        counter = Counter.objects.select_for_update().get(brain_id=brain_id, prefix=prefix, year=year)
        Counter.objects.filter(pk=counter.pk).update(value=F("value") + count)
        return [f"{prefix}-{year}-{counter.value + n:06d}" for n in range(1, count + 1)]
