"""Metering and monthly statements (docs/dataproducts.md, "Pricing, metering and statements").

usage_record: every metered read (and every subscription period, every app installation) writes one usage record
priced from the subscription's price snapshot, or the listing's install price, VAT included, to the fen. It is
counted once per (subscription or installation, idempotency key): the database's unique constraints decide under
retries and concurrency; a loser reads the winner's row back. The same key with another payload is refused, as the
API refuses a reused Idempotency-Key with another body.
"""

from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dataproducts.models import (
    DataProduct,
    Installation,
    Subscription,
    UsageRecord,
    UsageStatement,
    UsageStatementLine,
)
from ledger.money import ZERO, check_fits, fen, vat_inside
from ledger.services.journal import Leg, entry_post
from tenants.access import require_operator
from tenants.context import brain_context, cross_brain
from tenants.errors import DomainError
from tenants.models import Brain, Enterprise, User
from tenants.outbox import event_record

MAX_KEY = 120
Kind = UsageRecord.Kind
SUBSCRIPTION_KINDS = (Kind.CALL, Kind.DOWNLOAD, Kind.PERIOD)

# The book of data products in the platform's one journal: per subscriber `receivable` (what it owes for its
# statements); the brain's `revenue` (net of VAT) and `output_vat` (VAT it owes the tax office).
BOOK = "dataproducts"
RECEIVABLE, REVENUE, OUTPUT_VAT = "receivable", "revenue", "output_vat"


def usage_price(*, subscription: Subscription | None = None, installation: Installation | None = None, kind: str,
                rows: int = 0) -> Decimal:
    """What one record of `kind` costs, VAT included: from the subscription's snapshot (a price change after the
    grant does not touch it) or the installation's listing. An unset price costs nothing."""
    if installation is not None:
        return fen(installation.listing.install_price or ZERO)
    price_per_call, price_per_row = subscription.price_per_call, subscription.price_per_row
    if kind == Kind.PERIOD:
        return fen(subscription.subscription_price or ZERO)
    amount = ZERO
    if kind == Kind.CALL and price_per_call is not None:
        amount += price_per_call
    if price_per_row is not None:  # rows delivered are paid by the row, through the API as by download
        amount += price_per_row * rows
    return fen(amount)


def _check(*, subscription, installation, kind, idempotency_key, rows) -> None:
    if (subscription is None) == (installation is None):
        raise DomainError(_("A usage record is of one subscription or of one installation."), code="invalid")
    allowed = SUBSCRIPTION_KINDS if subscription is not None else (Kind.INSTALL,)
    if kind not in allowed:
        raise DomainError(_("This kind of usage cannot be recorded here: %(kind)s.") % {"kind": kind},
                          field="kind", code="invalid_kind")
    if not idempotency_key or len(idempotency_key) > MAX_KEY:
        raise DomainError(_("A usage record needs an idempotency key of 1 to %(max)d characters.") % {"max": MAX_KEY},
                          field="idempotency_key", code="invalid_key")
    if not isinstance(rows, int) or rows < 0 or rows > 2_147_483_647:
        raise DomainError(_("Rows delivered must be a whole number, zero or more."), field="rows", code="invalid")


