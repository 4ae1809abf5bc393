"""The project board's rules and its reminders: the brain's stale-report threshold, the suppliers' progress
reminders and the buyers' daily digest (both run by Celery beat).

Reminders and digests are not domain events: they are made here directly, as in-app notifications and
e-mails, at most once per work order (reminder) or project (digest) and day — a Reminder row with a unique
constraint decides, so a second run, or two at once, send nothing more.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacity.selectors.board import Risk, project_board, stale_after_days, stale_before
from capacity.models import BoardSettings, ProgressReport, Project, Reminder, WorkOrder, WorkOrderLine
from tenants.access import brain_access
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import NOTIFICATION_TITLES, Brain, Notification, User
from tenants.outbox import event_record

logger = logging.getLogger("industry_brain.mail")

NOTIFICATION_TITLES.update({
    "work_order.reminder": gettext_lazy("Please report progress on %(po)s for %(buyer)s: no report for %(days)s "
                                        "days or more"),
    "project.digest": gettext_lazy("%(project)s today: %(late)s late, %(blocked)s blocked, %(at_risk)s at risk"),
})

MAX_STALE_AFTER_DAYS = 60
DIGEST_LINES_IN_APP = 20  # the e-mail lists every part; the in-app note the first ones


# --- Settings --------------------------------------------------------------------------------------


def board_settings_of(brain: Brain) -> BoardSettings:
    """The brain's settings, or the defaults (unsaved) until an operator saves them."""
    with brain_context(brain.pk):
        return BoardSettings.objects.in_brain(brain).first() or BoardSettings(brain=brain)


@transaction.atomic
def board_settings_save(*, brain: Brain, by: User, stale_after_days: int) -> BoardSettings:
    """An operator of the brain sets after how many days without a report a part is at risk."""
    with brain_context(brain.pk):
        if not brain_access(user=by, brain=brain).is_operator:
            raise NotAllowed(_("Only an operator of this brain may do this."))
        if not brain.is_active:
            raise DomainError(_("This brain is suspended and read-only."), code="brain_suspended")
        if isinstance(stale_after_days, bool) or not isinstance(stale_after_days, int) \
                or not 1 <= stale_after_days <= MAX_STALE_AFTER_DAYS:
            raise DomainError(_("Give a whole number of days from 1 to %(max)s.") % {"max": MAX_STALE_AFTER_DAYS},
                              field="stale_after_days")
        settings, _created = BoardSettings.objects.in_brain(brain).select_for_update().get_or_create(brain=brain)
        settings.stale_after_days = stale_after_days
        settings.save()
        event_record(brain_id=brain.pk, name="board_settings.saved",
                     payload={"board_settings": settings.pk, "stale_after_days": stale_after_days})
        return settings


# --- Reminders and digests -------------------------------------------------------------------------


@dataclass
class Sent:
    """What a beat run made: the notifications (for live pushes) and how many reminders or digests."""

    notifications: list
    count: int = 0


def _users_of(enterprise_id: int) -> list[User]:
    return list(User.objects.filter(enterprise_id=enterprise_id, is_active=True).order_by("pk"))


def _link(name: str, slug: str, pk: int, fallback: str) -> str:
    try:
        return reverse(f"capacity:{name}", args=[slug, pk])
    except NoReverseMatch:  # the work-order page is another module's; the purchase order stands in for it
        return fallback


def _email_after_commit(users: list[User], kind: str, params: dict, body: str, link: str) -> None:
    """One e-mail per person once the reminder is committed: a rolled-back run sends nothing."""
    with translation.override("zh-hans"):  # the cluster's language, as for the other notifications
        subject = str(NOTIFICATION_TITLES[kind]) % params
    addresses = [user.email for user in users if user.email]

    def send():
        for address in addresses:
            try:
                send_mail(subject, f"{subject}\n\n{body}\n\n{link}", None, [address])
            except Exception as error:  # the in-app notification stands
                logger.warning("could not e-mail %s: %s", address, error)

    transaction.on_commit(send, robust=True)


def _claim(brain_id: int, kind: str, today: date, **target) -> bool:
    """Record that today's reminder of this kind for the target is sent; False when it already was."""
    _reminder, created = Reminder.objects.in_brain(brain_id).get_or_create(
        brain_id=brain_id, kind=kind, sent_on=today, **target)
    return created


def _active_brains() -> list[Brain]:
    return list(Brain.objects.filter(status=Brain.Status.ACTIVE).order_by("pk"))


def progress_reminders_send(*, today: date | None = None) -> Sent:
    """Beat: remind the supplier of each work order in production with an unfinished line whose last report
    (or the acceptance, if it was never reported) is N or more days old, N being the brain's setting. A line
    whose every operation is reported done waits for delivery, not for reports, and is left alone."""
    today = today or timezone.localdate()
    sent = Sent(notifications=[])
    for brain in _active_brains():
        with brain_context(brain.pk):
            days = stale_after_days(brain.pk)
            stale = (WorkOrderLine.objects.in_brain(brain.pk)
                     .filter(work_order__status=WorkOrder.Status.ACCEPTED)
                     .exclude(progress_status=ProgressReport.Status.DONE)
                     .filter(accepted_quantity__lt=F("quantity"))
                     .alias(reference=Coalesce("last_reported_at", "work_order__decided_at"))
                     .filter(reference__lt=stale_before(today, days)))
            work_order_ids = sorted(set(stale.values_list("work_order_id", flat=True)))
        for work_order_id in work_order_ids:
            made = _remind(brain, work_order_id, today, days)
            if made is not None:
                sent.notifications += made
                sent.count += 1
    return sent


