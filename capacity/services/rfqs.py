"""RFQs: create from parts or single operations, publish, answer questions, close; and quotes on them."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from capacity.models import Invitation, Operation, Part, Project, Question, Quote, QuoteLine, Rfq, RfqLine
from capacity.selectors.rfqs import rfqs_open_to_supplier
from capacity.services.projects import lock_project, require_project_buyer
from ledger.money import VAT_RATES, fen
from tenants.access import BrainAccess, enterprise_access, require_member_role
from tenants.context import brain_context, cross_brain
from tenants.errors import DomainError, NotAllowed
from tenants.models import User
from tenants.outbox import event_record
from tenants.selectors.memberships import active_members
from tenants.services.brains import next_number

MIN_QUOTING_TIME = timedelta(hours=1)
MAX_QUANTITY = 10_000_000
MAX_LEAD_TIME_DAYS = 3650
MAX_PAYMENT_DAYS = 365


def lock_rfq(rfq: Rfq) -> Rfq:
    """The one lock of an RFQ aggregate: quotes, closing and awards on it take their turn here."""
    return Rfq.objects.in_brain(rfq.brain_id).select_for_update().get(pk=rfq.pk)


@transaction.atomic
def rfq_create(*, project: Project, by: User, title: str, deadline, lines: list[dict],
               invited: list[int] = (), open_to_all: bool = True, notes: str = "", payment_days: int = 60) -> Rfq:
    """A draft RFQ. lines: [{"part": id, "operation": id or None, "quantity": int or None, "due_date"}]."""
    with brain_context(project.brain_id):
        require_project_buyer(project, by)
        lock_project(project)  # the parts and routings tendered stay as read
        if not lines:
            raise DomainError(_("Choose at least one part or operation."), field="lines")
        parts = Part.objects.in_brain(project.brain_id).filter(project=project).in_bulk(
            [line["part"] for line in lines])
        operations = Operation.objects.in_brain(project.brain_id).filter(part__project=project).in_bulk(
            [line["operation"] for line in lines if line.get("operation")])
        keys = set()
        for index, line in enumerate(lines):
            part = parts.get(line["part"])
            if part is None:
                raise DomainError(_("Line %(n)s: no such part in this project.") % {"n": index + 1}, field="lines")
            operation_id = line.get("operation")
            if operation_id and (operation_id not in operations or operations[operation_id].part_id != part.pk):
                raise DomainError(_("Line %(n)s: no such operation of this part.") % {"n": index + 1},
                                  field="lines")
            if (part.pk, operation_id) in keys:
                raise DomainError(_("Line %(n)s is a duplicate.") % {"n": index + 1}, field="lines")
            keys.add((part.pk, operation_id))
            quantity = line.get("quantity")
            if quantity is not None and not 1 <= quantity <= MAX_QUANTITY:
                raise DomainError(_("Line %(n)s: the quantity must be from 1 to %(max)s.")
                                  % {"n": index + 1, "max": MAX_QUANTITY}, field="lines")
        whole = {part_id for part_id, operation_id in keys if operation_id is None}
        if any(operation_id and part_id in whole for part_id, operation_id in keys):
            raise DomainError(_("A part is tendered whole and one of its operations again: that operation would "
                                "be bought twice."), field="lines")
        _check_deadline(deadline)
        if not isinstance(payment_days, int) or not 0 <= payment_days <= MAX_PAYMENT_DAYS:
            raise DomainError(_("Payment terms are 0 to %(max)s days after acceptance.") % {"max": MAX_PAYMENT_DAYS},
                              field="payment_days")
        suppliers = _suppliers(project.brain_id, invited)
        rfq = Rfq.objects.create(
            brain_id=project.brain_id, project=project, buyer_id=project.buyer_id, title=title, deadline=deadline,
            open_to_all=open_to_all, notes=notes, payment_days=payment_days, created_by=by,
            number=next_number(brain_id=project.brain_id, prefix="RFQ"),
        )
        RfqLine.objects.bulk_create(
            RfqLine(brain_id=project.brain_id, rfq=rfq, line_no=index + 1, part=parts[line["part"]],
                    operation_id=line.get("operation"),
                    quantity=line.get("quantity") or parts[line["part"]].quantity,
                    due_date=line.get("due_date") or parts[line["part"]].due_date)
            for index, line in enumerate(lines)
        )
        Invitation.objects.bulk_create(
            Invitation(brain_id=project.brain_id, rfq=rfq, supplier_id=pk, source=Invitation.Source.BUYER)
            for pk in suppliers
        )
        return rfq


def _check_deadline(deadline) -> None:
    if deadline is None or deadline < timezone.now() + MIN_QUOTING_TIME:
        raise DomainError(_("The deadline must be at least an hour from now."), field="deadline")


def _suppliers(brain_id: int, enterprise_ids) -> list[int]:
    """Invited suppliers must be active supplier members of the brain."""
    wanted = set(enterprise_ids)
    valid = set(active_members(brain=brain_id, role="supplier").filter(enterprise_id__in=wanted)
                .values_list("enterprise_id", flat=True))
    if wanted - valid:
        raise DomainError(_("Only active suppliers of this brain can be invited."), field="invited")
    return sorted(valid)


@transaction.atomic
def rfq_publish(*, rfq: Rfq, by: User) -> Rfq:
    """Open the RFQ for quotes; matching then finds and invites capable suppliers (Celery)."""
    with brain_context(rfq.brain_id):
        require_project_buyer(rfq.project, by)
        rfq = lock_rfq(rfq)
        if not can_proceed(rfq.publish):
            raise DomainError(_("Only a draft can be published."), code="invalid_state")
        _check_deadline(rfq.deadline)
        rfq.publish()
        rfq.save(update_fields=["status", "published_at"])
        event_record(brain_id=rfq.brain_id, name="rfq.published", payload={"rfq": rfq.pk})
        return rfq


@transaction.atomic
def rfq_close(*, rfq: Rfq, by: User) -> Rfq:
    """Stop quoting now (before the deadline); the prices become visible to the buyer."""
    with brain_context(rfq.brain_id):
        require_project_buyer(rfq.project, by)
        rfq = lock_rfq(rfq)
        if not can_proceed(rfq.close):
            raise DomainError(_("Only an RFQ open for quotes can be closed."), code="invalid_state")
        rfq.close()
        rfq.save(update_fields=["status", "closed_at"])
        event_record(brain_id=rfq.brain_id, name="rfq.closed", payload={"rfq": rfq.pk})
        return rfq


def close_at_deadline(rfq: Rfq) -> bool:
    """Close an RFQ whose deadline has passed (the caller holds its lock); True if it was closed now."""
    if rfq.status != Rfq.Status.PUBLISHED or timezone.now() < rfq.deadline:
        return False
    rfq.close(at=rfq.deadline)
    rfq.save(update_fields=["status", "closed_at"])
    event_record(brain_id=rfq.brain_id, name="rfq.closed", payload={"rfq": rfq.pk, "at_deadline": True})
    return True


def rfqs_close_due() -> int:
    """Beat: close every RFQ past its deadline, in each brain, so lists and buyers see that quoting ended.

    Finding them is the one read across brains; each is then closed in its own brain, under its lock.
    """
    with cross_brain(reason="close RFQs past their deadline"):
        due = list(Rfq.objects.filter(status=Rfq.Status.PUBLISHED, deadline__lte=timezone.now())
                   .values_list("brain_id", "pk"))
    closed = 0
    for brain_id, rfq_id in due:
        with brain_context(brain_id), transaction.atomic():
            rfq = Rfq.objects.in_brain(brain_id).select_for_update(skip_locked=True).filter(pk=rfq_id).first()
            closed += bool(rfq and close_at_deadline(rfq))
    return closed


@transaction.atomic
def rfq_cancel(*, rfq: Rfq, by: User) -> Rfq:
    with brain_context(rfq.brain_id):
        require_project_buyer(rfq.project, by)
        rfq = lock_rfq(rfq)
        if not can_proceed(rfq.cancel):
            raise DomainError(_("This RFQ can no longer be cancelled."), code="invalid_state")
        rfq.cancel()
        rfq.save(update_fields=["status"])
        event_record(brain_id=rfq.brain_id, name="rfq.cancelled", payload={"rfq": rfq.pk})
        return rfq


def may_quote(rfq: Rfq, viewer: BrainAccess) -> bool:
    """Invited suppliers, and on an open RFQ every active supplier member of the brain (once published)."""
    return rfqs_open_to_supplier(brain=rfq.brain_id, viewer=viewer).filter(pk=rfq.pk).exists()


@transaction.atomic
def quote_submit(*, rfq: Rfq, by: User, lines: list[dict], remarks: str = "") -> Quote:
    """Submit or revise the supplier's one live quote, until the deadline by the server's clock.

    lines: [{"rfq_line": id, "unit_price": Decimal, "vat_rate": Decimal, "lead_time_days": int,
             "valid_until": date|None, "remarks": str}] — some lines only is fine. A revision replaces
    the previous lines whole.
    """
    with brain_context(rfq.brain_id):
        membership = require_member_role(brain=rfq.brain, user=by, role="supplier")
        supplier_id = membership.enterprise_id
        if supplier_id == rfq.buyer_id:
            raise NotAllowed(_("You cannot quote on your own RFQ."))
        rfq = lock_rfq(rfq)  # the deadline check and the write happen under the same lock as closing
        if not rfq.is_open_at(timezone.now()):
            raise DomainError(_("Quoting on this RFQ has ended."), code="deadline_passed")
        if not may_quote(rfq, enterprise_access(brain=rfq.brain, enterprise_id=supplier_id)):
            raise NotAllowed(_("Your enterprise is not invited to this RFQ."))
        if not lines:
            raise DomainError(_("Quote at least one line."), field="lines")
        rfq_lines = RfqLine.objects.in_brain(rfq.brain_id).filter(rfq=rfq).in_bulk()
        seen = set()
        for index, line in enumerate(lines):
            if line["rfq_line"] not in rfq_lines:
                raise DomainError(_("Line %(n)s is not a line of this RFQ.") % {"n": index + 1}, field="lines")
            if line["rfq_line"] in seen:
                raise DomainError(_("Line %(n)s is quoted twice.") % {"n": index + 1}, field="lines")
            seen.add(line["rfq_line"])
            line["unit_price"] = fen(Decimal(line["unit_price"]))
            problem = _quote_line_problem(line)
            if problem:
                raise DomainError(_("Line %(n)s: %(problem)s") % {"n": index + 1, "problem": problem}, field="lines")
        now = timezone.now()
        quote = Quote.objects.in_brain(rfq.brain_id).filter(rfq=rfq, supplier_id=supplier_id).first()
        if quote is None:
            quote = Quote.objects.create(brain_id=rfq.brain_id, rfq=rfq, supplier_id=supplier_id, remarks=remarks,
                                         submitted_at=now, submitted_by=by)
        else:
            quote.revision += 1
            quote.remarks, quote.submitted_at, quote.submitted_by = remarks, now, by
            quote.save()
            QuoteLine.objects.in_brain(rfq.brain_id).filter(quote=quote).delete()
        QuoteLine.objects.bulk_create(
            QuoteLine(brain_id=rfq.brain_id, quote=quote, rfq_line_id=line["rfq_line"],
                      unit_price=line["unit_price"], vat_rate=line.get("vat_rate", Decimal("13.00")), lead_time_days=line["lead_time_days"],
                      valid_until=line.get("valid_until"), remarks=line.get("remarks", ""))
            for line in lines
        )
        # No price in the event: it reaches the buyer's open page, which must stay sealed.
        event_record(brain_id=rfq.brain_id, name="quote.submitted",
                     payload={"rfq": rfq.pk, "quote": quote.pk, "supplier": supplier_id,
                              "revision": quote.revision})
        return quote


def _quote_line_problem(line: dict) -> str | None:
    if not line["unit_price"].is_finite() or line["unit_price"] <= 0 or line["unit_price"] >= Decimal("1e12"):
        return _("the price must be above zero and below a trillion yuan.")
    if Decimal(line.get("vat_rate", Decimal("13"))) not in VAT_RATES:
        return _("the VAT rate must be one of 0, 1, 3, 6, 9 or 13 %.")
    if not 1 <= int(line["lead_time_days"]) <= MAX_LEAD_TIME_DAYS:
        return _("the lead time must be from 1 to %(max)s days.") % {"max": MAX_LEAD_TIME_DAYS}
    if line.get("valid_until") and line["valid_until"] < timezone.localdate():
        return _("the quote cannot be valid only until a day already past.")
    return None


@transaction.atomic
def question_ask(*, rfq: Rfq, by: User, text: str) -> Question:
    with brain_context(rfq.brain_id):
        membership = require_member_role(brain=rfq.brain, user=by, role="supplier")
        if not may_quote(rfq, enterprise_access(brain=rfq.brain, enterprise_id=membership.enterprise_id)):
            raise NotAllowed(_("Your enterprise is not invited to this RFQ."))
        if not text.strip():
            raise DomainError(_("Write a question."), field="text")
        question = Question.objects.create(brain_id=rfq.brain_id, rfq=rfq, asked_by_id=membership.enterprise_id,
                                           text=text.strip())
        event_record(brain_id=rfq.brain_id, name="rfq.question_asked", payload={"rfq": rfq.pk, "question": question.pk})
        return question


@transaction.atomic
def question_answer(*, question: Question, by: User, answer: str) -> Question:
    """The buyer's answer is visible to every supplier that may quote (the asker is not named)."""
    with brain_context(question.brain_id):
        require_project_buyer(question.rfq.project, by)
        if not answer.strip():
            raise DomainError(_("Write an answer."), field="answer")
        question.answer, question.answered_at = answer.strip(), timezone.now()
        question.save(update_fields=["answer", "answered_at"])
        event_record(brain_id=question.brain_id, name="rfq.question_answered",
                     payload={"rfq": question.rfq_id, "question": question.pk})
        return question
