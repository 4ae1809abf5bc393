"""Metering and monthly statements (docs/dataproducts.md, "Pricing, metering and statements").

usage_record: every metered read (and every subscription period, every app installation) writes one usage record
priced from the subscription's price snapshot, or the listing's install price, VAT included, to the fen. It is
counted once per (subscription or installation, idempotency key): the database's unique constraints decide under
retries and concurrency; a loser reads the winner's row back. The same key with another payload is refused, as the
API refuses a reused Idempotency-Key with another body.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dataproducts.models import Installation, Subscription, UsageRecord
from ledger.money import ZERO, check_fits, fen
from tenants.context import brain_context
from tenants.errors import DomainError

MAX_KEY = 120
Kind = UsageRecord.Kind
SUBSCRIPTION_KINDS = (Kind.CALL, Kind.DOWNLOAD, Kind.PERIOD)


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


def usage_record(*, subscription: Subscription | None = None, installation: Installation | None = None, kind: str,
                 idempotency_key: str, rows: int = 0, revision=None) -> tuple[UsageRecord, bool]:
    """Record one metered use under `idempotency_key`; return (the record, whether this call created it).

    The insert runs in a savepoint: when a concurrent or earlier call with the same key won, the unique constraint
    refuses ours (after waiting for the winner's commit) and the winner's row is read back and returned."""
    _check(subscription=subscription, installation=installation, kind=kind, idempotency_key=idempotency_key,
           rows=rows)
    owner = subscription or installation
    amount = check_fits(usage_price(subscription=subscription, installation=installation, kind=kind, rows=rows),
                        field="rows")
    revision_id = getattr(revision, "pk", revision)
    record = UsageRecord(brain_id=owner.brain_id, subscription=subscription, installation=installation,
                         enterprise_id=owner.enterprise_id, kind=kind, idempotency_key=idempotency_key, rows=rows,
                         amount=amount, revision_id=revision_id)
    with brain_context(owner.brain_id):
        try:
            with transaction.atomic():
                record.save(force_insert=True)
            return record, True
        except IntegrityError:
            mine = {"subscription": subscription} if subscription is not None else {"installation": installation}
            existing = UsageRecord.objects.filter(idempotency_key=idempotency_key, **mine).first()
            if existing is None:  # not a key conflict: a real error
                raise
    if (existing.kind, existing.rows, existing.revision_id) != (kind, rows, revision_id):
        raise DomainError(_("This idempotency key was already used for another usage (%(kind)s, %(rows)d rows); "
                            "use a new key.") % {"kind": existing.get_kind_display(), "rows": existing.rows},
                          field="idempotency_key", code="idempotency_key_reused")
    return existing, False