def _insert_once(record: UsageRecord) -> bool:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: one statement, no savepoint. True (and the pk set) if the row
    went in; False if a row with its key exists, committed (PostgreSQL waits for a concurrent insert of the same key
    to commit or roll back first). The table's only unique constraints are the key ones and the pk; its check
    constraints still raise."""
    fields = [field for field in UsageRecord._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = [field.get_db_prep_save(field.pre_save(record, add=True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(UsageRecord._meta.db_table)} ({columns}) "
                       f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING RETURNING id", values)
        row = cursor.fetchone()
    if row is None:
        return False
    record.pk = row[0]
    record._state.adding = False
    return True


def usage_record(*, subscription: Subscription | None = None, installation: Installation | None = None, kind: str,
                 idempotency_key: str, rows: int = 0, revision=None, at: datetime | None = None
                 ) -> tuple[UsageRecord, bool]:
    """Record one metered use under `idempotency_key`; return (the record, whether this call created it). `at`
    (default now) is when the use happened: a subscription period's record is dated at the period's start.

    One INSERT … ON CONFLICT DO NOTHING: when a concurrent or earlier call with the same key won, nothing is
    inserted (after waiting for the winner's commit) and the winner's row is read back and returned. (A savepoint
    and a caught IntegrityError did the same at twice the cost of a retry: bench/dataproducts_metering.py.)"""
    _check(subscription=subscription, installation=installation, kind=kind, idempotency_key=idempotency_key,
           rows=rows)
    owner = subscription or installation
    amount = check_fits(usage_price(subscription=subscription, installation=installation, kind=kind, rows=rows),
                        field="rows")
    revision_id = getattr(revision, "pk", revision)
    record = UsageRecord(brain_id=owner.brain_id, subscription=subscription, installation=installation,
                         enterprise_id=owner.enterprise_id, kind=kind, idempotency_key=idempotency_key, rows=rows,
                         amount=amount, revision_id=revision_id, at=at or timezone.now())
    with brain_context(owner.brain_id):
        if _insert_once(record):
            return record, True
        mine = {"subscription": subscription} if subscription is not None else {"installation": installation}
        existing = UsageRecord.objects.in_brain(owner.brain_id).get(idempotency_key=idempotency_key, **mine)
    if (existing.kind, existing.rows, existing.revision_id) != (kind, rows, revision_id):
        raise DomainError(_("This idempotency key was already used for another usage (%(kind)s, %(rows)d rows); "
                            "use a new key.") % {"kind": existing.get_kind_display(), "rows": existing.rows},
                          field="idempotency_key", code="idempotency_key_reused")
    return existing, False


# --- subscription periods -------------------------------------------------------------------------------------


def period_starts(*, subscription: Subscription, period: str, until: datetime) -> list[datetime]:
    """The starts of the subscription's periods (a month or a year from its start, the day kept, clamped to the
    month's end) that began before `until` and before it ended or was revoked."""
    step = relativedelta(years=1) if period == DataProduct.Period.YEAR else relativedelta(months=1)
    end = min(t for t in (until, subscription.ends_at, subscription.revoked_at) if t is not None)
    starts, n = [], 0
    while (start := subscription.starts_at + step * n) < end:
        starts.append(start)
        n += 1
    return starts


def subscription_periods_charge(*, subscription: Subscription, at: datetime | None = None) -> list[UsageRecord]:
    """Charge every started period of a subscription with a subscription price once (key `period:<subscription
    id>:<period start, local date>`), dated at the period's start; return the records made now. Safe to run twice."""
    if subscription.subscription_price is None:
        return []
    made = []
    with brain_context(subscription.brain_id):
        period = DataProduct.objects.in_brain(subscription.brain_id).values_list(
            "subscription_period", flat=True).get(pk=subscription.product_id)
        for start in period_starts(subscription=subscription, period=period, until=at or timezone.now()):
            key = f"period:{subscription.pk}:{timezone.localdate(start).isoformat()}"
            record, created = usage_record(subscription=subscription, kind=Kind.PERIOD, idempotency_key=key, at=start)
            if created:
                made.append(record)
    return made


def subscription_periods_charge_due(*, at: datetime | None = None) -> int:
    """Beat: charge the started periods of every priced subscription of every brain; return how many periods were
    charged now. Each subscription in its own transaction; the keys make a second run (or a concurrent one) a no-op.

    Read only: subscriptions still running a month ago (older ones had every period charged by earlier runs) with no
    period charged in the last month (else their next period has not started)."""
    at = at or timezone.now()
    month_ago = at - relativedelta(months=1)
    with cross_brain(reason="charge subscription periods"):
        due = list(Subscription.objects.filter(subscription_price__isnull=False, starts_at__lte=at,
                                               ends_at__gt=month_ago)
                   .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=month_ago))
                   .exclude(usage__kind=Kind.PERIOD, usage__at__gt=month_ago)
                   .values_list("brain_id", "pk"))
    charged = 0
    for brain_id, pk in due:
        with brain_context(brain_id):
            subscription = Subscription.objects.in_brain(brain_id).get(pk=pk)
            charged += len(subscription_periods_charge(subscription=subscription, at=at))
    return charged


# --- monthly statements ---------------------------------------------------------------------------------------


def month_bounds(month: date) -> tuple[date, datetime, datetime]:
    """The month's first day and its start and end (exclusive), Beijing time."""
    first = month.replace(day=1)
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, time.min), zone)
    return first, start, timezone.make_aware(datetime.combine(first + relativedelta(months=1), time.min), zone)


def line_vat_rate(line: UsageStatementLine) -> Decimal:
    return line.subscription.vat_rate if line.subscription_id else line.installation.listing.vat_rate


