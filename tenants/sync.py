"""Incremental sync: change times kept by the database, and reads in order of change.

Every table with an `updated_at` column gets triggers that stamp it, by the database's clock, on each INSERT
and on each UPDATE that changes the row, so no code path (a queryset `.update()`, raw SQL, a migration) can
change a row without it showing. A row's change
time for sync is the latest of its own and its children's (`ChangeTracked.sync_children`).
"""

from datetime import datetime

from django.apps import apps
from django.db import connection
from django.db.models import DateTimeField, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION ib_stamp_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The same values written back (a model saved unchanged, even with a stale updated_at) are no change;
  -- a write that only moves updated_at forward is a deliberate touch (a child deleted, say) and is one.
  IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - 'updated_at') = (to_jsonb(NEW) - 'updated_at')
     AND NEW.updated_at <= OLD.updated_at THEN
    NEW.updated_at := OLD.updated_at;
  ELSE
    NEW.updated_at := clock_timestamp();
  END IF;
  RETURN NEW;
END $$
"""


def tracked_tables() -> list[str]:
    tables = []
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy and any(f.name == "updated_at" for f in model._meta.fields):
            tables.append(model._meta.db_table)
    return tables


def apply_triggers(**kwargs) -> None:
    """post_migrate hook: the updated_at trigger on every table that has the column. Idempotent."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(TRIGGER_FUNCTION)
        for table in tracked_tables():
            if table in existing:
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"CREATE OR REPLACE TRIGGER ib_updated_at BEFORE UPDATE ON {quoted} FOR EACH ROW "
                               f"EXECUTE FUNCTION ib_stamp_updated_at()")
                # New rows too: one clock (the database's) for every change time, not the app servers' as well.
                cursor.execute(f"CREATE OR REPLACE TRIGGER ib_updated_at_insert BEFORE INSERT ON {quoted} "
                               f"FOR EACH ROW EXECUTE FUNCTION ib_stamp_updated_at()")


def sync_field(model) -> str | None:
    """The column a model's rows are synced by, or None if its lists cannot be synced incrementally."""
    name = getattr(model, "sync_field", None)
    if name is None and any(f.name == "updated_at" for f in model._meta.fields):
        name = "updated_at"
    return name


def with_changed_at(queryset: QuerySet) -> QuerySet:
    """`sync_changed_at`: the latest change of the row or of its children (a name no model's own field takes: a
    discount offer has a `changed_at` of its own)."""
    model = queryset.model
    own = F(sync_field(model))
    children = []
    for lookup in getattr(model, "sync_children", ()):
        relation, _, field = lookup.rpartition("__")
        related = model._meta.get_field(relation).related_model
        fk = model._meta.get_field(relation).field.name
        latest = (related.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
                  .annotate(latest=Max(field)).values("latest"))
        children.append(Coalesce(Subquery(latest, output_field=DateTimeField()), own))
    changed = Greatest(own, *children) if children else own
    return queryset.annotate(sync_changed_at=changed)


def changed_after(queryset: QuerySet, *, since: datetime | None = None,
                  after: tuple[datetime, int] | None = None) -> QuerySet:
    """Rows changed at or after `since`, and strictly after the keyset position `after` (time, id), in order
    of change."""
    queryset = with_changed_at(queryset)
    if since is not None:
        queryset = queryset.filter(sync_changed_at__gte=since)
    if after is not None:
        at, pk = after
        queryset = queryset.filter(Q(sync_changed_at__gt=at) | Q(sync_changed_at=at, pk__gt=pk))
    return queryset.order_by("sync_changed_at", "pk")