@transaction.atomic
def _remind(brain: Brain, work_order_id: int, today: date, days: int) -> list | None:
    with brain_context(brain.pk):
        work_order = (WorkOrder.objects.in_brain(brain).select_related("purchase_order", "buyer", "rfq")
                      .filter(pk=work_order_id, status=WorkOrder.Status.ACCEPTED).first())
        if work_order is None or not _claim(brain.pk, Reminder.Kind.STALE_PROGRESS, today, work_order=work_order):
            return None
        cutoff = stale_before(today, days)
        lines = (WorkOrderLine.objects.in_brain(brain).filter(work_order=work_order)
                 .exclude(progress_status=ProgressReport.Status.DONE)
                 .filter(Q(last_reported_at__lt=cutoff) | Q(last_reported_at__isnull=True))
                 .select_related("part", "operation__process").order_by("part__part_no"))
        parts = [f"{line.part.part_no} {line.part.name}" + (f" · {line.operation.process.name}" if line.operation else "")
                 for line in lines if line.accepted_quantity < line.quantity]
        params = {"po": work_order.purchase_order.number, "buyer": str(work_order.buyer), "days": days,
                  "rfq": f"{work_order.rfq.number} {work_order.rfq.title}", "note": "；".join(parts)}
        link = _link("work-order", brain.slug, work_order.pk,
                     reverse("capacity:purchase-order", args=[brain.slug, work_order.purchase_order_id]))
        users = _users_of(work_order.supplier_id)
        made = Notification.objects.bulk_create([
            Notification(brain=brain, user=user, kind="work_order.reminder", params=params, link=link)
            for user in users])
        _email_after_commit(users, "work_order.reminder", params, "\n".join(parts), link)
        return made


DIGEST_RISKS = (Risk.LATE, Risk.BLOCKED, Risk.AT_RISK)


def board_digests_send(*, today: date | None = None) -> Sent:
    """Beat, daily: each open project with late, blocked or at-risk parts sends its buyer's users one digest
    (in-app, and an e-mail listing the parts). Once per project and day, however often it runs."""
    today = today or timezone.localdate()
    sent = Sent(notifications=[])
    for brain in _active_brains():
        with brain_context(brain.pk):
            project_ids = list(Project.objects.in_brain(brain).filter(status=Project.Status.OPEN)
                               .exclude(pk__in=Reminder.objects.in_brain(brain).filter(
                                   kind=Reminder.Kind.DAILY_DIGEST, sent_on=today).values("project_id"))
                               .order_by("pk").values_list("pk", flat=True))
        for project_id in project_ids:
            made = _digest(brain, project_id, today)
            if made is not None:
                sent.notifications += made
                sent.count += 1
    return sent


@transaction.atomic
def _digest(brain: Brain, project_id: int, today: date) -> list | None:
    with brain_context(brain.pk):
        project = Project.objects.in_brain(brain).select_related("buyer").filter(pk=project_id).first()
        if project is None:
            return None
        board = project_board(project, today=today)
        worrying = [row for row in board.rows if row.risk in DIGEST_RISKS]
        if not worrying or not _claim(brain.pk, Reminder.Kind.DAILY_DIGEST, today, project=project):
            return None
        with translation.override("zh-hans"):
            lines = [_digest_line(row) for row in worrying]
        more = len(lines) - DIGEST_LINES_IN_APP
        note = "\n".join(lines[:DIGEST_LINES_IN_APP]) + (f"\n… +{more}" if more > 0 else "")
        params = {"project": f"{project.code} {project.name}", "late": board.counts[Risk.LATE],
                  "blocked": board.counts[Risk.BLOCKED], "at_risk": board.counts[Risk.AT_RISK], "note": note}
        link = reverse("capacity:project-board", args=[brain.slug, project.pk])
        users = _users_of(project.buyer_id)
        made = Notification.objects.bulk_create([
            Notification(brain=brain, user=user, kind="project.digest", params=params, link=link) for user in users])
        _email_after_commit(users, "project.digest", params, "\n".join(lines), link)
        return made


def _digest_line(row) -> str:
    suppliers = "、".join(name for _pk, name in row.suppliers) or _("no supplier yet")
    due = row.due_date.isoformat() if row.due_date else "—"
    planned = row.planned_completion.isoformat() if row.planned_completion else "—"
    reasons = "，".join(row.reason_labels)
    text = _("%(part)s %(name)s — %(risk)s (%(reasons)s); due %(due)s, planned %(planned)s; %(suppliers)s, "
             "%(percent)s%%") % {"part": row.part.part_no, "name": row.part.name, "risk": row.risk_label,
                                 "reasons": reasons, "due": due, "planned": planned, "suppliers": suppliers,
                                 "percent": row.percent}
    if row.blocked_reason:
        text += " · " + row.blocked_reason
    return text
