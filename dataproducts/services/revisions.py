"""Revisions (docs/dataproducts.md, "Products, revisions and privacy"): a build runs the product's definition over a
time range, passes its observations through dataproducts.privacy and stores a draft with its lineage (tables, time
range, when, definition version and code commit, the rule used) and what each enterprise's data fed. Publishing
makes it immutable (a database trigger, migration 0003); a correction is a new revision that names the one it
corrects, which is withdrawn when the correction is published. Beat builds and publishes each listed product's last
complete period, once per period and data (the digest of what would be published)."""

import functools
import hashlib
import json
import os
import subprocess
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dataproducts import privacy
from dataproducts.definitions import REGISTRY, Definition, last_complete_period
from dataproducts.models import Contribution, DataProduct, OptOut, Revision, RevisionRow
from tenants.access import require_brain_active, require_operator
from tenants.context import brain_context, cross_brain
from tenants.errors import DomainError
from tenants.models import User
from tenants.outbox import event_record

MAX_SPAN_DAYS = 366
MAX_COMMENT = 500
SHOWN = (Revision.Status.PUBLISHED, Revision.Status.WITHDRAWN)  # published once: what readers may hold


@functools.cache
def code_version() -> str:
    """The code's git commit, read once per process: $CODE_VERSION (set by the image build) or the checkout's HEAD;
    empty if neither is known."""
    known = os.environ.get("CODE_VERSION", "").strip()
    if known:
        return known[:40]
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True,
                                timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and len(commit) == 40 else ""


def _key(definition: Definition, dimensions: dict) -> tuple:
    return tuple(dimensions.get(field.name) for field in definition.dimensions)


def _earlier(product: DataProduct, definition: Definition, period_from: date, period_to: date):
    """What earlier publications of the product's cells and remainders were made of (enterprise → (records,
    weight)): published or withdrawn revisions overlapping the range, since a reader may hold either."""
    revisions = list(Revision.objects.in_brain(product.brain_id)
                     .filter(product=product, status__in=SHOWN, period_from__lte=period_to, period_to__gte=period_from)
                     .values_list("pk", "period_from", "period_to"))
    if not revisions:
        return {}, []
    same_period = {pk for pk, first, last in revisions if (first, last) == (period_from, period_to)}
    rows = {(revision, position): (dimensions, is_remainder) for revision, position, dimensions, is_remainder in
            RevisionRow.objects.in_brain(product.brain_id).filter(revision_id__in=[pk for pk, *_rest in revisions])
            .values_list("revision_id", "position", "dimensions", "is_remainder")}
    shares: dict[tuple, dict] = {}
    for revision, enterprise, row_shares in (Contribution.objects.in_brain(product.brain_id)
                                             .filter(revision_id__in=[pk for pk, *_rest in revisions])
                                             .values_list("revision_id", "enterprise_id", "row_shares")):
        for position, (records, weight) in row_shares.items():
            shares.setdefault((revision, int(position)), {})[enterprise] = (records, Decimal(weight))
    earlier: dict[tuple, list] = {}
    remainders = []
    for (revision, position), (dimensions, is_remainder) in rows.items():
        contributors = shares.get((revision, position), {})
        if is_remainder:
            if revision in same_period:
                remainders.append(contributors)
        else:
            earlier.setdefault(_key(definition, dimensions), []).append(contributors)
    return earlier, remainders


def _excluded(product: DataProduct) -> list[int]:
    """Enterprises that opted out of the product: their records stay out, unless the brain's rules require it."""
    if product.required:
        return []
    return list(OptOut.objects.in_brain(product.brain_id).filter(product=product).values_list("enterprise_id",
                                                                                               flat=True))


def _digest(definition: Definition, outcome: privacy.Outcome) -> str:
    """What a publication would say and whom it would name: equal digests, nothing new to publish."""
    content = [[list(row.key) if row.key else None, row.measures, row.enterprises,
                sorted([enterprise, records, str(weight)] for enterprise, (records, weight) in
                       row.contributors.items())] for row in outcome.rows]
    return hashlib.sha256(json.dumps([definition.version, content], sort_keys=True, default=str)
                          .encode()).hexdigest()


def _check_period(definition: Definition, period_from, period_to) -> None:
    for field, value in (("period_from", period_from), ("period_to", period_to)):
        if not isinstance(value, date):
            raise DomainError(_("Give the first and last day of the data."), field=field)
    if period_from > period_to:
        raise DomainError(_("The data ends before it starts."), field="period_to")
    if (period_to - period_from).days >= MAX_SPAN_DAYS:
        raise DomainError(_("A revision covers at most a year of data."), field="period_to")
    if period_to >= timezone.localdate():
        raise DomainError(_("A revision covers days that have ended: the last day is yesterday at the latest."),
                          field="period_to")