def usage_statement_issue(*, brain: Brain, enterprise: Enterprise, month: date, by: User | None = None
                          ) -> UsageStatement:
    """Issue one subscriber's statement for a month that is over: every priced usage record of it not billed yet and
    dated before the month's end (so a record that came late is billed with the next statement) becomes one line per
    subscription or installation; VAT per line (ledger.money); the charge is posted once to the journal and the
    records point at the statement, so none is billed twice. Refused for a month not over, a second time, or when
    nothing is to be billed (free reads are never billed). `by`: the operator, or None for the beat task."""
    first, _start, end = month_bounds(month)
    if by is not None:
        with brain_context(brain.pk):
            require_operator(brain=brain, user=by)
    _require_over(first, end)
    with transaction.atomic(), brain_context(brain.pk):
        if UsageStatement.objects.in_brain(brain.pk).filter(enterprise=enterprise, month=first).exists():
            raise _already_issued(first)
        # Locked: a concurrent issue (for this or another month) waits, then sees them billed and skips them.
        records = list(UsageRecord.objects.in_brain(brain.pk).select_for_update(of=("self",))
                       .filter(enterprise=enterprise, statement__isnull=True, amount__gt=0, at__lt=end)
                       .select_related("subscription", "installation__listing").order_by("id"))
        if not records:
            if UsageStatement.objects.in_brain(brain.pk).filter(enterprise=enterprise, month=first).exists():
                raise _already_issued(first)  # a concurrent issue billed them and committed while we waited
            raise DomainError(_("%(month)s has nothing to bill for this subscriber.")
                              % {"month": first.strftime("%Y-%m")}, field="month", code="nothing_to_bill")
        statement = UsageStatement(brain=brain, enterprise=enterprise, month=first, total=ZERO, vat=ZERO,
                                   issued_by=by if by and by.pk else None)
        try:
            with transaction.atomic():
                statement.save(force_insert=True)
        except IntegrityError:  # a concurrent issue of the same month won
            raise _already_issued(first) from None
        lines = _lines(statement, records)
        UsageStatementLine.objects.bulk_create(lines)
        statement.total = check_fits(sum((line.amount for line in lines), ZERO), field="month")
        statement.vat = sum((vat_inside(line.amount, line_vat_rate(line)) for line in lines), ZERO)
        entry = entry_post(brain_id=brain.pk, book=BOOK, kind="statement", by=by,
                           document=("usage_statement", statement.pk),
                           memo=f"{enterprise.legal_name} {first:%Y-%m}",
                           legs=[Leg(RECEIVABLE, debit=statement.total, enterprise_id=enterprise.pk),
                                 Leg(REVENUE, credit=statement.total - statement.vat),
                                 Leg(OUTPUT_VAT, credit=statement.vat)])
        statement.entry_id = entry.pk
        statement.save(update_fields=["total", "vat", "entry_id"])
        UsageRecord.objects.in_brain(brain.pk).filter(pk__in=[r.pk for r in records]).update(statement=statement)
        event_record(brain_id=brain.pk, name="usage_statement.issued", payload={
            "usage_statement": statement.pk, "enterprise": enterprise.pk, "month": first.isoformat(),
            "total": str(statement.total), "vat": str(statement.vat)})
    return statement


def _require_over(first: date, end: datetime) -> None:
    if end > timezone.now():
        raise DomainError(_("%(month)s is not over yet: a month is billed once it has ended.")
                          % {"month": first.strftime("%Y-%m")}, field="month", code="month_not_over")


def _already_issued(first: date) -> DomainError:
    return DomainError(_("The statement for %(month)s was issued already.") % {"month": first.strftime("%Y-%m")},
                       field="month", code="already_issued")


def _lines(statement: UsageStatement, records: list[UsageRecord]) -> list[UsageStatementLine]:
    lines: dict[tuple, UsageStatementLine] = {}
    counts = defaultdict(int)
    for record in records:
        key = (record.subscription_id, record.installation_id)
        line = lines.get(key)
        if line is None:
            line = lines[key] = UsageStatementLine(
                brain_id=statement.brain_id, statement=statement, subscription=record.subscription,
                installation=record.installation, amount=ZERO)
        line.amount += record.amount
        line.rows += record.rows
        counts[key, record.kind] += 1
    for (sub_id, inst_id), line in lines.items():
        line.calls = counts[(sub_id, inst_id), Kind.CALL]
        line.downloads = counts[(sub_id, inst_id), Kind.DOWNLOAD]
        line.periods = counts[(sub_id, inst_id), Kind.PERIOD]
    return list(lines.values())


def usage_statements_issue_month(*, brain: Brain, month: date, by: User | None = None) -> list[UsageStatement]:
    """Issue a month's statement for every subscriber of the brain with priced usage not billed yet; skip those
    issued already (safe to run twice). Returns the statements issued now."""
    first, _start, end = month_bounds(month)
    with brain_context(brain.pk):
        if by is not None:
            require_operator(brain=brain, user=by)
        _require_over(first, end)
        issued = UsageStatement.objects.in_brain(brain.pk).filter(month=first).values("enterprise_id")
        subscribers = list(UsageRecord.objects.in_brain(brain.pk)
                           .filter(statement__isnull=True, amount__gt=0, at__lt=end)
                           .exclude(enterprise_id__in=issued).values_list("enterprise_id", flat=True)
                           .distinct().order_by("enterprise_id"))
    made = []
    for enterprise in Enterprise.objects.filter(pk__in=subscribers).order_by("pk"):
        try:
            made.append(usage_statement_issue(brain=brain, enterprise=enterprise, month=first, by=by))
        except DomainError as error:
            if error.code not in ("already_issued", "nothing_to_bill"):  # a concurrent run issued it meanwhile
                raise
    return made


def usage_statements_issue_due(*, today: date | None = None) -> int:
    """Beat (monthly): last month's statements of every brain; return how many were issued now."""
    last_month = (today or timezone.localdate()).replace(day=1) - relativedelta(months=1)
    return sum(len(usage_statements_issue_month(brain=brain, month=last_month))
               for brain in Brain.objects.order_by("pk"))