def _compute(product: DataProduct, definition: Definition, period_from: date, period_to: date):
    rule = privacy.rule_for(product)
    earlier, remainders = _earlier(product, definition, period_from, period_to)
    outcome = privacy.publish(
        definition.observations(product.brain, period_from, period_to, _excluded(product)),
        aggregate=definition.aggregate, rule=rule, earlier=earlier, earlier_remainders=remainders)
    return rule, outcome, _digest(definition, outcome)


def _store(*, product, definition, period_from, period_to, rule, outcome, digest, comment, corrects) -> Revision:
    number = (Revision.objects.in_brain(product.brain_id).filter(product=product)
              .order_by("-number").values_list("number", flat=True).first() or 0) + 1
    published_enterprises = set()
    for row in outcome.rows:
        published_enterprises.update(row.contributors)
    computed_at = timezone.now()
    revision = Revision.objects.create(
        brain_id=product.brain_id, product=product, number=number, period_from=period_from, period_to=period_to,
        definition_version=definition.version, code_version=code_version(), computed_at=computed_at,
        corrects=corrects, comment=comment, row_count=len(outcome.rows), suppressed_count=len(outcome.suppressed),
        enterprise_count=len(published_enterprises),
        lineage={"definition": definition.code, "definition_version": definition.version,
                 "tables": list(definition.tables), "period_from": period_from.isoformat(),
                 "period_to": period_to.isoformat(), "computed_at": computed_at.isoformat(),
                 "code_version": code_version(), "rule": rule.as_dict(),
                 # counted over published rows only: no total beside them that a reader could subtract from
                 "records": sum(records for row in outcome.rows for records, _weight in row.contributors.values()),
                 "suppressed_cells": len(outcome.suppressed), "remainder_cells": len(outcome.remainder_cells),
                 "remainder_withheld": bool(outcome.suppressed) and not outcome.remainder_cells,
                 "digest": digest})
    dimension_names = [field.name for field in definition.dimensions]
    RevisionRow.objects.bulk_create([
        RevisionRow(brain_id=product.brain_id, revision=revision, position=position, is_remainder=row.is_remainder,
                    dimensions={} if row.is_remainder else dict(zip(dimension_names, row.key, strict=True)),
                    measures=row.measures, enterprises=row.enterprises)
        for position, row in enumerate(outcome.rows, start=1)], batch_size=2000)
    shares: dict[int, dict] = {}
    for position, row in enumerate(outcome.rows, start=1):
        for enterprise, (records, weight) in row.contributors.items():
            shares.setdefault(enterprise, {})[str(position)] = [records, str(weight)]
    Contribution.objects.bulk_create([
        Contribution(brain_id=product.brain_id, revision=revision, enterprise_id=enterprise, records=fed["records"],
                     cells=fed["cells"], suppressed_cells=fed["suppressed_cells"],
                     row_shares=shares.get(enterprise, {}))
        for enterprise, fed in sorted(outcome.contributions().items())], batch_size=2000)
    return revision


def _lock_product(product: DataProduct) -> DataProduct:
    # One build of a product at a time: numbering, differencing and the scheduled build's once-per-data rely on it.
    return DataProduct.objects.in_brain(product.brain_id).select_for_update().get(pk=product.pk)


@transaction.atomic
def revision_build(*, product: DataProduct, period_from: date, period_to: date, by: User | None = None,
                   comment: str = "", corrects: Revision | None = None) -> Revision:
    """A draft revision of the product over [period_from, period_to] (operators; `by` None for the system)."""
    with brain_context(product.brain_id):
        if by is not None:
            require_operator(brain=product.brain, user=by)
        require_brain_active(brain=product.brain)
        definition = REGISTRY.get(product.definition)
        if definition is None:
            raise DomainError(_("There is no such product definition."), field="definition")
        _check_period(definition, period_from, period_to)
        comment = (comment or "").strip()
        if len(comment) > MAX_COMMENT:
            raise DomainError(_("A comment has at most %(max)d characters.") % {"max": MAX_COMMENT}, field="comment")
        product = _lock_product(product)
        if product.status == DataProduct.Status.RETIRED:
            raise DomainError(_("A retired product is not built any more."), field="product", code="retired")
        if corrects is not None:
            corrects = Revision.objects.in_brain(product.brain_id).filter(pk=corrects.pk, product=product).first()
            if corrects is None or corrects.status != Revision.Status.PUBLISHED:
                raise DomainError(_("Only a published revision of this product can be corrected."), field="corrects")
            if not comment:
                raise DomainError(_("Say what the correction corrects."), field="comment")
        rule, outcome, digest = _compute(product, definition, period_from, period_to)
        return _store(product=product, definition=definition, period_from=period_from, period_to=period_to,
                      rule=rule, outcome=outcome, digest=digest, comment=comment, corrects=corrects)


def revision_correct(*, revision: Revision, by: User, comment: str) -> Revision:
    """A draft correcting a published revision: the same period built again, with a comment saying why."""
    with brain_context(revision.brain_id):
        product = DataProduct.objects.in_brain(revision.brain_id).get(pk=revision.product_id)
    return revision_build(product=product, period_from=revision.period_from, period_to=revision.period_to,
                          by=by, comment=comment, corrects=revision)


def _publish(revision: Revision, by: User | None) -> Revision:
    revision = Revision.objects.in_brain(revision.brain_id).select_for_update().get(pk=revision.pk)
    if revision.status != Revision.Status.DRAFT:
        raise DomainError(_("This revision is published already."), field="status", code="invalid_status")
    # The differencing check compared the draft with what was published when it was built; anything published of
    # the product's overlapping periods since then was not compared.
    if Revision.objects.in_brain(revision.brain_id).filter(
            product_id=revision.product_id, status__in=SHOWN, published_at__gt=revision.computed_at,
            period_from__lte=revision.period_to, period_to__gte=revision.period_from).exists():
        raise DomainError(_("Another revision of these months was published after this one was built; build it "
                            "again."), field="status", code="stale")
    if revision.corrects_id:
        corrected = Revision.objects.in_brain(revision.brain_id).select_for_update().get(pk=revision.corrects_id)
        if corrected.status != Revision.Status.PUBLISHED:
            raise DomainError(_("The revision this one corrects was corrected already."), field="corrects",
                              code="invalid_status")
        corrected.status = Revision.Status.WITHDRAWN
        corrected.save(update_fields=["status"])
    revision.status = Revision.Status.PUBLISHED
    revision.published_at = timezone.now()
    revision.published_by = by
    revision.save(update_fields=["status", "published_at", "published_by"])
    event_record(brain_id=revision.brain_id, name="revision.published",
                 payload={"product": revision.product_id, "revision": revision.pk})
    return revision


@transaction.atomic
def revision_publish(*, revision: Revision, by: User | None) -> Revision:
    """Publish a draft: from now on it is immutable; the revision it corrects, if any, is withdrawn."""
    with brain_context(revision.brain_id):
        if by is not None:
            require_operator(brain=revision.product.brain, user=by)
        require_brain_active(brain=revision.product.brain)
        _lock_product(revision.product)
        return _publish(revision, by)


@transaction.atomic
def revision_refresh(*, product: DataProduct, today: date | None = None) -> Revision | None:
    """Build and publish the product's last complete period, unless the latest published revision of that period
    would publish the same (then None): safe to run any number of times."""
    with brain_context(product.brain_id):
        definition = REGISTRY.get(product.definition)
        if definition is None:
            return None
        product = _lock_product(product)
        if product.status != DataProduct.Status.LISTED:
            return None
        period_from, period_to = last_complete_period(definition.period, today or timezone.localdate())
        rule, outcome, digest = _compute(product, definition, period_from, period_to)
        latest = (Revision.objects.in_brain(product.brain_id)
                  .filter(product=product, status=Revision.Status.PUBLISHED, period_from=period_from,
                          period_to=period_to).order_by("-number").first())
        if latest is not None and latest.lineage.get("digest") == digest:
            return None
        revision = _store(product=product, definition=definition, period_from=period_from, period_to=period_to,
                          rule=rule, outcome=outcome, digest=digest, corrects=latest,
                          comment=_("Scheduled rebuild: the data changed.") if latest else "")
        return _publish(revision, None)


def revisions_refresh_due(*, today: date | None = None) -> int:
    """Beat: every listed product of every brain refreshed, each in its own transaction; how many were published."""
    with transaction.atomic(), cross_brain(reason="scheduled data product builds"):
        products = list(DataProduct.objects.filter(status=DataProduct.Status.LISTED).values_list("brain_id", "pk"))
    published = 0
    for brain_id, pk in products:
        with brain_context(brain_id):
            product = DataProduct.objects.in_brain(brain_id).select_related("brain").get(pk=pk)
            if not product.brain.is_active:
                continue
        if revision_refresh(product=product, today=today) is not None:
            published += 1
    return published
